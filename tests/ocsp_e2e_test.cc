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

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "conformance/json.h"
#include "gtest/gtest.h"
#include "proto/kensho.grpc.pb.h"
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

TEST(OcspE2ETest, PreferOcspAnswersFromARealResponder) {
  const std::string world = std::string(std::getenv("TEST_TMPDIR")) + "/world";
  sim::WorldOptions options;
  options.out_dir = world;
  options.people = 60;
  options.seed = 9;
  options.now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  options.key_pool_size = 8;
  options.with_workloads = false;
  ASSERT_TRUE(sim::GenerateWorld(options).ok());
  auto manifest = conformance::ParseJson(ReadFile(world + "/manifest.json"));
  ASSERT_TRUE(manifest.ok());
  JsonValue revoked, good;
  for (const JsonValue& c : manifest->Find("certificates")->elements()) {
    if (Str(c, "kind") != "JPKI_SIGNATURE" || Str(c, "issuer") != "roots/sign_gen3.pem") continue;
    if (Str(c, "status") == "revoked" && !Str(c, "revocation_reason").empty() &&
        revoked.is_null()) {
      revoked = c;
    }
    if (Str(c, "status") == "good" && good.is_null()) good = c;
  }
  ASSERT_FALSE(revoked.is_null());
  ASSERT_FALSE(good.is_null());

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
  std::ofstream(config) << "trust_profiles { name: \"jpki-sign\" anchor_files: \"" << world
                        << "/trust/jpki-sign.pem\" }\n"
                        << "revocation { ocsp_responders { trust_profile: \"jpki-sign\" url: "
                        << "\"http://127.0.0.1:" << port << "\" } fetch_timeout_ms: 3000 }\n";
  testing::ServerProcess server(
      {"--listen=127.0.0.1:0", "--data_dir=" + world + "/data", "--config=" + config});
  ASSERT_FALSE(server.address().empty()) << server.stderr_text();
  auto stub = v1::Validator::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));

  auto validate = [&](const JsonValue& cert) {
    grpc::ClientContext ctx;
    v1::ValidateCertificateRequest req;
    req.set_certificate(ReadFile(world + "/" + Str(cert, "file")));
    req.mutable_policy()->set_revocation_mode(v1::REVOCATION_MODE_PREFER_OCSP);
    v1::Verdict verdict;
    EXPECT_TRUE(stub->ValidateCertificate(&ctx, req, &verdict).ok());
    return verdict;
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

}  // namespace
}  // namespace kensho
