// Every item of a generated JPKI world (jpki_sim) through the real server
// over gRPC: unary, batch and stream answers must match the manifest's
// expected verdicts, with revocation from the world's per-municipality CRLs.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>

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
using ::kensho::testing::Str;

using conformance::JsonValue;

// RSA PKCS#1 v1.5 over SHA-256, as the card signs a login nonce.
std::string SignLikeTheCard(const std::string& key_pem_path, const std::string& nonce) {
  std::string pem = ReadFile(key_pem_path);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return "";
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  std::string sig;
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestSign(ctx, nullptr, &len,
                     reinterpret_cast<const unsigned char*>(nonce.data()), nonce.size()) == 1) {
    sig.resize(len);
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(nonce.data()), nonce.size());
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return sig;
}

class WorkloadE2ETest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = std::string(std::getenv("TEST_TMPDIR")) + "/world";
    sim::WorldOptions options = testing::TestWorld(world_, 40, 7, 12);
    absl::Status s = sim::GenerateWorld(options);
    ASSERT_TRUE(s.ok()) << s;
    std::string config = world_ + "/kensho.textproto";
    std::ofstream(config) << "trust_profiles { name: \"jpki-sign\" anchor_files: \"" << world_
                          << "/trust/jpki-sign.pem\" }\n"
                          << "trust_profiles { name: \"jpki-auth\" anchor_files: \"" << world_
                          << "/trust/jpki-auth.pem\" }\n"
                          << "revocation { crl_dir: \"" << world_ << "/crl\" }\n";
    server_ = new testing::ServerProcess(
        {"--listen=127.0.0.1:0", "--data_dir=" + world_ + "/data", "--config=" + config});
    ASSERT_FALSE(server_->address().empty()) << server_->stderr_text();
    auto manifest = conformance::ParseJson(ReadFile(world_ + "/manifest.json"));
    ASSERT_TRUE(manifest.ok()) << manifest.status();
    manifest_ = new JsonValue(*std::move(manifest));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete manifest_;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(manifest_, nullptr);
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    stub_ = v1::Validator::NewStub(channel_);
  }

  // The request for a document or certificate item; false for logins.
  bool MakeRequest(const JsonValue& item, v1::VerifyRequest* req) {
    const JsonValue& files = *item.Find("files");
    const std::string type = Str(item, "type");
    if (type == "signed_document") {
      auto* d = req->mutable_signed_document();
      d->set_cms(ReadFile(world_ + "/" + Str(files, "cms")));
      if (files.Find("content")) {
        d->set_detached_content(ReadFile(world_ + "/" + Str(files, "content")));
      }
      d->mutable_policy()->set_trust_profile(Str(item, "trust_profile"));
      return true;
    }
    if (type == "certificate") {
      auto* c = req->mutable_certificate();
      c->set_certificate(ReadFile(world_ + "/" + Str(files, "certificate")));
      v1::Usage usage = v1::USAGE_ANY;
      v1::Usage_Parse(Str(item, "usage"), &usage);
      c->set_usage(usage);
      c->mutable_policy()->set_trust_profile(Str(item, "trust_profile"));
      return true;
    }
    return false;
  }

  // Compares indication, sub-indication and revocation reason.
  bool Expect(const JsonValue& item, const v1::Verdict& verdict) {
    const JsonValue& expect = *item.Find("expect");
    const std::string sub = Str(expect, "sub_indication");
    if (sub == "REVOKED") {
      EXPECT_EQ(v1::RevocationReason_Name(verdict.revocation().reason()),
                Str(expect, "revocation_reason").empty() ? "REVOCATION_REASON_UNSPECIFIED"
                                                         : Str(expect, "revocation_reason"))
          << Str(item, "id") << " " << Str(item, "variant");
      EXPECT_EQ(verdict.revocation().source(), v1::RevocationSummary::CRL) << Str(item, "id");
    }
    if (Str(expect, "indication") == "TOTAL_PASSED") {
      // A good item is proven GOOD from its municipality's CRL.
      EXPECT_EQ(verdict.revocation().status(), v1::RevocationSummary::GOOD)
          << Str(item, "id") << ": " << verdict.revocation().source_id();
    }
    v1::Indication indication;
    EXPECT_TRUE(v1::Indication_Parse(Str(expect, "indication"), &indication));
    EXPECT_EQ(v1::Indication_Name(verdict.indication()), Str(expect, "indication"))
        << Str(item, "id") << " " << Str(item, "variant") << ": " << verdict.summary();
    std::string got = verdict.sub_indication() == v1::SUB_INDICATION_UNSPECIFIED
                          ? ""
                          : v1::SubIndication_Name(verdict.sub_indication());
    EXPECT_EQ(got, sub) << Str(item, "id") << " " << Str(item, "variant") << ": "
                        << verdict.summary();
    return true;
  }

  static std::string world_;
  static testing::ServerProcess* server_;
  static JsonValue* manifest_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Validator::Stub> stub_;
};

std::string WorkloadE2ETest::world_;
testing::ServerProcess* WorkloadE2ETest::server_ = nullptr;
JsonValue* WorkloadE2ETest::manifest_ = nullptr;

TEST_F(WorkloadE2ETest, DocumentsAndCertificatesUnary) {
  int checked = 0, skipped = 0;  // skipped: none since revocation is loaded
  std::map<std::string, int> variants;
  for (const JsonValue& item : manifest_->Find("items")->elements()) {
    v1::VerifyRequest req;
    if (!MakeRequest(item, &req)) continue;
    grpc::ClientContext ctx;
    v1::Verdict verdict;
    grpc::Status s = req.has_signed_document()
                         ? stub_->VerifySignedDocument(&ctx, req.signed_document(), &verdict)
                         : stub_->ValidateCertificate(&ctx, req.certificate(), &verdict);
    ASSERT_TRUE(s.ok()) << Str(item, "id") << ": " << s.error_message();
    if (Expect(item, verdict)) {
      ++checked;
      ++variants[Str(item, "variant")];
    } else {
      ++skipped;
    }
  }
  EXPECT_GT(checked, 50);
  // Every kind of broken item was exercised.
  for (const char* v : {"good", "tampered", "wrong_key", "auth_cert_signing", "truncated",
                        "expired", "not_yet_valid", "unknown_issuer", "sign_cert_login",
                        "revoked_basic_info_changed", "revoked_key_compromise"}) {
    EXPECT_GT(variants[v], 0) << v;
  }
  EXPECT_EQ(skipped, 0);
  std::printf("documents+certificates: %d checked\n", checked);
}

TEST_F(WorkloadE2ETest, BatchAndStreamAgreeWithExpectations) {
  v1::VerifyBatchRequest batch;
  std::map<uint64_t, const JsonValue*> by_id;
  uint64_t id = 1000;
  for (const JsonValue& item : manifest_->Find("items")->elements()) {
    v1::VerifyRequest req;
    if (!MakeRequest(item, &req)) continue;
    req.set_id(++id);
    by_id[id] = &item;
    *batch.add_items() = req;
    if (batch.items_size() >= 200) break;
  }
  {
    grpc::ClientContext ctx;
    v1::VerifyBatchResponse resp;
    ASSERT_TRUE(stub_->VerifyBatch(&ctx, batch, &resp).ok());
    ASSERT_EQ(resp.items_size(), batch.items_size());
    for (const auto& r : resp.items()) {
      ASSERT_TRUE(r.has_verdict()) << r.error().message();
      Expect(*by_id.at(r.id()), r.verdict());
    }
  }
  {
    grpc::ClientContext ctx;
    auto stream = stub_->VerifyStream(&ctx);
    for (const auto& req : batch.items()) ASSERT_TRUE(stream->Write(req));
    stream->WritesDone();
    v1::VerifyResponse r;
    int got = 0;
    while (stream->Read(&r)) {
      ASSERT_TRUE(r.has_verdict()) << r.error().message();
      Expect(*by_id.at(r.id()), r.verdict());
      ++got;
    }
    EXPECT_TRUE(stream->Finish().ok());
    EXPECT_EQ(got, batch.items_size());
  }
}

// A batch larger than the worker queue is still answered in full on an idle
// server (items are pulled by a few workers, not queued one task each).
TEST_F(WorkloadE2ETest, LargeBatchIsAnsweredInFull) {
  std::vector<v1::VerifyRequest> some;
  for (const JsonValue& item : manifest_->Find("items")->elements()) {
    v1::VerifyRequest req;
    if (MakeRequest(item, &req) && req.has_certificate()) some.push_back(req);
    if (some.size() >= 50) break;
  }
  ASSERT_FALSE(some.empty());
  v1::VerifyBatchRequest batch;
  for (int i = 0; i < 6000; ++i) {
    v1::VerifyRequest* r = batch.add_items();
    *r = some[i % some.size()];
    r->set_id(static_cast<uint64_t>(i));
  }
  grpc::ClientContext ctx;
  v1::VerifyBatchResponse resp;
  grpc::Status s = stub_->VerifyBatch(&ctx, batch, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.items_size(), 6000);
  for (int i = 0; i < resp.items_size(); ++i) {
    EXPECT_EQ(resp.items(i).id(), static_cast<uint64_t>(i));
    EXPECT_TRUE(resp.items(i).has_verdict()) << resp.items(i).error().message();
  }
}

TEST_F(WorkloadE2ETest, LoginsWithServerIssuedChallenges) {
  int checked = 0;
  for (const JsonValue& item : manifest_->Find("items")->elements()) {
    if (Str(item, "type") != "auth_assertion") continue;
    const JsonValue& files = *item.Find("files");
    const std::string variant = Str(item, "variant");
    const std::string cert = ReadFile(world_ + "/" + Str(files, "certificate"));
    // The simulator's own nonce was never issued by this server.
    {
      grpc::ClientContext ctx;
      v1::VerifyAuthAssertionRequest req;
      req.set_nonce(ReadFile(world_ + "/" + Str(files, "nonce")));
      req.set_certificate(cert);
      req.set_signature(ReadFile(world_ + "/" + Str(files, "signature")));
      v1::Verdict verdict;
      ASSERT_TRUE(stub_->VerifyAuthAssertion(&ctx, req, &verdict).ok());
      EXPECT_EQ(verdict.sub_indication(), v1::CHALLENGE_UNKNOWN) << verdict.summary();
    }
    grpc::ClientContext cctx;
    v1::Challenge challenge;
    ASSERT_TRUE(stub_->IssueChallenge(&cctx, {}, &challenge).ok());
    EXPECT_GE(challenge.nonce().size(), 32u);
    v1::VerifyAuthAssertionRequest req;
    req.set_nonce(challenge.nonce());
    req.set_certificate(cert);
    req.set_signature(SignLikeTheCard(world_ + "/" + Str(files, "key"), challenge.nonce()));
    if (variant == "tampered" || variant == "wrong_key") {
      req.mutable_signature()->back() ^= 1;
    }
    grpc::ClientContext ctx;
    v1::Verdict verdict;
    ASSERT_TRUE(stub_->VerifyAuthAssertion(&ctx, req, &verdict).ok());
    if (Expect(item, verdict)) ++checked;
    // Single use: the same assertion again is a replay.
    grpc::ClientContext ctx2;
    v1::Verdict again;
    ASSERT_TRUE(stub_->VerifyAuthAssertion(&ctx2, req, &again).ok());
    EXPECT_EQ(again.sub_indication(), v1::CHALLENGE_REPLAYED) << again.summary();
  }
  EXPECT_GT(checked, 10);
}

TEST_F(WorkloadE2ETest, GarbageIsAFormatFailureNotACrash) {
  for (const std::string& junk :
       {std::string("\x30\x82\xff\xff", 4), std::string(1000, '\x30'), std::string("<html>"),
        std::string("\x30\x80\x30\x80\x00\x00", 6)}) {
    grpc::ClientContext ctx;
    v1::ValidateCertificateRequest req;
    req.set_certificate(junk);
    v1::Verdict verdict;
    ASSERT_TRUE(stub_->ValidateCertificate(&ctx, req, &verdict).ok());
    EXPECT_EQ(verdict.sub_indication(), v1::FORMAT_FAILURE);
    grpc::ClientContext ctx2;
    v1::VerifySignedDocumentRequest doc;
    doc.set_cms(junk);
    ASSERT_TRUE(stub_->VerifySignedDocument(&ctx2, doc, &verdict).ok());
    EXPECT_EQ(verdict.sub_indication(), v1::FORMAT_FAILURE);
  }
}

}  // namespace
}  // namespace kensho
