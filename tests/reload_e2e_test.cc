// SIGHUP reload: a new config's trust profiles take effect for new calls; a
// broken config, or one that changes what needs a restart, is refused and the
// running config keeps serving; issued login challenges survive a reload.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

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

// A good signature certificate and an auth certificate of a new world.
struct World {
  std::string dir, signature_cert, auth_cert;
};

World MakeWorld(const std::string& dir, uint64_t seed) {
  sim::WorldOptions options = testing::TestWorld(dir, 10, seed, 4);
  EXPECT_TRUE(sim::GenerateWorld(options).ok());
  World w{dir, "", ""};
  auto manifest = conformance::ParseJson(ReadFile(dir + "/manifest.json"));
  EXPECT_TRUE(manifest.ok());
  for (const auto& item : manifest->Find("items")->elements()) {
    if (item.Find("type")->text() != "certificate" || item.Find("variant")->text() != "good") {
      continue;
    }
    std::string file = dir + "/" + item.Find("files")->Find("certificate")->text();
    if (item.Find("kind")->text() == "JPKI_SIGNATURE" && w.signature_cert.empty()) {
      w.signature_cert = ReadFile(file);
    }
    if (item.Find("kind")->text() == "JPKI_AUTHENTICATION" && w.auth_cert.empty()) {
      w.auth_cert = ReadFile(file);
    }
  }
  return w;
}

void WriteConfig(const std::string& path, const World& w, const std::string& extra = "") {
  std::ofstream(path) << "trust_profiles { name: \"jpki-sign\" anchor_files: \"" << w.dir
                      << "/trust/jpki-sign.pem\" }\n"
                      << "trust_profiles { name: \"jpki-auth\" anchor_files: \"" << w.dir
                      << "/trust/jpki-auth.pem\" }\n"
                      << extra;
}

TEST(ReloadE2ETest, SighupSwapsTrustAndRefusesBadConfigs) {
  const std::string tmp = std::getenv("TEST_TMPDIR");
  World a = MakeWorld(tmp + "/a", 21);
  World b = MakeWorld(tmp + "/b", 22);
  ASSERT_FALSE(a.signature_cert.empty());
  ASSERT_FALSE(b.signature_cert.empty());
  ASSERT_FALSE(b.auth_cert.empty());
  const std::string config = tmp + "/kensho.textproto";
  WriteConfig(config, a);
  testing::ServerProcess server(
      {"--listen=127.0.0.1:0", "--data_dir=" + tmp + "/data", "--config=" + config});
  ASSERT_FALSE(server.address().empty()) << server.stderr_text();
  auto stub = v1::Validator::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  auto indication = [&](const std::string& cert) {
    grpc::ClientContext ctx;
    v1::ValidateCertificateRequest req;
    req.set_certificate(cert);
    v1::Verdict v;
    EXPECT_TRUE(stub->ValidateCertificate(&ctx, req, &v).ok());
    return v.indication();
  };
  auto hup_and_wait_for = [&](const std::string& line) {
    ::kill(server.pid(), SIGHUP);
    for (int i = 0; i < 100; ++i) {
      if (server.stderr_text().find(line) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  ASSERT_EQ(indication(a.signature_cert), v1::TOTAL_PASSED);
  ASSERT_EQ(indication(b.signature_cert), v1::INDETERMINATE);

  // A login challenge issued before the reloads.
  v1::Challenge challenge;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub->IssueChallenge(&ctx, {}, &challenge).ok());
  }

  // Broken: a trust file that does not exist.
  std::ofstream(config) << "trust_profiles { name: \"jpki-sign\" anchor_files: \"/nope.pem\" }\n";
  ASSERT_TRUE(hup_and_wait_for("reload refused")) << server.stderr_text();
  EXPECT_NE(server.stderr_text().find("/nope.pem"), std::string::npos);
  EXPECT_EQ(indication(a.signature_cert), v1::TOTAL_PASSED);

  // A change that needs a restart.
  WriteConfig(config, b, "revocation { default_mode: HARD_FAIL }\n");
  ::kill(server.pid(), SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_NE(server.stderr_text().find("revocation changed"), std::string::npos)
      << server.stderr_text();
  EXPECT_EQ(indication(a.signature_cert), v1::TOTAL_PASSED);

  // A good new config: world B is trusted now, world A is not.
  WriteConfig(config, b);
  ASSERT_TRUE(hup_and_wait_for("configuration reloaded")) << server.stderr_text();
  EXPECT_EQ(indication(b.signature_cert), v1::TOTAL_PASSED);
  EXPECT_EQ(indication(a.signature_cert), v1::INDETERMINATE);

  // The challenge issued before is still known (it is not CHALLENGE_UNKNOWN;
  // the signature here is wrong on purpose).
  {
    grpc::ClientContext ctx;
    v1::VerifyAuthAssertionRequest req;
    req.set_nonce(challenge.nonce());
    req.set_certificate(b.auth_cert);
    req.set_signature(std::string(256, '\x01'));
    v1::Verdict v;
    ASSERT_TRUE(stub->VerifyAuthAssertion(&ctx, req, &v).ok());
    EXPECT_EQ(v.sub_indication(), v1::SIG_CRYPTO_FAILURE) << v.summary();
  }
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace kensho
