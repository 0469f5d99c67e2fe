// OCSP (RFC 6960) for one certificate: building the request, asking the
// configured responder over HTTP, and reading the answer.
//
// The responder URL comes from the configuration, never from the
// certificate's AIA. A response is believed only if it is signed by the
// issuer itself or by a responder certificate the issuer delegated
// (id-kp-OCSPSigning), it answers for exactly this CertID, and the
// validation time lies inside [thisUpdate, nextUpdate].
#ifndef KENSHO_REVOCATION_OCSP_CLIENT_H_
#define KENSHO_REVOCATION_OCSP_CLIENT_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "verify/certificate.h"

namespace kensho::revocation {

struct OcspAnswer {
  enum class Status { kGood, kRevoked, kUnknown };
  Status status = Status::kUnknown;
  int reason = -1;  // CRL reason code, -1 when absent
  std::optional<absl::Time> revoked_at;
  absl::Time this_update;
  std::optional<absl::Time> next_update;
  absl::Time fetched_at;
};

// SHA-256 of the DER CertID (SHA-1 hashes, as responders expect): the cache key.
absl::StatusOr<std::string> OcspCacheKey(const verify::Certificate& leaf,
                                         const verify::Certificate& issuer);

// Asks `url` (http:// or https://) about `leaf`, bounded by the timeouts and
// byte limit. Errors: Unavailable (transport, HTTP, a responder status such
// as unauthorized or internalError), ResourceExhausted (tryLater),
// DeadlineExceeded, InvalidArgument / PermissionDenied (a response that
// cannot be believed). With `nonce`, the request carries a fresh random
// nonce (RFC 8954) and a response that does not echo it is refused (no
// replayed answers); off, responses signed ahead of time are accepted.
absl::StatusOr<OcspAnswer> QueryOcsp(const std::string& url, const verify::Certificate& leaf,
                                     const verify::Certificate& issuer, absl::Time now,
                                     absl::Duration connect_timeout,
                                     absl::Duration total_timeout, bool nonce = false);

// Reads and checks a DER OCSPResponse for `leaf` (exposed for tests). A
// non-empty `nonce` (the raw bytes sent) must come back in the response's
// nonce extension (as an OCTET STRING, or bare as older responders send it).
absl::StatusOr<OcspAnswer> ReadOcspResponse(absl::string_view der,
                                            const verify::Certificate& leaf,
                                            const verify::Certificate& issuer, absl::Time now,
                                            absl::string_view nonce = {});

// Compact text form for storage, and back.
std::string EncodeOcspAnswer(const OcspAnswer& a);
std::optional<OcspAnswer> DecodeOcspAnswer(absl::string_view s);

}  // namespace kensho::revocation

#endif  // KENSHO_REVOCATION_OCSP_CLIENT_H_
