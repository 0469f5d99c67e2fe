// Raw signature verification: one signature, one public key, one algorithm.
//
// The algorithms are the ones JPKI and kensho's relying parties use:
// RSA PKCS#1 v1.5 and RSASSA-PSS with SHA-256/384/512, ECDSA P-256/SHA-256 and
// P-384/SHA-384. Everything else (SHA-1, MD5, P-521, Ed25519, ...) is not
// representable and so cannot be asked for.
//
// Strictness (checked against Wycheproof by //conformance:wycheproof_test):
// - RSA PKCS#1 v1.5: the decrypted block must equal, byte for byte, the
//   EMSA-PKCS1-v1_5 encoding of the digest with the algorithm's hash
//   (DigestInfo with explicit NULL parameters, DER, nothing trailing); the
//   signature must be exactly as long as the modulus. OpenSSL 3.0's RSA
//   verify re-encodes and compares, which is this; the unit tests pin it.
// - RSASSA-PSS: MGF1 with the same hash, salt length == hash length,
//   trailer 0xbc. VerifyPss takes other parameters, for test suites only.
// - ECDSA: the signature is a DER Ecdsa-Sig-Value (no BER, no trailing
//   bytes; OpenSSL re-encodes and compares), r and s in [1, n-1], the key's
//   curve must be the algorithm's curve (named curve only, never explicit
//   parameters).
// - RSA keys shorter than SignatureLimits::min_rsa_bits are refused before
//   any arithmetic (kWeakKey). Signatures longer than kMaxSignatureBytes are
//   refused before any arithmetic (kInvalid). Messages are not bounded here:
//   the caller bounds what it reads.
//
// Thread-safety: every function is thread-compatible on its arguments and
// keeps no mutable state; the EVP_PKEY is only read (a fresh EVP_PKEY_CTX is
// made per call), so one key may be used by many threads at once.
// OpenSSL's per-thread error queue is left as it was found.
#ifndef KENSHO_VERIFY_SIGNATURE_H_
#define KENSHO_VERIFY_SIGNATURE_H_

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kensho::verify {

enum class SignatureAlgorithm {
  kRsaPkcs1Sha256,
  kRsaPkcs1Sha384,
  kRsaPkcs1Sha512,
  kRsaPssSha256,
  kRsaPssSha384,
  kRsaPssSha512,
  kEcdsaP256Sha256,
  kEcdsaP384Sha384,
};

enum class SignatureResult {
  // The signature is correct for the message and key.
  kValid,
  // Wrong signature, malformed signature, wrong digest length, oversized
  // signature. Maps to SIG_CRYPTO_FAILURE.
  kInvalid,
  // The algorithm does not fit the key: RSA algorithm with an EC key, PKCS#1
  // v1.5 with an RSASSA-PSS-only key, ECDSA P-256 with a P-384 key, explicit
  // curve parameters, no key. Maps to CRYPTO_CONSTRAINTS_FAILURE.
  kKeyMismatch,
  // RSA modulus shorter than SignatureLimits::min_rsa_bits.
  // Maps to CRYPTO_CONSTRAINTS_FAILURE.
  kWeakKey,
};

// For people: "valid", "invalid", "key-mismatch", "weak-key".
absl::string_view SignatureResultName(SignatureResult result);

struct SignatureCheck {
  SignatureResult result = SignatureResult::kInvalid;
  // Why, for people (logs, verdict explanations). Empty when kValid.
  std::string detail;

  bool valid() const { return result == SignatureResult::kValid; }
};

struct SignatureLimits {
  int min_rsa_bits = 2048;
};

// Signatures longer than this are kInvalid without further work. The longest
// legitimate one here is RSA-8192's 1024 bytes.
inline constexpr size_t kMaxSignatureBytes = 1024;

// The hash of `alg` (SHA-256/384/512), never null.
const EVP_MD* SignatureHash(SignatureAlgorithm alg);

// Stable names, e.g. "rsa-pkcs1-sha256", "rsa-pss-sha384", "ecdsa-p256-sha256".
absl::string_view SignatureAlgorithmName(SignatureAlgorithm alg);

// Verifies `signature` over `message`, which is hashed here with
// SignatureHash(alg).
SignatureCheck VerifyMessage(EVP_PKEY* key, SignatureAlgorithm alg,
                             absl::string_view message,
                             absl::string_view signature,
                             const SignatureLimits& limits = {});

// Same with a precomputed digest of `message`; `digest` must be exactly
// EVP_MD_get_size(SignatureHash(alg)) bytes, else kInvalid with a detail.
SignatureCheck VerifyDigest(EVP_PKEY* key, SignatureAlgorithm alg,
                            absl::string_view digest,
                            absl::string_view signature,
                            const SignatureLimits& limits = {});

// RSASSA-PSS with explicit parameters, for conformance suites that fix them
// per file. `hash` and `mgf1` must be SHA-256, SHA-384 or SHA-512;
// `salt_len` >= 0 is required exactly (no "auto" or "max" magic values).
// VerifyMessage/VerifyDigest with kRsaPss* are this with mgf1 = hash and
// salt_len = hash length. Accepts rsaEncryption and RSASSA-PSS keys.
SignatureCheck VerifyPss(EVP_PKEY* key, const EVP_MD* hash,
                         const EVP_MD* mgf1, int salt_len,
                         absl::string_view message,
                         absl::string_view signature,
                         const SignatureLimits& limits = {});

// Maps an OpenSSL signature NID to the algorithm: sha{256,384,512}WithRSA-
// Encryption and ecdsa-with-SHA{256,384}. RSASSA-PSS is InvalidArgument here
// (its parameters carry the hash: use SignatureAlgorithmFromAlgor). Known but
// unsupported algorithms (SHA-1, MD5, ecdsa-with-SHA512, Ed25519, ...) are
// Unimplemented, naming the algorithm.
absl::StatusOr<SignatureAlgorithm> SignatureAlgorithmFromNid(int nid);

// Maps an AlgorithmIdentifier, as found in a certificate, CRL, OCSP response
// (signatureAlgorithm) or CMS SignerInfo (signatureAlgorithm plus
// digestAlgorithm), to the algorithm.
// - sha*WithRSAEncryption: parameters NULL or absent (RFC 4055 says NULL;
//   absent is common and harmless).
// - ecdsa-with-SHA*: parameters absent (RFC 5758).
// - RSASSA-PSS: parameters required and must be RFC 4055 params that this
//   API can verify: hash SHA-256/384/512, MGF1 with the same hash, salt
//   length == hash length, trailer field 1.
// - rsaEncryption (allowed in CMS, RFC 5754 §3.2): needs `digest_alg`, and
//   the result is PKCS#1 v1.5 with that hash.
// `digest_alg` (CMS SignerInfo.digestAlgorithm, may be null): when given it
// must be SHA-256/384/512 (parameters NULL or absent) and must equal the
// signature algorithm's hash.
// Errors: InvalidArgument for malformed or inconsistent parameters,
// Unimplemented for recognised algorithms kensho does not accept.
absl::StatusOr<SignatureAlgorithm> SignatureAlgorithmFromAlgor(
    const X509_ALGOR* sig_alg, const X509_ALGOR* digest_alg = nullptr);

}  // namespace kensho::verify

#endif  // KENSHO_VERIFY_SIGNATURE_H_
