// Writes OpenSSL CA database files ("index.txt") so that
//   openssl ocsp -index ocsp/sign_gen3_index.txt -CA roots/sign_gen3.pem
//       -rsigner roots/sign_gen3.pem -rkey keys/sign_gen3.key.pem -port N
// answers for the same revocation state as the CRLs.
//
// Line format (tab-separated): status, expiry (YYMMDDHHMMSSZ), revocation
// field ("<time>,<reason>[,<arg>]" or empty), serial (upper-case hex, whole
// bytes, as BN_bn2hex prints it), file name ("unknown"), subject
// (X509_NAME_oneline). keyCompromise/CACompromise carry the compromise
// (invalidity) time; certificateHold carries holdInstructionReject.
#ifndef KENSHO_TOOLS_JPKI_SIM_OCSP_INDEX_H_
#define KENSHO_TOOLS_JPKI_SIM_OCSP_INDEX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace kensho::sim {

struct OcspIndexEntry {
  uint64_t serial = 0;
  absl::Time not_after;
  std::string subject;  // "/C=JP/CN=..."
  bool revoked = false;
  absl::Time revoked_at;
  int reason = 0;  // RFC 5280 CRLReason
  std::optional<absl::Time> invalidity;
};

// "0A1B", as BN_bn2hex prints a positive serial ("00" for zero).
std::string SerialHex(uint64_t serial);

// The whole index file. Entries must have distinct serials.
std::string FormatOcspIndex(const std::vector<OcspIndexEntry>& entries);

// Content for the companion "<index>.attr" file.
inline constexpr char kOcspIndexAttr[] = "unique_subject = no\n";

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_OCSP_INDEX_H_
