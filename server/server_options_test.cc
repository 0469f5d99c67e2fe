#include "server/server_options.h"

#include <cstdlib>
#include <fstream>
#include <string>

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

TEST(LoadServerConfigTest, UnreadableConfigIsAnError) {
  auto config = LoadServerConfig("/nonexistent/kensho.textproto", {});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("/nonexistent/kensho.textproto"),
            std::string::npos);
}

}  // namespace
}  // namespace kensho::server
