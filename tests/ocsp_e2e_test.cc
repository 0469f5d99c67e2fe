// OCSP end to end: `openssl ocsp` answers from jpki_sim's CA index as a real
// responder on loopback; kensho asks it in the background (never on the
// request path) and, with REVOCATION_MODE_PREFER_OCSP, answers from it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "conformance/json.h"
#include "gtest/gtest.h"
#include "proto/kensho.grpc.pb.h"
#include "tests/e2e_client.h"
#include "tests/e2e_util.h"
#include "tests/server_process.h"
#include "tools/jpki_sim/world.h"

namespace kensho {
namespace {

using ::kensho::testing::ReadFile;
using ::kensho::testing::Str;

using conformance::JsonValue;

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A world made now, and from it generation-3 signature certificates: one
// revoked with a reason, and good ones.
struct World {
  std::string dir;
  JsonValue revoked;
  std::vector<JsonValue> good;
};

World MakeWorld(const std::string& name) {
  World w;
  w.dir = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  sim::WorldOptions options = testing::TestWorld(w.dir, 60, 9, 8);
  options.with_workloads = false;
  EXPECT_TRUE(sim::GenerateWorld(options).ok());
  auto manifest = conformance::ParseJson(ReadFile(w.dir + "/manifest.json"));
  EXPECT_TRUE(manifest.ok());
  if (!manifest.ok()) return w;
  for (const JsonValue& c : manifest->Find("certificates")->elements()) {
    if (Str(c, "kind") != "JPKI_SIGNATURE" || Str(c, "issuer") != "roots/sign_gen3.pem") continue;
    if (Str(c, "status") == "revoked" && !Str(c, "revocation_reason").empty() &&
        w.revoked.is_null()) {
      w.revoked = c;
    }
    if (Str(c, "status") == "good") w.good.push_back(c);
  }
  return w;
}

void WriteOcspOnlyConfig(const std::string& path, const std::string& world, int port,
                         bool nonce = false) {
  std::ofstream(path) << "trust_profiles { name: \"jpki-sign\" anchor_files: \"" << world
                      << "/trust/jpki-sign.pem\" }\n"
                      << "revocation { ocsp_responders { trust_profile: \"jpki-sign\" url: "
                      << "\"http://127.0.0.1:" << port << "\" nonce: " << (nonce ? "true" : "false")
                      << " } fetch_timeout_ms: 3000 }\n";
}

TEST(OcspE2ETest, PreferOcspAnswersFromARealResponder) {
  World w = MakeWorld("world");
  const std::string& world = w.dir;
  ASSERT_FALSE(w.revoked.is_null());
  ASSERT_FALSE(w.good.empty());
  const JsonValue revoked = w.revoked, good = w.good.front();

  // The responder: openssl ocsp over the generation-3 signature CA's index,
  // signing with that root's key.
  const int port = FreePort();
  pid_t responder = ::fork();
  if (responder == 0) {
    std::string log = world + "/ocsp.log";
    std::freopen(log.c_str(), "w", stdout);
    std::freopen(log.c_str(), "a", stderr);
    const std::string root = world + "/roots/sign_gen3.pem";
    const std::string key = world + "/keypool/ca-02.pem";
    const std::string index = world + "/ocsp/sign_gen3_index.txt";
    ::execlp("openssl", "openssl", "ocsp", "-index", index.c_str(), "-port",
             std::to_string(port).c_str(), "-rsigner", root.c_str(), "-rkey", key.c_str(),
             "-CA", root.c_str(), "-ignore_err", nullptr);
    ::_exit(127);
  }
  // Wait for its "waiting for OCSP client connections" line. (Not a probe
  // connection: OpenSSL 3.0's responder hangs on a connection that closes
  // without a request.)
  for (int i = 0; i < 200; ++i) {
    if (ReadFile(world + "/ocsp.log").find("waiting for OCSP client") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(ReadFile(world + "/ocsp.log").find("waiting for OCSP client"), std::string::npos)
      << ReadFile(world + "/ocsp.log");

  std::string config = world + "/kensho.textproto";
  // With nonces: openssl ocsp echoes the request's nonce.
  WriteOcspOnlyConfig(config, world, port, /*nonce=*/true);
  testing::ServerProcess server(
      {"--listen=127.0.0.1:0", "--data_dir=" + world + "/data", "--config=" + config});
  ASSERT_FALSE(server.address().empty()) << server.stderr_text();
  auto stub = v1::Validator::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));

  auto validate = [&](const JsonValue& cert) {
    return testing::ValidateWorldCertificate(stub.get(), world, cert,
                                             v1::REVOCATION_MODE_PREFER_OCSP);
  };
  // The first answer cannot wait for the network: UNKNOWN (soft-fail) while
  // the query runs in the background; then the OCSP answer.
  auto until_ocsp = [&](const JsonValue& cert) {
    v1::Verdict v;
    for (int i = 0; i < 100; ++i) {
      v = validate(cert);
      if (v.revocation().source() == v1::RevocationSummary::OCSP) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return v;
  };
  v1::Verdict r = until_ocsp(revoked);
  EXPECT_EQ(r.revocation().source(), v1::RevocationSummary::OCSP)
      << r.summary() << "\n" << server.stderr_text();
  EXPECT_EQ(r.revocation().status(), v1::RevocationSummary::REVOKED);
  EXPECT_EQ(r.sub_indication(), v1::REVOKED) << r.summary();
  EXPECT_EQ(v1::RevocationReason_Name(r.revocation().reason()), Str(revoked, "revocation_reason"));
  v1::Verdict g = until_ocsp(good);
  EXPECT_EQ(g.revocation().source(), v1::RevocationSummary::OCSP) << g.summary();
  EXPECT_EQ(g.revocation().status(), v1::RevocationSummary::GOOD);
  EXPECT_EQ(g.indication(), v1::TOTAL_PASSED) << g.summary();

  ::kill(responder, SIGTERM);
  ::waitpid(responder, nullptr, 0);
  // With the responder gone, the cached answer still serves.
  v1::Verdict cached = validate(revoked);
  EXPECT_EQ(cached.revocation().source(), v1::RevocationSummary::OCSP);
  EXPECT_EQ(cached.sub_indication(), v1::REVOKED);
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

// Hard-fail with OCSP as the only source: while a query is under way, and
// while the responder says tryLater, the verdict is TRY_LATER (ask again
// soon); once the responder cannot be reached it is REVOCATION_UNAVAILABLE.
TEST(OcspE2ETest, TryLaterWhileAQueryIsUnderWayOrTheResponderSaysSo) {
  World w = MakeWorld("world_try_later");
  ASSERT_GE(w.good.size(), 2u);
  // A real HTTP responder whose every answer is OCSPResponse{tryLater}
  // (DER 30 03 0a 01 03), counting requests in its log.
  const int port = FreePort();
  const std::string log = w.dir + "/try_later.log";
  pid_t responder = ::fork();
  if (responder == 0) {
    std::freopen(log.c_str(), "w", stderr);
    const char* script = R"(
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def answer(self):
        n = int(self.headers.get('Content-Length') or 0)
        if n: self.rfile.read(n)
        body = bytes([0x30, 0x03, 0x0a, 0x01, 0x03])
        self.send_response(200)
        self.send_header('Content-Type', 'application/ocsp-response')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        sys.stderr.write('answered tryLater\n'); sys.stderr.flush()
    do_POST = answer
    do_GET = answer
sys.stderr.write('serving\n'); sys.stderr.flush()
http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
)";
    ::execlp("python3", "python3", "-c", script, std::to_string(port).c_str(), nullptr);
    ::_exit(127);
  }
  for (int i = 0; i < 200 && ReadFile(log).find("serving") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(ReadFile(log).find("serving"), std::string::npos) << ReadFile(log);

  const std::string config = w.dir + "/kensho.textproto";
  WriteOcspOnlyConfig(config, w.dir, port);
  testing::ServerProcess server(
      {"--listen=127.0.0.1:0", "--data_dir=" + w.dir + "/data", "--config=" + config});
  ASSERT_FALSE(server.address().empty()) << server.stderr_text();
  auto stub = v1::Validator::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  auto validate = [&](const JsonValue& cert) {
    return testing::ValidateWorldCertificate(stub.get(), w.dir, cert,
                                             v1::REVOCATION_MODE_HARD_FAIL);
  };

  // Query queued: TRY_LATER.
  v1::Verdict first = validate(w.good[0]);
  EXPECT_EQ(first.indication(), v1::INDETERMINATE) << first.summary();
  EXPECT_EQ(first.sub_indication(), v1::TRY_LATER) << first.summary();
  // The responder answered tryLater: still TRY_LATER, not unavailable.
  for (int i = 0; i < 100 && ReadFile(log).find("answered tryLater") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(ReadFile(log).find("answered tryLater"), std::string::npos) << ReadFile(log);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the answer is read
  v1::Verdict after = validate(w.good[0]);
  EXPECT_EQ(after.sub_indication(), v1::TRY_LATER) << after.summary();

  // The responder gone: the next query fails, and then the answer is that
  // no status can be had (negative-cached for a minute).
  ::kill(responder, SIGTERM);
  ::waitpid(responder, nullptr, 0);
  v1::Verdict queued = validate(w.good[1]);
  EXPECT_EQ(queued.sub_indication(), v1::TRY_LATER) << queued.summary();
  v1::Verdict down;
  for (int i = 0; i < 100; ++i) {
    down = validate(w.good[1]);
    if (down.sub_indication() != v1::TRY_LATER) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(down.sub_indication(), v1::REVOCATION_UNAVAILABLE) << down.summary();
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace kensho
