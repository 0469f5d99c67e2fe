#include "server/server_options.h"

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace kensho::server {
namespace {

std::string WriteConfig(const std::string& name, const std::string& text) {
  std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(ParseHostPortTest, Forms) {
  auto a = ParseHostPort("127.0.0.1:50051");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 50051);
  auto b = ParseHostPort("[::1]:0");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 0);
  for (const char* bad : {"", "noport", ":80", "host:", "host:65536", "host:-1",
                          "a:b:c", "[::1]", "[::1]80", "host:8o"}) {
    EXPECT_FALSE(ParseHostPort(bad).ok()) << bad;
  }
}

TEST(LoopbackTest, Hosts) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.8.9.10"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("::"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("example.com"));
}

TEST(LoadServerConfigTest, DemoDefaults) {
  FlagOverrides flags;
  flags.demo = true;
  auto config = LoadServerConfig("", flags);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen(), kDefaultListen);
  EXPECT_EQ(config->data_dir(), kDefaultDataDir);
  EXPECT_EQ(config->limits().max_message_bytes(), kDefaultMaxMessageBytes);
}

TEST(LoadServerConfigTest, FlagsOverrideFile) {
  std::string path = WriteConfig("c1.textproto", R"(
    listen: "127.0.0.1:1234"
    data_dir: "/tmp/x"
    trust_profiles { name: "jpki-sign" anchor_files: "a.pem" }
  )");
  FlagOverrides flags;
  flags.listen = "127.0.0.1:0";
  auto config = LoadServerConfig(path, flags);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen(), "127.0.0.1:0");
  EXPECT_EQ(config->data_dir(), "/tmp/x");
}

TEST(LoadServerConfigTest, ErrorsNameTheField) {
  struct Case {
    const char* text;
    const char* expect;
  } cases[] = {
      {"listen: \"nonsense\" demo: true", "listen"},
      {"listen: \"0.0.0.0:50051\" demo: true", "not a loopback"},
      {"demo: true limits { max_message_bytes: 10 }", "limits.max_message_bytes"},
      {"trust_profiles { name: \"x\" }", "anchor_files"},
      {"", "trust_profiles: none configured"},
      {"listen: 5", "line 1"},
      {"no_such_field: 1", "no_such_field"},
      {"demo: true jpki_oids { signature_policy: \"1.2.x\" }", "jpki_oids.signature_policy"},
      {"demo: true jpki_oids { auth_policy: \"1.\" }", "jpki_oids.auth_policy"},
  };
  int i = 0;
  for (const Case& c : cases) {
    std::string path = WriteConfig("bad" + std::to_string(i++), c.text);
    auto config = LoadServerConfig(path, {});
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_NE(config.status().message().find(c.expect), std::string::npos)
        << c.text << " -> " << config.status();
  }
}

TEST(LoadServerConfigTest, JsonConfig) {
  std::string path = WriteConfig("c.json", R"({
    "listen": "127.0.0.1:7000",
    "trustProfiles": [{"name": "jpki-sign", "anchorFiles": ["a.pem"]}],
    "revocation": {"defaultMode": "HARD_FAIL"}
  })");
  auto config = LoadServerConfig(path, {});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen(), "127.0.0.1:7000");
  EXPECT_EQ(config->trust_profiles(0).anchor_files(0), "a.pem");
  EXPECT_EQ(config->revocation().default_mode(), v1::RevocationConfig::HARD_FAIL);
  std::string bad = WriteConfig("bad.json", R"({"listen": 5, "nope": 1})");
  auto refused = LoadServerConfig(bad, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("bad.json"), std::string::npos);
}

// Every kind of field: strings, booleans, int32/int64/double, enums,
// optional, repeated scalars, repeated enums and repeated messages.
constexpr char kFullTextproto[] = R"(
  listen: "0.0.0.0:7000"
  data_dir: "/var/lib/kensho"
  metrics_listen: "127.0.0.1:9464"
  trust_profiles { name: "jpki-sign" anchor_files: "a.pem" anchor_files: "b.pem" }
  trust_profiles { name: "jpki-auth" anchor_files: "c.pem" intermediate_files: "i.pem"
                   allow_test_roots: true }
  limits { max_message_bytes: 33554432 max_content_bytes: 1048576 }
  jpki_oids { signature_policy: "1.2.392.200149.8.5.1.1.20" }
  revocation {
    default_mode: HARD_FAIL
    crl_partitions { id: "sign-iide" source: "file:///crl/iide.crl"
                     distribution_point: "CN=Iide-machi CRLDP, O=JPKI, C=JP"
                     trust_profile: "jpki-sign" required: false }
    crl_dir: "/crl"
    connect_timeout_ms: 3000 max_crl_bytes: 536870912 max_stale_seconds: 86400
    ocsp_responders { trust_profile: "jpki-sign" url: "http://ocsp.example/" }
  }
  tls { cert_file: "server.pem" key_file: "server.key" client_ca_file: "clients.pem" }
  callers { name: "bank kyc" sha256_fingerprint: "4f1c"
            roles: RELYING_PARTY roles: PERSONAL_DATA rate_per_second: 2.5 burst: 10 }
  callers { name: "ops" subject: "O=Example, CN=ops" roles: ADMIN max_streams: 4 }
)";

constexpr char kFullYaml[] = R"(# the same config as kFullTextproto
listen: 0.0.0.0:7000
data_dir: /var/lib/kensho
metrics_listen: "127.0.0.1:9464"
trust_profiles:
  - name: jpki-sign
    anchor_files: [a.pem, b.pem]
  - name: jpki-auth
    anchor_files:
      - c.pem
    intermediate_files: ['i.pem']
    allow_test_roots: true
limits: {max_message_bytes: 33554432, max_content_bytes: "1048576"}
jpki_oids:
  signature_policy: 1.2.392.200149.8.5.1.1.20
revocation:
  default_mode: HARD_FAIL
  crl_partitions:
    - id: sign-iide
      source: file:///crl/iide.crl
      distribution_point: "CN=Iide-machi CRLDP, O=JPKI, C=JP"
      trust_profile: jpki-sign
      required: false
  crlDir: /crl              # lowerCamelCase names work too (proto3 JSON)
  connect_timeout_ms: 3000
  max_crl_bytes: 536870912
  max_stale_seconds: 86400
  ocsp_responders: [{trust_profile: jpki-sign, url: "http://ocsp.example/"}]
tls:
  cert_file: server.pem
  key_file: server.key
  client_ca_file: clients.pem
callers:
  - name: bank kyc
    sha256_fingerprint: 4f1c
    roles: [RELYING_PARTY, PERSONAL_DATA]
    rate_per_second: 2.5
    burst: 10
  - name: ops
    subject: O=Example, CN=ops
    roles:
      - ADMIN
    max_streams: 4
)";

TEST(LoadServerConfigTest, YamlLoadsLikeTheSameTextproto) {
  auto from_text = LoadServerConfig(WriteConfig("full.textproto", kFullTextproto), {});
  ASSERT_TRUE(from_text.ok()) << from_text.status();
  for (const char* name : {"full.yaml", "full.yml"}) {
    auto from_yaml = LoadServerConfig(WriteConfig(name, kFullYaml), {});
    ASSERT_TRUE(from_yaml.ok()) << name << ": " << from_yaml.status();
    std::string diff;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&diff);
    EXPECT_TRUE(differencer.Compare(*from_text, *from_yaml)) << name << ": " << diff;
  }
  // Spot checks, in case both parsers were wrong the same way.
  EXPECT_TRUE(from_text->trust_profiles(1).allow_test_roots());
  EXPECT_EQ(from_text->callers(0).roles_size(), 2);
  EXPECT_TRUE(from_text->revocation().crl_partitions(0).has_required());
}

TEST(LoadServerConfigTest, YamlScalars) {
  // Booleans (YAML 1.2 core: true/True/TRUE), int32 from a plain number and
  // from a quoted one, a quoted bool-looking string stays a string, null and
  // an empty value leave the default, an empty file is an empty config.
  auto config = LoadServerConfig(WriteConfig("s.yaml", R"(
demo: True
allow_subject_without_authentication: false
listen: "127.0.0.1:7001"
data_dir: ~
metrics_listen:
jpki_oids: {auth_policy: "1.2.3"}
revocation: {retry_min_seconds: 30, retry_max_seconds: "+3600", max_stale_seconds: 007,
             crl_dir: "true"}
callers: []
)"),
                                 {});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->demo());
  EXPECT_EQ(config->listen(), "127.0.0.1:7001");
  EXPECT_EQ(config->data_dir(), kDefaultDataDir);
  EXPECT_EQ(config->metrics_listen(), "");
  EXPECT_EQ(config->revocation().retry_min_seconds(), 30);
  EXPECT_EQ(config->revocation().retry_max_seconds(), 3600);
  EXPECT_EQ(config->revocation().max_stale_seconds(), 7);
  EXPECT_EQ(config->revocation().crl_dir(), "true");
  EXPECT_EQ(config->jpki_oids().auth_policy(), "1.2.3");

  // protobuf's JSON parser also takes the strings yes/no/y/n/t/f/1/0 for a
  // bool field (so YAML 1.1 habits still mean what they say).
  auto yes = LoadServerConfig(WriteConfig("yes.yaml", "demo: yes\nlisten: 127.0.0.1:0\n"), {});
  ASSERT_TRUE(yes.ok()) << yes.status();
  EXPECT_TRUE(yes->demo());

  FlagOverrides demo;
  demo.demo = true;
  for (const char* empty : {"", "# nothing\n", "---\n", "~\n", "{}\n"}) {
    auto c = LoadServerConfig(WriteConfig("empty.yaml", empty), demo);
    EXPECT_TRUE(c.ok()) << "'" << empty << "': " << c.status();
  }
}

TEST(LoadServerConfigTest, YamlErrorsNameTheFileAndTheProblem) {
  struct Case {
    const char* name;
    const char* text;
    std::vector<const char*> expect;
  } cases[] = {
      // Syntax errors carry yaml-cpp's line:column (1-based).
      {"syntax.yaml", "demo: true\nlisten: [127.0.0.1:1\n", {"syntax.yaml", "line 3:1"}},
      {"syntax2.yaml", "demo: true\n  listen: x\n", {"syntax2.yaml", "line 2:9"}},
      {"unknown.yaml", "demo: true\nno_such_field: 1\n", {"unknown.yaml", "no_such_field"}},
      {"nested_unknown.yml", "demo: true\nlimits: {max_bytes: 1}\n",
       {"nested_unknown.yml", "max_bytes"}},
      // YAML 1.1's on/off are plain strings here; a bool field refuses them.
      {"on.yaml", "demo: on\n", {"on.yaml", "demo", "TYPE_BOOL"}},
      // A plain number is a JSON number: a string field wants it quoted.
      {"number.yaml", "demo: true\nlisten: 5\n", {"number.yaml", "listen", "TYPE_STRING"}},
      {"float_for_int.yaml", "demo: true\nrevocation: {max_stale_seconds: 1.5}\n",
       {"float_for_int.yaml", "max_stale_seconds"}},
      {"utf8.yaml", "demo: true\ndata_dir: a\xff\n", {"utf8.yaml", "line 2:11: not UTF-8"}},
      {"nan.yaml",
       "tls: {cert_file: c, key_file: k, client_ca_file: ca}\n"
       "callers: [{name: x, subject: CN=x, roles: [ADMIN], rate_per_second: .nan}]\n"
       "trust_profiles: [{name: p, anchor_files: [a]}]\n",
       {"callers[0] 'x'.rate_per_second: must be a finite number"}},
      {"string_for_int.yaml", "demo: true\nlimits: {max_message_bytes: lots}\n",
       {"string_for_int.yaml", "max_message_bytes"}},
      {"bad_enum.yaml", "demo: true\nrevocation: {default_mode: SOMETIMES}\n",
       {"bad_enum.yaml", "default_mode"}},
      {"duplicate.yaml", "demo: true\nlisten: 127.0.0.1:1\nlisten: 127.0.0.1:2\n",
       {"duplicate.yaml", "line 3:1", "duplicate key 'listen'"}},
      {"two_docs.yaml", "demo: true\n---\ndemo: false\n", {"two_docs.yaml", "one YAML document"}},
      {"tag.yaml", "demo: !!bool true\n", {"tag.yaml", "line 1:7", "tag"}},
      {"map_key.yaml", "demo: true\n[a]: 1\n", {"map_key.yaml", "key must be a scalar"}},
      {"list.yaml", "- demo\n", {"list.yaml"}},
      // Validation after parsing is the same as for textproto.
      {"validate.yaml", "listen: 0.0.0.0:1\ndemo: true\n", {"not a loopback"}},
  };
  for (const Case& c : cases) {
    auto config = LoadServerConfig(WriteConfig(c.name, c.text), {});
    ASSERT_FALSE(config.ok()) << c.name;
    for (const char* expect : c.expect) {
      EXPECT_NE(config.status().message().find(expect), std::string::npos)
          << c.name << " -> " << config.status() << " (expected '" << expect << "')";
    }
  }
}

TEST(LoadServerConfigTest, YamlAnchorsAliasesAndDeepNestingAreRefused) {
  // A billion-laughs bomb: nine levels of nine aliases, 9^9 strings if expanded.
  std::string bomb = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    const char prev = c - 1;
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? "," : "") + "*" + prev;
    bomb += "]\n";
  }
  auto refused = LoadServerConfig(WriteConfig("bomb.yaml", bomb), {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("bomb.yaml: line 1:4: YAML anchors"),
            std::string::npos)
      << refused.status();

  // An alias alone, and an anchor on a scalar, are refused too.
  for (const char* text : {"demo: *x\n", "demo: &x true\n"}) {
    auto r = LoadServerConfig(WriteConfig("alias.yaml", text), {});
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find("alias.yaml: line 1:7"), std::string::npos)
        << r.status();
  }

  // Nesting: 64 levels are fine for the YAML reader (the JSON parser then
  // names the unknown field); 65 are refused, in flow and block style, and
  // so is a file of 1 MiB of '['.
  auto flow = [](int depth) {
    return "demo: true\nx: " + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "\n";
  };
  auto at_limit = LoadServerConfig(WriteConfig("deep64.yaml", flow(64)), {});
  ASSERT_FALSE(at_limit.ok());
  EXPECT_NE(at_limit.status().message().find("x"), std::string::npos) << at_limit.status();
  EXPECT_EQ(at_limit.status().message().find("nested deeper"), std::string::npos)
      << at_limit.status();
  auto too_deep = LoadServerConfig(WriteConfig("deep65.yaml", flow(65)), {});
  ASSERT_FALSE(too_deep.ok());
  EXPECT_NE(too_deep.status().message().find("deep65.yaml: line 2:"), std::string::npos)
      << too_deep.status();
  EXPECT_NE(too_deep.status().message().find("nested deeper than 64 levels"), std::string::npos)
      << too_deep.status();
  std::string block;
  for (int i = 0; i < 200; ++i) block += std::string(2 * i, ' ') + "k" + std::to_string(i) + ":\n";
  auto block_deep = LoadServerConfig(WriteConfig("block.yaml", block), {});
  ASSERT_FALSE(block_deep.ok());
  EXPECT_NE(block_deep.status().message().find("nested deeper than 64 levels"), std::string::npos)
      << block_deep.status();
  const int half = ((1 << 20) - 8) / 2;
  auto huge = LoadServerConfig(
      WriteConfig("huge.yaml", "x: " + std::string(half, '[') + std::string(half, ']')), {});
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("nested deeper than 64 levels"), std::string::npos)
      << huge.status();
  // Unbalanced: yaml-cpp reads "[[" as a flow pair whose key is a sequence.
  auto unbalanced =
      LoadServerConfig(WriteConfig("unbalanced.yaml", std::string((1 << 20) - 1, '[')), {});
  ASSERT_FALSE(unbalanced.ok());
  EXPECT_NE(unbalanced.status().message().find("unbalanced.yaml: line 1:"), std::string::npos)
      << unbalanced.status();
}

TEST(LoadServerConfigTest, UnreadableConfigIsAnError) {
  auto config = LoadServerConfig("/nonexistent/kensho.textproto", {});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("/nonexistent/kensho.textproto"),
            std::string::npos);
}

}  // namespace
}  // namespace kensho::server
