// Signed documents as CMS SignedData (RFC 5652), as a My Number Card signing
// application makes them: SHA-256, RSA PKCS#1 v1.5, signedAttrs
// (contentType, messageDigest, signingTime), signer identified by
// issuerAndSerialNumber, the signer certificate included. Deterministic for
// fixed inputs (signingTime is an input, never the clock).
#ifndef KENSHO_TOOLS_JPKI_SIM_CMS_WRITER_H_
#define KENSHO_TOOLS_JPKI_SIM_CMS_WRITER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/jpki_sim/ossl.h"

namespace kensho::sim {

struct CmsSpec {
  const X509* signer = nullptr;
  EVP_PKEY* key = nullptr;  // normally the signer's key
  std::string content;
  bool detached = false;
  absl::Time signing_time;
  // If set, the signature is made with this key instead while the SignerInfo
  // still names `signer` (a "wrong key" forgery: SIG_CRYPTO_FAILURE).
  EVP_PKEY* wrong_key = nullptr;
};

// DER ContentInfo.
absl::StatusOr<std::string> MakeSignedData(const CmsSpec& spec);

// The login primitive: RSA PKCS#1 v1.5 signature over DigestInfo(SHA-256(
// nonce)), exactly what the card returns for a server nonce.
absl::StatusOr<std::string> SignNonce(EVP_PKEY* key, absl::string_view nonce);

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_CMS_WRITER_H_
