// Verifies a CRL's signature from the tbsCertList digest that ParseCrl
// computed while walking, so the (possibly huge) CRL is never hashed twice.
#ifndef KENSHO_CRL_CRL_SIGNATURE_H_
#define KENSHO_CRL_CRL_SIGNATURE_H_

#include <openssl/evp.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "crl/crl_parser.h"

namespace kensho::crl {

// OK if `signature` is a valid signature by `issuer_key` over `tbs_digest`
// with header.signature_algorithm: RSA PKCS#1 v1.5 (DigestInfo built by
// OpenSSL) for RSA keys of >= 1024 bits, ECDSA (DER signature) for EC keys.
// PermissionDenied when the signature does not verify; InvalidArgument when
// the key's type does not fit the algorithm or the digest length is wrong.
// Key-size policy beyond that is the caller's (trust anchors are configured).
absl::Status VerifyCrlSignature(const CrlHeader& header, absl::string_view tbs_digest,
                                absl::string_view signature, EVP_PKEY* issuer_key);

// Convenience over a ParsedCrl.
inline absl::Status VerifyCrlSignature(const ParsedCrl& crl, EVP_PKEY* issuer_key) {
  return VerifyCrlSignature(crl.header, crl.tbs_digest, crl.signature, issuer_key);
}

}  // namespace kensho::crl

#endif  // KENSHO_CRL_CRL_SIGNATURE_H_
