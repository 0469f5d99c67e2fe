// End to end over the real server binary: startup, health, reflection, one
// call to each service, limits, startup errors and graceful shutdown.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "gtest/gtest.h"
#include "proto/kensho.grpc.pb.h"
#include "testing/shared_dir.h"
#include "tests/e2e_util.h"
#include "tests/server_process.h"

namespace kensho {
namespace {

using ::kensho::testing::ReadFile;

using ::kensho::testing::ServerProcess;

std::string TmpDir() { return std::getenv("TEST_TMPDIR"); }

// A config trusting the real JPKI roots of ../shared/data/jpki-roots.
std::string WriteRealRootsConfig(const std::string& extra = "") {
  std::string roots = kensho::testing::SharedDir() + "/data/jpki-roots";
  std::string path = TmpDir() + "/real_roots.textproto";
  std::ofstream(path) << "trust_profiles { name: \"jpki-sign\" anchor_files: \"" << roots
                      << "/sign_ca_2015.pem\" anchor_files: \"" << roots
                      << "/sign_ca_2023.pem\" }\n"
                      << "trust_profiles { name: \"jpki-auth\" anchor_files: \"" << roots
                      << "/auth_ca_2015.pem\" anchor_files: \"" << roots
                      << "/auth_ca_2023.pem\" }\n"
                      << extra;
  return path;
}

// The DER of a real root, from its PEM.
std::string RootDer() {
  std::string pem = ReadFile(kensho::testing::SharedDir() + "/data/jpki-roots/sign_ca_2023.pem");
  std::string b64;
  bool in = false;
  for (size_t i = 0, j; i < pem.size(); i = j + 1) {
    j = pem.find('\n', i);
    if (j == std::string::npos) j = pem.size();
    std::string line = pem.substr(i, j - i);
    if (line.find("-----BEGIN") == 0) { in = true; continue; }
    if (line.find("-----END") == 0) break;
    if (in) b64 += line;
  }
  static const std::string chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t val = 0;
  int bits = -8;
  for (char c : b64) {
    size_t pos = chars.find(c);
    if (pos == std::string::npos) continue;
    val = (val << 6) + static_cast<uint32_t>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

bool WaitServing(grpc::Channel* channel, int seconds) {
  auto stub = grpc::health::v1::Health::NewStub(
      std::shared_ptr<grpc::Channel>(channel, [](grpc::Channel*) {}));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    if (stub->Check(&ctx, req, &resp).ok() &&
        resp.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

class ServerE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(kensho::testing::SharedDir().empty()) << "../shared not found";
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "--listen=127.0.0.1:0", "--data_dir=" + TmpDir() + "/data",
        "--config=" + WriteRealRootsConfig("limits { max_message_bytes: 65536 }")});
    ASSERT_FALSE(server_->address().empty()) << server_->stderr_text();
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  }

  std::unique_ptr<ServerProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(ServerE2ETest, ServesHealthReflectionAndEachServiceThenStopsCleanly) {
  ASSERT_TRUE(WaitServing(channel_.get(), 30));

  // Reflection lists our services and the health service.
  auto reflection = grpc::reflection::v1alpha::ServerReflection::NewStub(channel_);
  grpc::ClientContext rctx;
  auto stream = reflection->ServerReflectionInfo(&rctx);
  grpc::reflection::v1alpha::ServerReflectionRequest rreq;
  rreq.set_list_services("");
  ASSERT_TRUE(stream->Write(rreq));
  stream->WritesDone();
  grpc::reflection::v1alpha::ServerReflectionResponse rresp;
  ASSERT_TRUE(stream->Read(&rresp));
  std::set<std::string> services;
  for (const auto& s : rresp.list_services_response().service()) services.insert(s.name());
  EXPECT_TRUE(services.count("kensho.v1.Validator"));
  EXPECT_TRUE(services.count("kensho.v1.Admin"));
  EXPECT_TRUE(services.count("grpc.health.v1.Health"));
  while (stream->Read(&rresp)) {
  }
  EXPECT_TRUE(stream->Finish().ok());

  // Admin: status shows the four real roots.
  auto admin = v1::Admin::NewStub(channel_);
  {
    grpc::ClientContext ctx;
    v1::ServerStatus status;
    grpc::Status s = admin->GetStatus(&ctx, v1::GetStatusRequest(), &status);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(status.serving());
    EXPECT_EQ(status.trust_anchors_size(), 4);
  }

  // Validator: a missing field is INVALID_ARGUMENT; a real call is answered.
  auto validator = v1::Validator::NewStub(channel_);
  {
    grpc::ClientContext ctx;
    v1::Verdict verdict;
    grpc::Status s =
        validator->ValidateCertificate(&ctx, v1::ValidateCertificateRequest(), &verdict);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    grpc::ClientContext ctx;
    v1::ValidateCertificateRequest req;
    req.set_certificate(RootDer());
    v1::Verdict verdict;
    grpc::Status s = validator->ValidateCertificate(&ctx, req, &verdict);
    ASSERT_TRUE(s.ok()) << s.error_message();
    // A real root validated as a certificate: a verdict with its summary.
    EXPECT_NE(verdict.indication(), v1::INDICATION_UNSPECIFIED);
    EXPECT_EQ(verdict.certificate().sha256_fingerprint().size(), 64u);
  }
  // Over the configured 64 KiB message limit.
  {
    grpc::ClientContext ctx;
    v1::ValidateCertificateRequest req;
    req.set_certificate(std::string(100 * 1024, 'x'));
    v1::Verdict verdict;
    grpc::Status s = validator->ValidateCertificate(&ctx, req, &verdict);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  }

  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->stderr_text();
}

// Clients that go away in the middle of a stream, with items read, being
// verified and being written: the server drops what it cannot send, ends
// those calls and keeps serving (the sanitizer passes run this against
// sanitized servers too).
TEST_F(ServerE2ETest, StreamClientsThatVanishMidStreamLeaveTheServerServing) {
  ASSERT_TRUE(WaitServing(channel_.get(), 30));
  auto stub = v1::Validator::NewStub(channel_);
  v1::VerifyRequest req;
  req.mutable_signed_document()->set_cms(std::string(100, 'x'));  // FORMAT_FAILURE verdicts
  for (int round = 0; round < 4; ++round) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    auto stream = stub->VerifyStream(&ctx);
    for (int i = 0; i < 150; ++i) {
      req.set_id(static_cast<uint64_t>(i));
      if (!stream->Write(req)) break;
    }
    v1::VerifyResponse resp;
    for (int i = 0; i < round && stream->Read(&resp); ++i) {
    }
    ctx.TryCancel();
    EXPECT_FALSE(stream->Finish().ok());
  }
  // A whole stream still works, every item answered once.
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto stream = stub->VerifyStream(&ctx);
  for (int i = 0; i < 20; ++i) {
    req.set_id(static_cast<uint64_t>(i));
    ASSERT_TRUE(stream->Write(req));
  }
  stream->WritesDone();
  std::set<uint64_t> ids;
  v1::VerifyResponse resp;
  while (stream->Read(&resp)) {
    EXPECT_TRUE(resp.has_verdict()) << resp.ShortDebugString();
    ids.insert(resp.id());
  }
  grpc::Status s = stream->Finish();
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(ids.size(), 20u);
  EXPECT_TRUE(WaitServing(channel_.get(), 5));
}

TEST_F(ServerE2ETest, SigintAlsoStopsCleanly) {
  ASSERT_TRUE(WaitServing(channel_.get(), 30));
  EXPECT_EQ(server_->Stop(SIGINT), 0) << server_->stderr_text();
}

TEST_F(ServerE2ETest, PortInUseIsOneClearLineAndNonZeroExit) {
  auto result = kensho::testing::RunToCompletion(
      kensho::testing::ServerBinary(),
      {"--listen=" + server_->address(), "--data_dir=" + TmpDir() + "/data2",
       "--config=" + WriteRealRootsConfig()});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("in use"), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

struct StartupErrorCase {
  std::vector<std::string> args;
  std::string expect;
};

TEST(StartupErrorTest, EachIsOneLineAndNonZeroExit) {
  std::string data = "--data_dir=" + TmpDir() + "/data3";
  std::string bad_config = TmpDir() + "/bad.textproto";
  std::ofstream(bad_config) << "listen: [oops";
  std::string missing_root = TmpDir() + "/missing_root.textproto";
  std::ofstream(missing_root) << "trust_profiles { name: \"x\" anchor_files: \"/nonexistent.pem\" }";
  StartupErrorCase cases[] = {
      {{"--no_such_flag"}, "no_such_flag"},
      {{"--listen=nonsense", data, "--demo"}, "listen"},
      {{"--listen=0.0.0.0:0", data, "--demo"}, "loopback"},
      {{"--config=/nonexistent/kensho.textproto", data}, "/nonexistent/kensho.textproto"},
      {{"--config=" + bad_config, data}, "bad.textproto"},
      {{"--config=" + missing_root, data, "--listen=127.0.0.1:0"}, "/nonexistent.pem"},
      {{data, "--listen=127.0.0.1:0"}, "trust_profiles"},
      {{"--config=" + WriteRealRootsConfig(), "--data_dir=/proc/nope", "--listen=127.0.0.1:0"},
       "data_dir"},
      {{"stray_argument", data, "--demo"}, "stray_argument"},
  };
  for (const StartupErrorCase& c : cases) {
    auto result = kensho::testing::RunToCompletion(kensho::testing::ServerBinary(), c.args);
    std::string joined;
    for (const auto& a : c.args) joined += a + " ";
    EXPECT_NE(result.exit_code, 0) << joined;
    EXPECT_NE(result.err.find(c.expect), std::string::npos) << joined << "\n" << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1)
        << joined << "\n" << result.err;
  }
}

}  // namespace
}  // namespace kensho
