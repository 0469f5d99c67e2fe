// RSA PKCS#1 v1.5 signature verification (RFC 8017 8.2.2) for one public
// key, prepared once and reused: s^e mod n with a Montgomery context made
// up front, then the whole encoded message compared with the one expected,
// 0x00 0x01 FF..FF 0x00 DigestInfo(hash), as 8.2.2 steps 3 and 4 say (the
// decrypted block is never parsed, so no lax DigestInfo can slip through).
//
// Why not EVP_PKEY_verify: OpenSSL 3.0 does the same arithmetic but also
// allocates a BN_CTX and buffers, re-encodes the DigestInfo and takes the
// key's lock on every call, ~1 µs of a ~17 µs verify. The arithmetic is
// OpenSSL's (BN_mod_exp_mont), or on a CPU with AVX-512 IFMA, for moduli of
// up to 2048 bits, rsa_ifma.h's (~5 µs instead of ~15). Public data only:
// nothing to hide.
//
// Not thread-safe (the Montgomery context and scratch numbers are used in
// place): one per thread, as signature.cc keeps them.
#ifndef KENSHO_VERIFY_RSA_PKCS1_H_
#define KENSHO_VERIFY_RSA_PKCS1_H_

#include <openssl/bn.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "verify/rsa_ifma.h"

namespace kensho::verify {

class RsaPkcs1Verifier {
 public:
  // Null unless `key` is a plain RSA key (not RSASSA-PSS) and `md` is
  // SHA-256, SHA-384 or SHA-512 (the DigestInfo prefixes known here).
  static std::unique_ptr<RsaPkcs1Verifier> Make(EVP_PKEY* key, const EVP_MD* md);
  ~RsaPkcs1Verifier();
  RsaPkcs1Verifier(const RsaPkcs1Verifier&) = delete;
  RsaPkcs1Verifier& operator=(const RsaPkcs1Verifier&) = delete;

  // True when `signature` is the key's PKCS#1 v1.5 signature over `digest`
  // (which must have the hash's length). A signature whose length is not the
  // modulus length, or whose value is not below the modulus, is false.
  bool Verify(absl::string_view digest, absl::string_view signature);

  // Whether the IFMA arithmetic serves this key (for tests and benchmarks).
  bool uses_ifma() const { return ifma_ != nullptr; }

 private:
  RsaPkcs1Verifier() = default;

  BIGNUM* n_ = nullptr;
  BIGNUM* e_ = nullptr;
  BN_MONT_CTX* mont_ = nullptr;
  BN_CTX* bn_ctx_ = nullptr;
  BIGNUM* s_ = nullptr;
  BIGNUM* m_ = nullptr;
  size_t k_ = 0;          // modulus length in bytes
  std::string expected_;  // 00 01 FF..FF 00 DigestInfo prefix; the hash follows
  size_t hash_len_ = 0;
  std::unique_ptr<IfmaModExp> ifma_;  // null: BN_mod_exp_mont
  std::string n_bytes_;               // the modulus, k_ bytes big-endian: s < n check
};

}  // namespace kensho::verify

#endif  // KENSHO_VERIFY_RSA_PKCS1_H_
