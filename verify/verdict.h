// The domain verdict: what kensho answers about a document, a login or a
// certificate. The server maps it 1:1 onto kensho.v1.Verdict.
#ifndef KENSHO_VERIFY_VERDICT_H_
#define KENSHO_VERIFY_VERDICT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "jpki/basic_four.h"
#include "jpki/profile_finding.h"

namespace kensho::verify {

enum class Indication { kTotalPassed, kTotalFailed, kIndeterminate };

// ETSI EN 319 102-1 names where one exists; listed in the order in which
// they take precedence when several checks fail.
enum class SubIndication {
  kNone,
  kFormatFailure,
  kChallengeUnknown,
  kChallengeExpired,
  kChallengeReplayed,
  kWrongCertificateKind,
  kNoCertificateChainFound,
  kChainConstraintsFailure,
  kCryptoConstraintsFailure,
  kHashFailure,
  kSigCryptoFailure,
  kNotYetValid,
  kExpired,
  kPolicyFailure,
  kRevoked,
  kRevocationUnavailable,
  kTryLater,
};

enum class CertKind { kUnspecified, kJpkiSignature, kJpkiAuthentication, kOther };

enum class RevocationStatus { kUnknown, kGood, kRevoked };
enum class RevocationSource { kNone, kCrl, kOcsp };

struct RevocationSummary {
  RevocationStatus status = RevocationStatus::kUnknown;
  std::string reason;  // api.md RevocationReason name, empty if none
  std::optional<absl::Time> revoked_at;
  RevocationSource source = RevocationSource::kNone;
  std::string source_id;
  std::optional<absl::Time> this_update, next_update;
  bool from_cache = false;
  bool stale = false;
  // UNKNOWN for now only: a query for this status is under way, or its
  // source asked to be retried (OCSP tryLater). Hard-fail then answers
  // TRY_LATER instead of REVOCATION_UNAVAILABLE.
  bool try_later = false;
};

struct CertificateSummary {
  std::string serial_hex, issuer, subject;
  absl::Time not_before, not_after;
  std::string expiry_date_jst;
  int days_until_expiry = 0;
  bool renewal_window_open = false;
  std::string trust_anchor;
  std::string sha256_hex;
};

enum class CheckResult { kPassed, kFailed, kSkipped };

struct CheckRecord {
  std::string name;
  CheckResult result = CheckResult::kSkipped;
  std::string detail;
  int64_t micros = 0;
};

struct Timing {
  int64_t parse = 0, path = 0, signature = 0, revocation = 0, total = 0;
};

struct Verdict {
  Indication indication = Indication::kIndeterminate;
  SubIndication sub_indication = SubIndication::kNone;
  CertKind kind = CertKind::kUnspecified;
  std::optional<CertificateSummary> certificate;
  RevocationSummary revocation;
  std::optional<jpki::BasicFour> subject;  // only when asked and allowed
  std::vector<jpki::ProfileFinding> lifecycle;
  absl::Time validation_time;
  std::optional<absl::Time> signing_time;
  std::vector<CheckRecord> trace;  // filled always; the server drops it unless asked
  Timing timing;
  std::string summary;  // one line for people
};

// The indication a sub-indication implies.
Indication IndicationFor(SubIndication s);
const char* SubIndicationName(SubIndication s);

}  // namespace kensho::verify

#endif  // KENSHO_VERIFY_VERDICT_H_
