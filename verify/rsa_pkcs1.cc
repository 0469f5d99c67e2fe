#include "verify/rsa_pkcs1.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/rsa.h>

#include <cstring>

namespace kensho::verify {
namespace {

// DER of DigestInfo up to the hash octets (RFC 8017 9.2 note 1), with the
// NULL parameters: the only encoding accepted.
absl::string_view DigestInfoPrefix(const EVP_MD* md) {
  static const char kSha256[] =
      "\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\x04\x20";
  static const char kSha384[] =
      "\x30\x41\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x02\x05\x00\x04\x30";
  static const char kSha512[] =
      "\x30\x51\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x03\x05\x00\x04\x40";
  switch (EVP_MD_get_type(md)) {
    case NID_sha256: return absl::string_view(kSha256, sizeof(kSha256) - 1);
    case NID_sha384: return absl::string_view(kSha384, sizeof(kSha384) - 1);
    case NID_sha512: return absl::string_view(kSha512, sizeof(kSha512) - 1);
    default: return {};
  }
}

// Encoded messages are built on the stack: RSA up to 16384 bits.
constexpr size_t kMaxModulusBytes = 2048;

}  // namespace

std::unique_ptr<RsaPkcs1Verifier> RsaPkcs1Verifier::Make(EVP_PKEY* key, const EVP_MD* md) {
  if (key == nullptr || md == nullptr || !EVP_PKEY_is_a(key, "RSA")) return nullptr;
  const absl::string_view prefix = DigestInfoPrefix(md);
  if (prefix.empty()) return nullptr;
  std::unique_ptr<RsaPkcs1Verifier> v(new RsaPkcs1Verifier());
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &v->n_) != 1 ||
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &v->e_) != 1) {
    return nullptr;
  }
  // OpenSSL's own limits for a public key (rsa_ossl_public_decrypt): such
  // keys fall back to EVP_PKEY_verify, which refuses them.
  if (BN_num_bits(v->e_) > OPENSSL_RSA_MAX_PUBEXP_BITS || BN_ucmp(v->n_, v->e_) <= 0) {
    return nullptr;
  }
  v->hash_len_ = static_cast<size_t>(EVP_MD_get_size(md));
  v->k_ = static_cast<size_t>(BN_num_bytes(v->n_));
  // RFC 8017 9.2 step 3: at least 8 bytes of FF padding.
  if (v->k_ > kMaxModulusBytes || v->k_ < prefix.size() + v->hash_len_ + 11 ||
      !BN_is_odd(v->n_)) {
    return nullptr;
  }
  // One arithmetic or the other, each set up once for the key.
  v->ifma_ = IfmaModExp::Make(v->n_, v->e_);
  if (v->ifma_ != nullptr) {
    v->n_bytes_.resize(v->k_);
    BN_bn2binpad(v->n_, reinterpret_cast<unsigned char*>(v->n_bytes_.data()),
                 static_cast<int>(v->k_));
  } else {
    v->bn_ctx_ = BN_CTX_new();
    v->mont_ = BN_MONT_CTX_new();
    v->s_ = BN_new();
    v->m_ = BN_new();
    if (v->bn_ctx_ == nullptr || v->mont_ == nullptr || v->s_ == nullptr || v->m_ == nullptr ||
        BN_MONT_CTX_set(v->mont_, v->n_, v->bn_ctx_) != 1) {
      return nullptr;
    }
  }
  const size_t pad = v->k_ - prefix.size() - v->hash_len_ - 3;
  v->expected_.reserve(v->k_);
  v->expected_.append("\x00\x01", 2);
  v->expected_.append(pad, '\xff');
  v->expected_.push_back('\x00');
  v->expected_.append(prefix.data(), prefix.size());
  return v;
}

RsaPkcs1Verifier::~RsaPkcs1Verifier() {
  BN_free(m_);
  BN_free(s_);
  BN_MONT_CTX_free(mont_);
  BN_CTX_free(bn_ctx_);
  BN_free(e_);
  BN_free(n_);
}

bool RsaPkcs1Verifier::Verify(absl::string_view digest, absl::string_view signature) {
  if (digest.size() != hash_len_ || signature.size() != k_) return false;
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  unsigned char em[kMaxModulusBytes];
  if (ifma_ != nullptr) {
    // RFC 8017 5.2.2 step 1: the representative must be below the modulus
    // (both are k bytes, big-endian, so bytewise order is numeric order).
    if (std::memcmp(sig, n_bytes_.data(), k_) >= 0) return false;
    ifma_->Compute(sig, k_, em);
  } else {
    if (BN_bin2bn(sig, static_cast<int>(k_), s_) == nullptr) return false;
    if (BN_ucmp(s_, n_) >= 0) return false;
    if (BN_mod_exp_mont(m_, s_, e_, n_, bn_ctx_, mont_) != 1) return false;
    if (BN_bn2binpad(m_, em, static_cast<int>(k_)) != static_cast<int>(k_)) return false;
  }
  const size_t head = expected_.size();
  return CRYPTO_memcmp(em, expected_.data(), head) == 0 &&
         CRYPTO_memcmp(em + head, digest.data(), hash_len_) == 0;
}

}  // namespace kensho::verify
