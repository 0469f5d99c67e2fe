// Engine::VerifySignedDocument over messages made by the openssl CLI (a real
// peer): with signed attributes (the usual form) and without them (the
// signature then covers the content itself), each also tampered with.
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/file_io.h"
#include "gtest/gtest.h"
#include "verify/engine.h"

namespace kensho::verify {
namespace {

int Sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

// Flips one byte of the (attached) content, found by its text.
std::string Tamper(std::string cms) {
  const size_t at = cms.find("kensho test content");
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) cms[at] ^= 0x01;
  return cms;
}

class EngineSignedDocumentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(std::string(std::getenv("TEST_TMPDIR")) + "/engine_sd");
    const std::string& d = *dir_;
    ASSERT_EQ(Sh("mkdir -p " + d), 0);
    ASSERT_EQ(Sh(absl::StrCat("openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "
                              "'/O=kensho test/CN=root' -keyout ", d, "/root.key -out ", d,
                              "/root.pem")),
              0);
    std::ofstream(d + "/leaf.ext") << "keyUsage=critical,digitalSignature,nonRepudiation\n";
    ASSERT_EQ(Sh(absl::StrCat("openssl req -newkey rsa:2048 -nodes -subj '/O=kensho test/CN=signer'"
                              " -keyout ", d, "/leaf.key -out ", d, "/leaf.csr && openssl x509 -req"
                              " -in ", d, "/leaf.csr -CA ", d, "/root.pem -CAkey ", d, "/root.key"
                              " -CAcreateserial -days 20 -extfile ", d, "/leaf.ext -out ", d,
                              "/leaf.pem")),
              0);
    std::ofstream(d + "/content.txt") << "申告書 kensho test content\n";
  }

  void SetUp() override {
    auto trust = TrustStore::Create({{"test", {*dir_ + "/root.pem"}, {}, false}});
    ASSERT_TRUE(trust.ok()) << trust.status();
    engine_ = std::make_unique<Engine>(*std::move(trust), EngineOptions{});
    options_.validation_time = absl::Now();
    options_.trust_profile = "test";
  }

  // An attached SignedData made by `openssl cms -sign` with `flags`.
  std::string Sign(const std::string& name, const std::string& flags) {
    const std::string& d = *dir_;
    const std::string out = absl::StrCat(d, "/", name, ".der");
    EXPECT_EQ(Sh(absl::StrCat("openssl cms -sign -binary -nodetach -outform DER -in ", d,
                              "/content.txt -signer ", d, "/leaf.pem -inkey ", d, "/leaf.key ",
                              flags, " -out ", out)),
              0);
    auto der = ReadFileBounded(out, 1 << 20);
    EXPECT_TRUE(der.ok()) << der.status();
    return der.ok() ? *der : "";
  }

  // Signs with `flags` and each digest of `mds`; each message must pass and
  // its tampered copy fail with `tampered`.
  void ExpectSigned(const std::string& name, const std::string& flags,
                    std::initializer_list<const char*> mds, SubIndication tampered) {
    for (const char* md : mds) {
      SCOPED_TRACE(md);
      const std::string cms = Sign(absl::StrCat(name, "_", md), absl::StrCat(flags, " -md ", md));
      auto v = engine_->VerifySignedDocument(cms, "", options_);
      ASSERT_TRUE(v.ok()) << v.status();
      EXPECT_EQ(v->sub_indication, SubIndication::kNone) << v->summary;
      auto bad = engine_->VerifySignedDocument(Tamper(cms), "", options_);
      ASSERT_TRUE(bad.ok()) << bad.status();
      EXPECT_EQ(bad->sub_indication, tampered) << bad->summary;
    }
  }

  static std::string* dir_;
  std::unique_ptr<Engine> engine_;
  VerifyOptions options_;
};
std::string* EngineSignedDocumentTest::dir_ = nullptr;

TEST_F(EngineSignedDocumentTest, WithSignedAttributes) {
  // The content no longer matches the messageDigest attribute.
  ExpectSigned("attrs", "", {"sha256", "sha384", "sha512"}, SubIndication::kHashFailure);
}

TEST_F(EngineSignedDocumentTest, WithoutSignedAttributesTheSignatureCoversTheContent) {
  // No messageDigest to compare: the signature itself must fail.
  ExpectSigned("noattr", "-noattr", {"sha256", "sha384"}, SubIndication::kSigCryptoFailure);
}

}  // namespace
}  // namespace kensho::verify
