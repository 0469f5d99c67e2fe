// One revoked certificate as a CRL lists it, and the sink that CRL ingest
// streams entries into (storage implements it; the domain does not know how).
#ifndef KENSHO_CRL_REVOKED_ENTRY_H_
#define KENSHO_CRL_REVOKED_ENTRY_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kensho::crl {

// RFC 5280 CRLReason; the numeric values are the wire values (7 is unused).
enum class RevocationReason : uint8_t {
  kUnspecified = 0,
  kKeyCompromise = 1,
  kCaCompromise = 2,
  kAffiliationChanged = 3,
  kSuperseded = 4,
  kCessationOfOperation = 5,
  kCertificateHold = 6,  // JPKI: a suspension is never released; final
  kRemoveFromCrl = 8,    // only meaningful in delta CRLs
  kPrivilegeWithdrawn = 9,
  kAaCompromise = 10,
};

// True for the wire values above.
constexpr bool IsValidReasonCode(int v) { return v >= 0 && v <= 10 && v != 7; }

// "keyCompromise", ... (RFC 5280 spelling).
absl::string_view ReasonName(RevocationReason reason);

struct RevokedEntry {
  // The certificate serial number's INTEGER contents without DER's sign
  // octet (0x00 before a top-bit-set positive value). Non-conforming negative
  // serials keep their two's-complement bytes and can therefore alias a
  // positive serial; that errs towards REVOKED. Valid only during the visitor
  // or sink call that receives it (it aliases the CRL bytes).
  absl::string_view serial;
  absl::Time revocation_date;
  std::optional<RevocationReason> reason;  // nullopt: no reasonCode extension
  std::optional<absl::Time> invalidity_date;
};

// Receives the entries of a CRL that was accepted for a partition.
// Returning an error aborts the ingest.
class RevokedEntrySink {
 public:
  virtual ~RevokedEntrySink() = default;
  virtual absl::Status Add(const RevokedEntry& entry) = 0;
};

}  // namespace kensho::crl

#endif  // KENSHO_CRL_REVOKED_ENTRY_H_
