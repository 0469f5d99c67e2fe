#include "verify/rsa_pkcs1.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace kensho::verify {
namespace {

struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;

std::string Sha(const EVP_MD* md, const std::string& msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(msg.data(), msg.size(), out, &n, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), n);
}

// OpenSSL's own PKCS#1 v1.5 signature over `digest`.
std::string Sign(EVP_PKEY* key, const EVP_MD* md, const std::string& digest) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
  EVP_PKEY_sign_init(ctx);
  EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING);
  EVP_PKEY_CTX_set_signature_md(ctx, md);
  size_t len = 0;
  const auto* d = reinterpret_cast<const unsigned char*>(digest.data());
  EVP_PKEY_sign(ctx, nullptr, &len, d, digest.size());
  std::string sig(len, '\0');
  EVP_PKEY_sign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, d, digest.size());
  EVP_PKEY_CTX_free(ctx);
  sig.resize(len);
  return sig;
}

class RsaPkcs1Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { key_ = EVP_RSA_gen(2048); }
  static void TearDownTestSuite() { EVP_PKEY_free(key_); }
  static EVP_PKEY* key_;
};
EVP_PKEY* RsaPkcs1Test::key_ = nullptr;

TEST_F(RsaPkcs1Test, AgreesWithOpenSslForEachHash) {
  for (const EVP_MD* md : {EVP_sha256(), EVP_sha384(), EVP_sha512()}) {
    auto v = RsaPkcs1Verifier::Make(key_, md);
    ASSERT_NE(v, nullptr) << EVP_MD_get0_name(md);
    const std::string digest = Sha(md, "kensho");
    const std::string sig = Sign(key_, md, digest);
    EXPECT_TRUE(v->Verify(digest, sig)) << EVP_MD_get0_name(md);
    // The same verifier again: its scratch state is reusable.
    EXPECT_TRUE(v->Verify(digest, sig));
    std::string other = Sha(md, "kenshO");
    EXPECT_FALSE(v->Verify(other, sig));
    std::string flipped = sig;
    flipped[100] ^= 1;
    EXPECT_FALSE(v->Verify(digest, flipped));
    EXPECT_TRUE(v->Verify(digest, sig)) << "a failure leaves it usable";
  }
}

TEST_F(RsaPkcs1Test, WrongSizesAndOutOfRangeAreFalse) {
  auto v = RsaPkcs1Verifier::Make(key_, EVP_sha256());
  ASSERT_NE(v, nullptr);
  const std::string digest = Sha(EVP_sha256(), "kensho");
  const std::string sig = Sign(key_, EVP_sha256(), digest);
  EXPECT_FALSE(v->Verify(digest.substr(1), sig));
  EXPECT_FALSE(v->Verify(digest, sig.substr(1)));             // shorter than the modulus
  EXPECT_FALSE(v->Verify(digest, std::string(1, '\0') + sig));  // longer
  EXPECT_FALSE(v->Verify(digest, std::string(sig.size(), '\xff')));  // not below n
  EXPECT_FALSE(v->Verify(digest, std::string(sig.size(), '\0')));
  EXPECT_FALSE(v->Verify(digest, ""));
}

// Each arithmetic where it applies: IFMA for moduli up to 2048 bits when the
// CPU has it and KENSHO_RSA_IFMA is not 0 (rsa_pkcs1_openssl_math_test sets
// it), OpenSSL's otherwise.
TEST_F(RsaPkcs1Test, OtherModulusSizesAndTheArithmeticUsed) {
  for (int bits : {1024, 2048, 3072}) {
    KeyPtr key(bits == 2048 ? EVP_PKEY_dup(key_) : EVP_RSA_gen(bits));
    auto v = RsaPkcs1Verifier::Make(key.get(), EVP_sha256());
    ASSERT_NE(v, nullptr) << bits;
    EXPECT_EQ(v->uses_ifma(), bits <= 2048 && IfmaModExp::Available()) << bits;
    const std::string digest = Sha(EVP_sha256(), "kensho");
    const std::string sig = Sign(key.get(), EVP_sha256(), digest);
    EXPECT_TRUE(v->Verify(digest, sig)) << bits;
    std::string flipped = sig;
    flipped.back() ^= 1;
    EXPECT_FALSE(v->Verify(digest, flipped)) << bits;
  }
  const char* setting = std::getenv("KENSHO_RSA_IFMA");
  if (setting != nullptr && std::string(setting) == "0") {
    EXPECT_FALSE(IfmaModExp::Available());
  }
}

// The signature representative must be below n: n itself is refused, not
// reduced to 0.
TEST_F(RsaPkcs1Test, SignatureEqualToTheModulusIsFalse) {
  auto v = RsaPkcs1Verifier::Make(key_, EVP_sha256());
  ASSERT_NE(v, nullptr);
  BIGNUM* n = nullptr;
  ASSERT_EQ(EVP_PKEY_get_bn_param(key_, "n", &n), 1);
  std::string n_bytes(BN_num_bytes(n), '\0');
  BN_bn2bin(n, reinterpret_cast<unsigned char*>(n_bytes.data()));
  BN_free(n);
  const std::string digest = Sha(EVP_sha256(), "kensho");
  EXPECT_FALSE(v->Verify(digest, n_bytes));
  n_bytes.back() ^= 2;  // n - 2 (n is odd): below n, but no signature
  EXPECT_FALSE(v->Verify(digest, n_bytes));
}

TEST_F(RsaPkcs1Test, OnlyPlainRsaWithSha2) {
  EXPECT_EQ(RsaPkcs1Verifier::Make(key_, EVP_sha1()), nullptr);
  EXPECT_EQ(RsaPkcs1Verifier::Make(key_, nullptr), nullptr);
  EXPECT_EQ(RsaPkcs1Verifier::Make(nullptr, EVP_sha256()), nullptr);
  KeyPtr ec(EVP_EC_gen("P-256"));
  EXPECT_EQ(RsaPkcs1Verifier::Make(ec.get(), EVP_sha256()), nullptr);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr);
  EVP_PKEY* pss = nullptr;
  ASSERT_EQ(EVP_PKEY_keygen_init(ctx), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048), 1);
  ASSERT_EQ(EVP_PKEY_keygen(ctx, &pss), 1);
  EVP_PKEY_CTX_free(ctx);
  KeyPtr pss_key(pss);
  EXPECT_EQ(RsaPkcs1Verifier::Make(pss_key.get(), EVP_sha256()), nullptr);
}

}  // namespace
}  // namespace kensho::verify
