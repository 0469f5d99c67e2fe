// mTLS end to end: callers identified by their client certificates get the
// roles the config gives them; everyone else is refused.
#include <cstdlib>
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

int Sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

class TlsE2ETest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::string(std::getenv("TEST_TMPDIR")) + "/tls";
    const std::string d = dir_;
    ASSERT_EQ(Sh("mkdir -p " + d), 0);
    // A CA for the server and the callers, and one nobody trusts.
    for (const char* ca : {"ca", "rogue_ca"}) {
      ASSERT_EQ(Sh(absl::StrCat("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "
                                "'/O=kensho test/CN=", ca, "' -keyout ", d, "/", ca,
                                ".key -out ", d, "/", ca, ".pem")),
                0);
    }
    auto issue = [&](const std::string& name, const std::string& ca, const std::string& ext) {
      return Sh(absl::StrCat("openssl req -newkey rsa:2048 -nodes -subj '/O=kensho test/CN=", name,
                             "' -keyout ", d, "/", name, ".key -out ", d, "/", name,
                             ".csr && openssl x509 -req -in ", d, "/", name, ".csr -CA ", d, "/",
                             ca, ".pem -CAkey ", d, "/", ca, ".key -CAcreateserial -days 2 ",
                             ext, " -out ", d, "/", name, ".pem"));
    };
    std::ofstream(d + "/san.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
    ASSERT_EQ(issue("server", "ca", "-extfile " + d + "/san.ext"), 0);
    for (const char* c : {"portal", "auditor", "ops", "stranger", "limited"}) ASSERT_EQ(issue(c, "ca", ""), 0);
    ASSERT_EQ(issue("rogue", "rogue_ca", ""), 0);

    // A small JPKI world for a signature certificate with the basic 4.
    sim::WorldOptions options = testing::TestWorld(d + "/world", 10, 3, 4);
    ASSERT_TRUE(sim::GenerateWorld(options).ok());
    auto manifest = conformance::ParseJson(ReadFile(d + "/world/manifest.json"));
    ASSERT_TRUE(manifest.ok());
    for (const auto& item : manifest->Find("items")->elements()) {
      const auto* variant = item.Find("variant");
      const auto* kind = item.Find("kind");
      if (item.Find("type")->text() == "certificate" && variant->text() == "good" &&
          kind->text() == "JPKI_SIGNATURE") {
        signature_cert_ = ReadFile(d + "/world/" + item.Find("files")->Find("certificate")->text());
        break;
      }
    }
    ASSERT_FALSE(signature_cert_.empty());

    std::string config = d + "/kensho.textproto";
    std::ofstream(config)
        << "trust_profiles { name: \"jpki-sign\" anchor_files: \"" << d
        << "/world/trust/jpki-sign.pem\" }\n"
        << "tls { cert_file: \"" << d << "/server.pem\" key_file: \"" << d
        << "/server.key\" client_ca_file: \"" << d << "/ca.pem\" }\n"
        << "callers { name: \"portal\" subject: \"O=kensho test, CN=portal\" roles: RELYING_PARTY }\n"
        << "callers { name: \"auditor\" subject: \"O=kensho test, CN=auditor\" roles: RELYING_PARTY "
           "roles: PERSONAL_DATA }\n"
        << "callers { name: \"ops\" subject: \"O=kensho test, CN=ops\" roles: ADMIN }\n"
        << "callers { name: \"limited\" subject: \"O=kensho test, CN=limited\" roles: RELYING_PARTY "
           "rate_per_second: 0.5 burst: 3 max_streams: 1 }\n";
    server_ = new testing::ServerProcess({"--listen=127.0.0.1:0", "--data_dir=" + d + "/data",
                                          "--config=" + config, "--audit_log=" + d + "/audit.jsonl"});
    ASSERT_FALSE(server_->address().empty()) << server_->stderr_text();
  }
  static void TearDownTestSuite() { delete server_; }

  static std::shared_ptr<grpc::Channel> Channel(const std::string& client, const std::string& ca = "ca") {
    grpc::SslCredentialsOptions o;
    o.pem_root_certs = ReadFile(dir_ + "/" + ca + ".pem");
    if (!client.empty()) {
      o.pem_private_key = ReadFile(dir_ + "/" + client + ".key");
      o.pem_cert_chain = ReadFile(dir_ + "/" + client + ".pem");
    }
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    return grpc::CreateCustomChannel(server_->address(), grpc::SslCredentials(o), args);
  }

  static grpc::Status Validate(const std::shared_ptr<grpc::Channel>& channel, bool subject,
                               v1::Verdict* verdict) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::ValidateCertificateRequest req;
    req.set_certificate(signature_cert_);
    req.mutable_policy()->set_include_subject(subject);
    return v1::Validator::NewStub(channel)->ValidateCertificate(&ctx, req, verdict);
  }

  static grpc::Status Status(const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::ServerStatus status;
    return v1::Admin::NewStub(channel)->GetStatus(&ctx, {}, &status);
  }

  static std::string dir_;
  static std::string signature_cert_;
  static testing::ServerProcess* server_;
};

std::string TlsE2ETest::dir_;
std::string TlsE2ETest::signature_cert_;
testing::ServerProcess* TlsE2ETest::server_ = nullptr;

TEST_F(TlsE2ETest, RolesDecideWhatEachCallerGets) {
  v1::Verdict verdict;
  // A relying party: verdicts, but never the basic 4, and no Admin.
  ASSERT_TRUE(Validate(Channel("portal"), true, &verdict).ok());
  EXPECT_EQ(verdict.indication(), v1::TOTAL_PASSED) << verdict.summary();
  EXPECT_FALSE(verdict.has_subject());
  EXPECT_EQ(Status(Channel("portal")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // PERSONAL_DATA: the basic 4 when asked.
  ASSERT_TRUE(Validate(Channel("auditor"), true, &verdict).ok());
  EXPECT_TRUE(verdict.has_subject());
  EXPECT_FALSE(verdict.subject().name().empty());
  ASSERT_TRUE(Validate(Channel("auditor"), false, &verdict).ok());
  EXPECT_FALSE(verdict.has_subject());
  // ADMIN only.
  EXPECT_TRUE(Status(Channel("ops")).ok());
  EXPECT_EQ(Validate(Channel("ops"), false, &verdict).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // A batch: one audit line per item (a batch task hands its lines over together).
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::VerifyBatchRequest req;
    for (int i = 0; i < 3; ++i) {
      v1::VerifyRequest* item = req.add_items();
      item->set_id(static_cast<uint64_t>(i));
      item->mutable_certificate()->set_certificate(signature_cert_);
    }
    v1::VerifyBatchResponse resp;
    ASSERT_TRUE(v1::Validator::NewStub(Channel("portal"))->VerifyBatch(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.items_size(), 3);
  }

  // The audit log (written every 200 ms): a line per call with the caller's
  // configured name and the outcome, and never the basic 4 the auditor got.
  ASSERT_TRUE(Validate(Channel("auditor"), true, &verdict).ok());
  const std::string name = verdict.subject().name();
  const std::string address = verdict.subject().address();
  ASSERT_FALSE(name.empty());
  const std::string batch_line =
      "\"caller\":\"portal\",\"method\":\"VerifyBatch\",\"code\":\"OK\",\"indication\":\"TOTAL_PASSED\"";
  auto count = [](const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
  };
  std::string audit;
  for (int i = 0; i < 50; ++i) {
    audit = ReadFile(dir_ + "/audit.jsonl");
    // Lines are written in batches every 200 ms: wait for the last ones
    // recorded before the read (ops's refusal, the batch's items).
    if (audit.find("\"caller\":\"ops\"") != std::string::npos && count(audit, batch_line) >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(audit.find("\"caller\":\"portal\",\"method\":\"ValidateCertificate\",\"code\":\"OK\","
                       "\"indication\":\"TOTAL_PASSED\",\"serial_sha256\":\""),
            std::string::npos)
      << audit;
  EXPECT_NE(audit.find("\"caller\":\"auditor\",\"method\":\"ValidateCertificate\""), std::string::npos);
  EXPECT_EQ(count(audit, batch_line), 3u) << audit;
  EXPECT_NE(audit.find("\"caller\":\"ops\",\"method\":\"ValidateCertificate\",\"code\":\"PERMISSION_DENIED\""),
            std::string::npos)
      << audit;
  EXPECT_EQ(audit.find(name), std::string::npos) << "the subject's name is in the audit log";
  EXPECT_EQ(audit.find(address), std::string::npos) << "the subject's address is in the audit log";
  EXPECT_EQ(audit.find(verdict.certificate().serial()), std::string::npos)
      << "the serial itself is in the audit log";
}

TEST_F(TlsE2ETest, RateAndStreamLimitsPerCaller) {
  auto channel = Channel("limited");
  v1::Verdict verdict;
  // A burst of 3, then 0.5 per second: the 4th call in a row is refused.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Validate(channel, false, &verdict).ok()) << i;
  EXPECT_EQ(Validate(channel, false, &verdict).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Other callers are not affected.
  EXPECT_TRUE(Validate(Channel("portal"), false, &verdict).ok());
  // One open stream at a time (after 2.2 s the bucket holds one token again,
  // which the first stream takes).
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  auto stub = v1::Validator::NewStub(channel);
  grpc::ClientContext first_ctx;
  auto first = stub->VerifyStream(&first_ctx);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  grpc::ClientContext second_ctx;
  auto second = stub->VerifyStream(&second_ctx);
  second->WritesDone();
  v1::VerifyResponse r;
  while (second->Read(&r)) {
  }
  EXPECT_EQ(second->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  first->WritesDone();
  while (first->Read(&r)) {
  }
  EXPECT_TRUE(first->Finish().ok());
}

TEST_F(TlsE2ETest, StrangersAreRefused) {
  v1::Verdict verdict;
  // A certificate from the right CA but not a configured caller.
  grpc::Status s = Validate(Channel("stranger"), false, &verdict);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  // No client certificate, or one from another CA: the handshake fails.
  EXPECT_EQ(Validate(Channel(""), false, &verdict).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Validate(Channel("rogue"), false, &verdict).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // Plaintext to a TLS port.
  auto plain = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  EXPECT_NE(Validate(plain, false, &verdict).error_code(), grpc::StatusCode::OK);
}

}  // namespace
}  // namespace kensho
