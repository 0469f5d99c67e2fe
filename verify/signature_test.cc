#include "verify/signature.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace kensho::verify {
namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct AlgorDeleter {
  void operator()(X509_ALGOR* a) const { X509_ALGOR_free(a); }
};
using AlgorPtr = std::unique_ptr<X509_ALGOR, AlgorDeleter>;

// A private key and its public half re-parsed from SubjectPublicKeyInfo, as a
// verifier would hold it.
struct KeyPair {
  PkeyPtr priv;
  PkeyPtr pub;
};

KeyPair MakeKeyPair(EVP_PKEY* priv) {
  KeyPair kp;
  kp.priv.reset(priv);
  if (priv == nullptr) return kp;
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(priv, &der);
  if (len > 0) {
    const unsigned char* p = der;
    kp.pub.reset(d2i_PUBKEY(nullptr, &p, len));
  }
  OPENSSL_free(der);
  return kp;
}

KeyPair Rsa(size_t bits) { return MakeKeyPair(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits)); }
KeyPair RsaPssKey(int bits) {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr));
  EVP_PKEY* key = nullptr;
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1 ||
      EVP_PKEY_generate(ctx.get(), &key) != 1) {
    return MakeKeyPair(nullptr);
  }
  return MakeKeyPair(key);
}
KeyPair Ec(const char* curve) {
  return MakeKeyPair(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}
KeyPair Ed25519() { return MakeKeyPair(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")); }

std::string Sign(EVP_PKEY* key, const EVP_MD* md, absl::string_view msg, int padding = 0,
                 int salt_len = 0) {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key) != 1) return "";
  if (padding != 0) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, padding) != 1) return "";
    if (padding == RSA_PKCS1_PSS_PADDING &&
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt_len) != 1) {
      return "";
    }
  }
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len,
                     reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) != 1) {
    return "";
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) != 1) {
    return "";
  }
  sig.resize(len);
  return sig;
}

// RSA private-key operation with PKCS#1 type 1 padding over arbitrary bytes,
// to forge encodings a correct signer never produces.
std::string RawPkcs1Sign(EVP_PKEY* key, absl::string_view payload) {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key,
                                                                               nullptr));
  if (EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
    return "";
  }
  size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(payload.data());
  if (EVP_PKEY_sign(ctx.get(), nullptr, &len, in, payload.size()) != 1) return "";
  std::string sig(len, '\0');
  if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                    payload.size()) != 1) {
    return "";
  }
  sig.resize(len);
  return sig;
}

std::string Sha256Of(absl::string_view msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(msg.data(), msg.size(), out, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string Hex(absl::string_view hex) { return absl::HexStringToBytes(hex); }

// DER TLV with a definite length.
std::string Tlv(unsigned char tag, absl::string_view content) {
  std::string out(1, static_cast<char>(tag));
  size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<char>(n));
  } else if (n < 0x100) {
    out.push_back('\x81');
    out.push_back(static_cast<char>(n));
  } else {
    out.push_back('\x82');
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  }
  out.append(content.data(), content.size());
  return out;
}
std::string Seq(absl::string_view content) { return Tlv(0x30, content); }

const char kOidSha1[] = "06052b0e03021a";
const char kOidSha256[] = "0609608648016503040201";
const char kOidSha384[] = "0609608648016503040202";
const char kOidSha512[] = "0609608648016503040203";
const char kOidRsaPss[] = "06092a864886f70d01010a";
const char kOidMgf1[] = "06092a864886f70d010108";
const char kNull[] = "0500";

// Verifiers share these keys; generating RSA keys per test would be slow.
class SignatureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa2048_ = new KeyPair(Rsa(2048));
    rsa1024_ = new KeyPair(Rsa(1024));
    p256_ = new KeyPair(Ec("P-256"));
    p384_ = new KeyPair(Ec("P-384"));
    p521_ = new KeyPair(Ec("P-521"));
    ed25519_ = new KeyPair(Ed25519());
  }
  static void TearDownTestSuite() {
    for (KeyPair** kp : {&rsa2048_, &rsa1024_, &p256_, &p384_, &p521_, &ed25519_}) {
      delete *kp;
      *kp = nullptr;
    }
  }
  void SetUp() override {
    for (KeyPair* kp : {rsa2048_, rsa1024_, p256_, p384_, p521_, ed25519_}) {
      ASSERT_NE(kp->pub, nullptr);
    }
  }

  static KeyPair* rsa2048_;
  static KeyPair* rsa1024_;
  static KeyPair* p256_;
  static KeyPair* p384_;
  static KeyPair* p521_;
  static KeyPair* ed25519_;
};
KeyPair* SignatureTest::rsa2048_ = nullptr;
KeyPair* SignatureTest::rsa1024_ = nullptr;
KeyPair* SignatureTest::p256_ = nullptr;
KeyPair* SignatureTest::p384_ = nullptr;
KeyPair* SignatureTest::p521_ = nullptr;
KeyPair* SignatureTest::ed25519_ = nullptr;

constexpr absl::string_view kMsg = "JPKI 署名用電子証明書 test message";

TEST_F(SignatureTest, EveryAlgorithmVerifiesItsOwnSignatureAndRejectsTampering) {
  struct Case {
    SignatureAlgorithm alg;
    KeyPair* key;
    int padding;
  };
  const Case cases[] = {
      {SignatureAlgorithm::kRsaPkcs1Sha256, rsa2048_, RSA_PKCS1_PADDING},
      {SignatureAlgorithm::kRsaPkcs1Sha384, rsa2048_, RSA_PKCS1_PADDING},
      {SignatureAlgorithm::kRsaPkcs1Sha512, rsa2048_, RSA_PKCS1_PADDING},
      {SignatureAlgorithm::kRsaPssSha256, rsa2048_, RSA_PKCS1_PSS_PADDING},
      {SignatureAlgorithm::kRsaPssSha384, rsa2048_, RSA_PKCS1_PSS_PADDING},
      {SignatureAlgorithm::kRsaPssSha512, rsa2048_, RSA_PKCS1_PSS_PADDING},
      {SignatureAlgorithm::kEcdsaP256Sha256, p256_, 0},
      {SignatureAlgorithm::kEcdsaP384Sha384, p384_, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(SignatureAlgorithmName(c.alg));
    const EVP_MD* md = SignatureHash(c.alg);
    ASSERT_NE(md, nullptr);
    std::string sig = Sign(c.key->priv.get(), md, kMsg, c.padding, EVP_MD_get_size(md));
    ASSERT_FALSE(sig.empty());

    SignatureCheck ok = VerifyMessage(c.key->pub.get(), c.alg, kMsg, sig);
    EXPECT_EQ(ok.result, SignatureResult::kValid) << ok.detail;
    EXPECT_TRUE(ok.detail.empty());

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    ASSERT_EQ(EVP_Digest(kMsg.data(), kMsg.size(), digest, &digest_len, md, nullptr), 1);
    absl::string_view digest_view(reinterpret_cast<const char*>(digest), digest_len);
    EXPECT_TRUE(VerifyDigest(c.key->pub.get(), c.alg, digest_view, sig).valid());

    std::string other_msg(kMsg);
    other_msg.back() ^= 1;
    EXPECT_EQ(VerifyMessage(c.key->pub.get(), c.alg, other_msg, sig).result,
              SignatureResult::kInvalid);
    std::string bad_sig = sig;
    bad_sig[bad_sig.size() / 2] ^= 0x40;
    EXPECT_EQ(VerifyMessage(c.key->pub.get(), c.alg, kMsg, bad_sig).result,
              SignatureResult::kInvalid);
    // Wrong digest length.
    SignatureCheck short_digest =
        VerifyDigest(c.key->pub.get(), c.alg, digest_view.substr(0, digest_len - 1), sig);
    EXPECT_EQ(short_digest.result, SignatureResult::kInvalid);
    EXPECT_NE(short_digest.detail.find("digest of"), std::string::npos) << short_digest.detail;
    // The private key verifies too (it carries the public half).
    EXPECT_TRUE(VerifyMessage(c.key->priv.get(), c.alg, kMsg, sig).valid());
  }
}

TEST_F(SignatureTest, EmptyMessageVerifies) {
  std::string sig = Sign(p256_->priv.get(), EVP_sha256(), "");
  EXPECT_TRUE(VerifyMessage(p256_->pub.get(), SignatureAlgorithm::kEcdsaP256Sha256,
                            absl::string_view(), sig)
                  .valid());
}

TEST_F(SignatureTest, HashMismatchBetweenSignerAndAlgorithmIsInvalid) {
  std::string sig = Sign(rsa2048_->priv.get(), EVP_sha384(), kMsg);
  EXPECT_EQ(VerifyMessage(rsa2048_->pub.get(), SignatureAlgorithm::kRsaPkcs1Sha256, kMsg, sig)
                .result,
            SignatureResult::kInvalid);
  // PKCS#1 v1.5 and PSS are not interchangeable.
  std::string pss = Sign(rsa2048_->priv.get(), EVP_sha256(), kMsg, RSA_PKCS1_PSS_PADDING, 32);
  EXPECT_EQ(VerifyMessage(rsa2048_->pub.get(), SignatureAlgorithm::kRsaPkcs1Sha256, kMsg, pss)
                .result,
            SignatureResult::kInvalid);
  std::string pkcs1 = Sign(rsa2048_->priv.get(), EVP_sha256(), kMsg);
  EXPECT_EQ(VerifyMessage(rsa2048_->pub.get(), SignatureAlgorithm::kRsaPssSha256, kMsg, pkcs1)
                .result,
            SignatureResult::kInvalid);
}

TEST_F(SignatureTest, PssSaltLengthMustBeTheHashLength) {
  std::string salt20 = Sign(rsa2048_->priv.get(), EVP_sha256(), kMsg, RSA_PKCS1_PSS_PADDING, 20);
  ASSERT_FALSE(salt20.empty());
  EXPECT_EQ(VerifyMessage(rsa2048_->pub.get(), SignatureAlgorithm::kRsaPssSha256, kMsg, salt20)
                .result,
            SignatureResult::kInvalid);
  // The explicit-parameter entry point takes what the signer used.
  EXPECT_TRUE(
      VerifyPss(rsa2048_->pub.get(), EVP_sha256(), EVP_sha256(), 20, kMsg, salt20).valid());
  EXPECT_FALSE(
      VerifyPss(rsa2048_->pub.get(), EVP_sha256(), EVP_sha256(), 32, kMsg, salt20).valid());
  EXPECT_FALSE(
      VerifyPss(rsa2048_->pub.get(), EVP_sha256(), EVP_sha384(), 20, kMsg, salt20).valid());
  // Nonsense parameters are refused, not passed to OpenSSL as magic values.
  EXPECT_EQ(VerifyPss(rsa2048_->pub.get(), EVP_sha256(), EVP_sha256(), -2, kMsg, salt20).result,
            SignatureResult::kInvalid);
  EXPECT_EQ(VerifyPss(rsa2048_->pub.get(), EVP_sha1(), EVP_sha256(), 20, kMsg, salt20).result,
            SignatureResult::kInvalid);
  EXPECT_EQ(VerifyPss(rsa2048_->pub.get(), nullptr, EVP_sha256(), 20, kMsg, salt20).result,
            SignatureResult::kInvalid);
}

TEST_F(SignatureTest, RsaPssKeyVerifiesPssButNotPkcs1) {
  KeyPair pss_key = RsaPssKey(2048);
  ASSERT_NE(pss_key.pub, nullptr);
  std::string sig = Sign(pss_key.priv.get(), EVP_sha256(), kMsg, RSA_PKCS1_PSS_PADDING, 32);
  ASSERT_FALSE(sig.empty());
  EXPECT_TRUE(
      VerifyMessage(pss_key.pub.get(), SignatureAlgorithm::kRsaPssSha256, kMsg, sig).valid());
  EXPECT_EQ(VerifyMessage(pss_key.pub.get(), SignatureAlgorithm::kRsaPkcs1Sha256, kMsg, sig)
                .result,
            SignatureResult::kKeyMismatch);
}

TEST_F(SignatureTest, AlgorithmThatDoesNotFitTheKeyIsKeyMismatch) {
  std::string ec_sig = Sign(p256_->priv.get(), EVP_sha256(), kMsg);
  std::string rsa_sig = Sign(rsa2048_->priv.get(), EVP_sha256(), kMsg);
  std::string p384_sig = Sign(p384_->priv.get(), EVP_sha384(), kMsg);
  struct Case {
    EVP_PKEY* key;
    SignatureAlgorithm alg;
    const std::string* sig;
  };
  const Case cases[] = {
      {p256_->pub.get(), SignatureAlgorithm::kRsaPkcs1Sha256, &ec_sig},
      {p256_->pub.get(), SignatureAlgorithm::kRsaPssSha256, &ec_sig},
      {rsa2048_->pub.get(), SignatureAlgorithm::kEcdsaP256Sha256, &rsa_sig},
      {p384_->pub.get(), SignatureAlgorithm::kEcdsaP256Sha256, &ec_sig},
      {p256_->pub.get(), SignatureAlgorithm::kEcdsaP384Sha384, &p384_sig},
      {p521_->pub.get(), SignatureAlgorithm::kEcdsaP384Sha384, &p384_sig},
      {ed25519_->pub.get(), SignatureAlgorithm::kEcdsaP256Sha256, &ec_sig},
      {ed25519_->pub.get(), SignatureAlgorithm::kRsaPkcs1Sha256, &rsa_sig},
      {nullptr, SignatureAlgorithm::kRsaPkcs1Sha256, &rsa_sig},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(SignatureAlgorithmName(c.alg));
    SignatureCheck check = VerifyMessage(c.key, c.alg, kMsg, *c.sig);
    EXPECT_EQ(check.result, SignatureResult::kKeyMismatch) << check.detail;
    EXPECT_FALSE(check.detail.empty());
  }
  // Same curve check on the digest path.
  EXPECT_EQ(VerifyDigest(p384_->pub.get(), SignatureAlgorithm::kEcdsaP256Sha256, Sha256Of(kMsg),
                         ec_sig)
                .result,
            SignatureResult::kKeyMismatch);
}

TEST_F(SignatureTest, ShortRsaKeyIsWeakUnlessTheLimitAllowsIt) {
  std::string sig = Sign(rsa1024_->priv.get(), EVP_sha256(), kMsg);
  SignatureCheck weak =
      VerifyMessage(rsa1024_->pub.get(), SignatureAlgorithm::kRsaPkcs1Sha256, kMsg, sig);
  EXPECT_EQ(weak.result, SignatureResult::kWeakKey);
  EXPECT_NE(weak.detail.find("1024"), std::string::npos) << weak.detail;
  // Weakness is reported before the signature is even looked at.
  EXPECT_EQ(VerifyMessage(rsa1024_->pub.get(), SignatureAlgorithm::kRsaPssSha256, kMsg, "x")
                .result,
            SignatureResult::kWeakKey);
  SignatureLimits lax;
  lax.min_rsa_bits = 1024;
  EXPECT_TRUE(
      VerifyMessage(rsa1024_->pub.get(), SignatureAlgorithm::kRsaPkcs1Sha256, kMsg, sig, lax)
          .valid());
  SignatureLimits strict;
  strict.min_rsa_bits = 3072;
  EXPECT_EQ(VerifyMessage(rsa2048_->pub.get(), SignatureAlgorithm::kRsaPkcs1Sha256, kMsg,
                          Sign(rsa2048_->priv.get(), EVP_sha256(), kMsg), strict)
                .result,
            SignatureResult::kWeakKey);
}

TEST_F(SignatureTest, GarbageEmptyAndHugeSignaturesAreInvalidWithoutCrashing) {
  const std::vector<std::string> garbage = {
      "",
      std::string(1, '\0'),
      std::string(255, '\xff'),
      std::string(256, '\0'),
      std::string(256, '\xff'),
      std::string(257, '\x01'),
      Hex("3006020101020101"),
      Hex("30060201000201"),
      Hex("3080020101020101" "0000"),
      std::string(1024, '\x30'),
  };
  const SignatureAlgorithm algs[] = {SignatureAlgorithm::kRsaPkcs1Sha256,
                                     SignatureAlgorithm::kRsaPssSha256,
                                     SignatureAlgorithm::kEcdsaP256Sha256};
  EVP_PKEY* keys[] = {rsa2048_->pub.get(), rsa2048_->pub.get(), p256_->pub.get()};
  for (int i = 0; i < 3; ++i) {
    for (const std::string& sig : garbage) {
      EXPECT_EQ(VerifyMessage(keys[i], algs[i], kMsg, sig).result, SignatureResult::kInvalid);
    }
    SignatureCheck huge = VerifyMessage(keys[i], algs[i], kMsg, std::string(1025, '\0'));
    EXPECT_EQ(huge.result, SignatureResult::kInvalid);
    EXPECT_NE(huge.detail.find("exceeds"), std::string::npos) << huge.detail;
  }
  // A long message is fine; only the caller bounds it.
  std::string big(1 << 20, 'a');
  EXPECT_TRUE(VerifyMessage(p256_->pub.get(), SignatureAlgorithm::kEcdsaP256Sha256, big,
                            Sign(p256_->priv.get(), EVP_sha256(), big))
                  .valid());
}

// The encodings Wycheproof's MissingNull / InvalidAsnInPadding vectors use.
TEST_F(SignatureTest, Pkcs1DigestInfoMustBeExact) {
  const std::string hash = Sha256Of(kMsg);
  const std::string alg_null = Seq(Hex(kOidSha256) + Hex(kNull));
  const std::string exact = Seq(alg_null + Tlv(0x04, hash));
  EVP_PKEY* priv = rsa2048_->priv.get();
  EVP_PKEY* pub = rsa2048_->pub.get();
  // The forging helper works: the exact encoding verifies.
  ASSERT_TRUE(
      VerifyMessage(pub, SignatureAlgorithm::kRsaPkcs1Sha256, kMsg, RawPkcs1Sign(priv, exact))
          .valid());
  const std::string bad[] = {
      // NULL parameters missing.
      Seq(Seq(Hex(kOidSha256)) + Tlv(0x04, hash)),
      // Trailing byte after the DigestInfo.
      exact + std::string(1, '\0'),
      // Extra bytes inside the DigestInfo.
      Seq(alg_null + Tlv(0x04, hash) + Hex("0000")),
      // Extra bytes inside the AlgorithmIdentifier.
      Seq(Seq(Hex(kOidSha256) + Hex(kNull) + Hex("0000")) + Tlv(0x04, hash)),
      // BER: long-form length where short form fits.
      Hex("3081") + exact.substr(1),
      // Non-empty NULL.
      Seq(Seq(Hex(kOidSha256) + Hex("050100")) + Tlv(0x04, hash)),
      // Wrong hash OID with the right digest bytes.
      Seq(Seq(Hex(kOidSha512) + Hex(kNull)) + Tlv(0x04, hash)),
      // No DigestInfo at all, just the hash.
      hash,
  };
  for (const std::string& payload : bad) {
    std::string sig = RawPkcs1Sign(priv, payload);
    ASSERT_FALSE(sig.empty());
    EXPECT_EQ(VerifyMessage(pub, SignatureAlgorithm::kRsaPkcs1Sha256, kMsg, sig).result,
              SignatureResult::kInvalid)
        << absl::BytesToHexString(payload);
  }
}

TEST_F(SignatureTest, RsaSignatureMustHaveTheModulusLength) {
  std::string sig = Sign(rsa2048_->priv.get(), EVP_sha256(), kMsg);
  ASSERT_EQ(sig.size(), 256u);
  EXPECT_FALSE(VerifyMessage(rsa2048_->pub.get(), SignatureAlgorithm::kRsaPkcs1Sha256, kMsg,
                             std::string(1, '\0') + sig)
                   .valid());
  if (sig[0] == '\0') {
    EXPECT_FALSE(VerifyMessage(rsa2048_->pub.get(), SignatureAlgorithm::kRsaPkcs1Sha256, kMsg,
                               sig.substr(1))
                     .valid());
  }
}

TEST_F(SignatureTest, EcdsaSignatureMustBeStrictDer) {
  std::string sig = Sign(p256_->priv.get(), EVP_sha256(), kMsg);
  ASSERT_GE(sig.size(), 8u);
  ASSERT_LT(sig.size(), 0x80u);
  EVP_PKEY* pub = p256_->pub.get();
  const auto alg = SignatureAlgorithm::kEcdsaP256Sha256;
  ASSERT_TRUE(VerifyMessage(pub, alg, kMsg, sig).valid());
  // Long-form outer length.
  EXPECT_FALSE(VerifyMessage(pub, alg, kMsg, Hex("3081") + sig.substr(1)).valid());
  // Indefinite length.
  EXPECT_FALSE(VerifyMessage(pub, alg, kMsg, Hex("3080") + sig.substr(2) + Hex("0000")).valid());
  // Trailing byte, inside and outside the SEQUENCE.
  EXPECT_FALSE(VerifyMessage(pub, alg, kMsg, sig + std::string(1, '\0')).valid());
  std::string inner = sig.substr(2) + std::string(1, '\0');
  EXPECT_FALSE(VerifyMessage(pub, alg, kMsg, Seq(inner)).valid());
  // r with a superfluous leading zero.
  const unsigned char r_len = static_cast<unsigned char>(sig[3]);
  std::string r = sig.substr(4, r_len);
  std::string s_tlv = sig.substr(4 + r_len);
  std::string padded_r = Tlv(0x02, std::string(1, '\0') + r);
  if (static_cast<unsigned char>(r[0]) < 0x80) {
    EXPECT_FALSE(VerifyMessage(pub, alg, kMsg, Seq(padded_r + s_tlv)).valid());
  }
  // r = 0 and s = 0.
  EXPECT_FALSE(VerifyMessage(pub, alg, kMsg, Seq(Hex("020100") + s_tlv)).valid());
  EXPECT_FALSE(VerifyMessage(pub, alg, kMsg, Seq(Tlv(0x02, r) + Hex("020100"))).valid());
}

TEST_F(SignatureTest, ErrorQueueIsLeftAsFound) {
  ERR_clear_error();
  std::string sig = Sign(rsa2048_->priv.get(), EVP_sha256(), kMsg);
  sig[10] ^= 1;
  EXPECT_FALSE(
      VerifyMessage(rsa2048_->pub.get(), SignatureAlgorithm::kRsaPkcs1Sha256, kMsg, sig).valid());
  EXPECT_FALSE(VerifyMessage(p256_->pub.get(), SignatureAlgorithm::kEcdsaP256Sha256, kMsg,
                             "\x30\x02\x02\x00")
                   .valid());
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_F(SignatureTest, OneKeyManyThreads) {
  std::string rsa_sig = Sign(rsa2048_->priv.get(), EVP_sha256(), kMsg);
  std::string ec_sig = Sign(p256_->priv.get(), EVP_sha256(), kMsg);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        bool tamper = (i + t) % 3 == 0;
        std::string msg(kMsg);
        if (tamper) msg += "!";
        bool a = VerifyMessage(rsa2048_->pub.get(), SignatureAlgorithm::kRsaPkcs1Sha256, msg,
                               rsa_sig)
                     .valid();
        bool b = VerifyMessage(p256_->pub.get(), SignatureAlgorithm::kEcdsaP256Sha256, msg,
                               ec_sig)
                     .valid();
        if (a == tamper || b == tamper) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(SignatureNamesTest, NamesAndHashes) {
  EXPECT_EQ(SignatureAlgorithmName(SignatureAlgorithm::kRsaPkcs1Sha256), "rsa-pkcs1-sha256");
  EXPECT_EQ(SignatureAlgorithmName(SignatureAlgorithm::kRsaPssSha512), "rsa-pss-sha512");
  EXPECT_EQ(SignatureAlgorithmName(SignatureAlgorithm::kEcdsaP384Sha384), "ecdsa-p384-sha384");
  EXPECT_EQ(SignatureResultName(SignatureResult::kKeyMismatch), "key-mismatch");
  EXPECT_EQ(EVP_MD_get_type(SignatureHash(SignatureAlgorithm::kRsaPkcs1Sha384)), NID_sha384);
  EXPECT_EQ(EVP_MD_get_type(SignatureHash(SignatureAlgorithm::kRsaPssSha512)), NID_sha512);
  EXPECT_EQ(EVP_MD_get_type(SignatureHash(SignatureAlgorithm::kEcdsaP256Sha256)), NID_sha256);
}

TEST(SignatureAlgorithmFromNidTest, MapsAcceptedAndRefusesTheRest) {
  EXPECT_EQ(*SignatureAlgorithmFromNid(NID_sha256WithRSAEncryption),
            SignatureAlgorithm::kRsaPkcs1Sha256);
  EXPECT_EQ(*SignatureAlgorithmFromNid(NID_sha384WithRSAEncryption),
            SignatureAlgorithm::kRsaPkcs1Sha384);
  EXPECT_EQ(*SignatureAlgorithmFromNid(NID_sha512WithRSAEncryption),
            SignatureAlgorithm::kRsaPkcs1Sha512);
  EXPECT_EQ(*SignatureAlgorithmFromNid(NID_ecdsa_with_SHA256),
            SignatureAlgorithm::kEcdsaP256Sha256);
  EXPECT_EQ(*SignatureAlgorithmFromNid(NID_ecdsa_with_SHA384),
            SignatureAlgorithm::kEcdsaP384Sha384);
  EXPECT_EQ(SignatureAlgorithmFromNid(NID_sha1WithRSAEncryption).status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(SignatureAlgorithmFromNid(NID_ecdsa_with_SHA512).status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(SignatureAlgorithmFromNid(NID_ED25519).status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(SignatureAlgorithmFromNid(NID_rsassaPss).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignatureAlgorithmFromNid(NID_undef).status().code(),
            absl::StatusCode::kInvalidArgument);
}

AlgorPtr ParseAlgor(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  AlgorPtr algor(d2i_X509_ALGOR(nullptr, &p, der.size()));
  return algor;
}

absl::StatusOr<SignatureAlgorithm> FromDer(const std::string& sig_der,
                                           const std::string& digest_der = "") {
  AlgorPtr sig = ParseAlgor(sig_der);
  if (sig == nullptr) return absl::InternalError("test DER does not parse");
  AlgorPtr digest;
  if (!digest_der.empty()) {
    digest = ParseAlgor(digest_der);
    if (digest == nullptr) return absl::InternalError("test digest DER does not parse");
  }
  return SignatureAlgorithmFromAlgor(sig.get(), digest.get());
}

std::string HashAlgId(const char* oid, bool with_null = true) {
  return Seq(Hex(oid) + (with_null ? Hex(kNull) : ""));
}

// RSASSA-PSS AlgorithmIdentifier; an empty piece is omitted (DEFAULT).
std::string PssAlgId(const std::string& hash_alg, const std::string& mgf_hash_alg,
                     int salt, int trailer = -1, const char* mgf_oid = kOidMgf1) {
  std::string params;
  if (!hash_alg.empty()) params += Tlv(0xa0, hash_alg);
  if (!mgf_hash_alg.empty()) params += Tlv(0xa1, Seq(Hex(mgf_oid) + mgf_hash_alg));
  if (salt >= 0) params += Tlv(0xa2, Tlv(0x02, std::string(1, static_cast<char>(salt))));
  if (trailer >= 0) params += Tlv(0xa3, Tlv(0x02, std::string(1, static_cast<char>(trailer))));
  return Seq(Hex(kOidRsaPss) + Seq(params));
}

TEST(SignatureAlgorithmFromAlgorTest, CertificateAlgorithms) {
  EXPECT_EQ(*FromDer(Hex("300d06092a864886f70d01010b0500")), SignatureAlgorithm::kRsaPkcs1Sha256);
  EXPECT_EQ(*FromDer(Hex("300b06092a864886f70d01010c")), SignatureAlgorithm::kRsaPkcs1Sha384);
  EXPECT_EQ(*FromDer(Hex("300d06092a864886f70d01010d0500")), SignatureAlgorithm::kRsaPkcs1Sha512);
  EXPECT_EQ(*FromDer(Hex("300a06082a8648ce3d040302")), SignatureAlgorithm::kEcdsaP256Sha256);
  EXPECT_EQ(*FromDer(Hex("300a06082a8648ce3d040303")), SignatureAlgorithm::kEcdsaP384Sha384);
  // ECDSA with NULL parameters is not RFC 5758.
  EXPECT_EQ(FromDer(Hex("300c06082a8648ce3d0403020500")).status().code(),
            absl::StatusCode::kInvalidArgument);
  // sha256WithRSAEncryption with an INTEGER as parameters.
  EXPECT_EQ(FromDer(Hex("300e06092a864886f70d01010b020100")).status().code(),
            absl::StatusCode::kInvalidArgument);
  // sha1WithRSAEncryption.
  EXPECT_EQ(FromDer(Hex("300d06092a864886f70d0101050500")).status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(SignatureAlgorithmFromAlgor(nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SignatureAlgorithmFromAlgorTest, RsassaPssParameters) {
  const std::string h256 = HashAlgId(kOidSha256);
  const std::string h384 = HashAlgId(kOidSha384);
  const std::string h512 = HashAlgId(kOidSha512);
  // The classic RFC 4055 SHA-256 encoding, byte for byte.
  EXPECT_EQ(absl::BytesToHexString(PssAlgId(h256, h256, 32)),
            "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886"
            "f70d010108300d06096086480165030402010500a203020120");
  EXPECT_EQ(*FromDer(PssAlgId(h256, h256, 32)), SignatureAlgorithm::kRsaPssSha256);
  EXPECT_EQ(*FromDer(PssAlgId(h384, h384, 48)), SignatureAlgorithm::kRsaPssSha384);
  EXPECT_EQ(*FromDer(PssAlgId(h512, h512, 64)), SignatureAlgorithm::kRsaPssSha512);
  // Hash parameters absent are fine; an explicit trailer 1 too.
  EXPECT_EQ(*FromDer(PssAlgId(HashAlgId(kOidSha256, false), HashAlgId(kOidSha256, false), 32, 1)),
            SignatureAlgorithm::kRsaPssSha256);

  struct Bad {
    std::string der;
    absl::StatusCode code;
  };
  const Bad bad[] = {
      {PssAlgId(h256, h256, 20), absl::StatusCode::kUnimplemented},        // salt != hLen
      {PssAlgId(h256, h256, -1), absl::StatusCode::kUnimplemented},        // salt default 20
      {PssAlgId(h256, h384, 32), absl::StatusCode::kUnimplemented},        // MGF1 hash differs
      {PssAlgId("", h256, 32), absl::StatusCode::kUnimplemented},          // SHA-1 default
      {PssAlgId(h256, "", 32), absl::StatusCode::kUnimplemented},          // MGF1-SHA1 default
      {PssAlgId(HashAlgId(kOidSha1), HashAlgId(kOidSha1), 20), absl::StatusCode::kUnimplemented},
      {PssAlgId(h256, h256, 32, 2), absl::StatusCode::kInvalidArgument},   // trailer 2
      {PssAlgId(h256, h256, 32, -1, kOidSha256), absl::StatusCode::kUnimplemented},  // not MGF1
      {Seq(Hex(kOidRsaPss)), absl::StatusCode::kInvalidArgument},          // no params
      {Seq(Hex(kOidRsaPss) + Hex(kNull)), absl::StatusCode::kInvalidArgument},
      {Seq(Hex(kOidRsaPss) + Seq(Hex("0201ff"))), absl::StatusCode::kInvalidArgument},
  };
  for (const Bad& b : bad) {
    auto alg = FromDer(b.der);
    EXPECT_EQ(alg.status().code(), b.code) << absl::BytesToHexString(b.der) << " "
                                           << alg.status();
  }
}

TEST(SignatureAlgorithmFromAlgorTest, CmsSignerInfoAlgorithms) {
  const std::string rsa_enc = Hex("300d06092a864886f70d0101010500");
  const std::string sha256_rsa = Hex("300d06092a864886f70d01010b0500");
  const std::string ecdsa256 = Hex("300a06082a8648ce3d040302");
  const std::string d256 = HashAlgId(kOidSha256);
  const std::string d384 = HashAlgId(kOidSha384, false);
  EXPECT_EQ(*FromDer(rsa_enc, d256), SignatureAlgorithm::kRsaPkcs1Sha256);
  EXPECT_EQ(*FromDer(rsa_enc, d384), SignatureAlgorithm::kRsaPkcs1Sha384);
  EXPECT_EQ(FromDer(rsa_enc).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FromDer(rsa_enc, HashAlgId(kOidSha1)).status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(*FromDer(sha256_rsa, d256), SignatureAlgorithm::kRsaPkcs1Sha256);
  EXPECT_EQ(FromDer(sha256_rsa, d384).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*FromDer(ecdsa256, d256), SignatureAlgorithm::kEcdsaP256Sha256);
  EXPECT_EQ(FromDer(ecdsa256, d384).status().code(), absl::StatusCode::kInvalidArgument);
  const std::string h256 = HashAlgId(kOidSha256);
  EXPECT_EQ(*FromDer(PssAlgId(h256, h256, 32), d256), SignatureAlgorithm::kRsaPssSha256);
  EXPECT_EQ(FromDer(PssAlgId(h256, h256, 32), d384).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kensho::verify
