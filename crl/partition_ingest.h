// Decides whether a CRL is acceptable for one revocation partition (in JPKI,
// one municipality's CRL for one root generation) and streams its entries to
// storage. Anything that is not a valid, newer CRL for exactly this
// partition is rejected with a typed reason before a single entry is
// streamed, so the caller keeps the previous good data.
//
// Checks, in order: parses (crl_parser.h); a complete CRL, or a delta CRL
// when the spec asks for one (see PartitionSpec::delta);
// issuer name matches the configured generations (RFC 5280 name comparison
// by OpenSSL); signature verifies with one configured issuer generation,
// those whose SKI equals the CRL's AKI keyid tried first; the
// issuingDistributionPoint names exactly this partition (no substitution of
// one municipality's CRL for another's) and covers all reasons and
// end-entity certificates; cRLNumber present and greater than the last
// accepted one; thisUpdate not before the last accepted one and not beyond
// now + max_clock_skew; nextUpdate present and after now - max_clock_skew;
// optionally thisUpdate not older than max_age.
//
// Time is an input (`now`); nothing here reads the clock or does I/O.
#ifndef KENSHO_CRL_PARTITION_INGEST_H_
#define KENSHO_CRL_PARTITION_INGEST_H_

#include <openssl/x509.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crl/crl_parser.h"
#include "crl/revoked_entry.h"

namespace kensho::crl {

struct PartitionSpec {
  std::string partition_id;
  // The distribution point the CRL's IDP fullName must contain: a printable
  // DirName (name_printer.h) as in JPKI, e.g. "CN=Iide-machi CRLDP,
  // OU=Yamagata, OU=CRL Distribution Points, OU=JPKI for digital signature,
  // O=JPKI, C=JP", or a URI ("http://crl.example/iide.crl"). Empty: the
  // partition is a complete CRL of the issuer, and the CRL must then carry
  // no IDP.
  std::string expected_idp_dirname;
  // The issuer's root generations (same DN, different keys). Not owned;
  // they must outlive the call.
  std::vector<const X509*> issuer_generations;
  // From the last accepted CRL of this partition, if any.
  std::optional<std::string> last_crl_number;  // big-endian magnitude bytes
  std::optional<absl::Time> last_this_update;
  absl::Duration max_clock_skew = absl::Minutes(5);
  std::optional<absl::Duration> max_age;  // thisUpdate older than now - max_age is refused
  // Checking a delta CRL (RFC 5280 5.2.4) for this partition: it must carry
  // deltaCRLIndicator, its BaseCRLNumber must not be newer than
  // `complete_crl_number` (the complete CRL held, which it is applied to),
  // and its cRLNumber must be greater than that one's (and than
  // last_crl_number: the last delta accepted). Without `delta`, a delta CRL
  // is refused, and with it a complete CRL.
  bool delta = false;
  std::optional<std::string> complete_crl_number;
};

enum class CrlRejectReason {
  kNone = 0,
  kNotACrl,         // not DER / truncated / trailing bytes / malformed fields
  kUnsupported,     // unknown critical extension, algorithm, indirect entries
  kWrongKind,       // a delta CRL where a complete one is expected, or the other way
  kNoBaseForDelta,  // a delta CRL for a newer complete CRL than the one held
  kWrongIssuer,     // issuer name is not the configured CA's
  kBadSignature,    // no configured generation's key verifies it
  kWrongPartition,  // IDP absent or names another distribution point
  kScopeMismatch,   // IDP limits the scope (CA/attribute certs only, some reasons, indirect)
  kMissingCrlNumber,
  kSameCrlNumber,           // the CRL already accepted (benign for a refresher)
  kCrlNumberNotIncreasing,  // older than the one accepted
  kThisUpdateNotIncreasing,
  kThisUpdateInFuture,
  kTooOld,  // thisUpdate older than max_age
  kMissingNextUpdate,
  kExpired,        // nextUpdate already passed at now
  kEntriesFailed,  // the sink refused an entry (storage error)
};

absl::string_view RejectReasonName(CrlRejectReason reason);

struct AcceptedCrl {
  ParsedCrl crl;               // header; aliases the CRL bytes
  std::string issuer_key_id;   // SKI of the generation that verified it
  int issuer_generation = -1;  // index into PartitionSpec::issuer_generations
};

// Either an accepted CRL or the reason it was refused.
struct PartitionCrlDecision {
  std::optional<AcceptedCrl> accepted;
  CrlRejectReason reason = CrlRejectReason::kNone;
  std::string detail;  // for people; code tests `reason`
  int64_t entries_streamed = 0;

  bool ok() const { return reason == CrlRejectReason::kNone; }
  // OK, or an error naming the partition and the reason (InvalidArgument,
  // FailedPrecondition for stale/unchanged/time problems, PermissionDenied
  // for signature/issuer/partition, Unimplemented, Unavailable when the sink
  // failed).
  absl::Status status(absl::string_view partition_id) const;
};

// Runs every check; streams nothing. `der` must outlive the result.
PartitionCrlDecision CheckPartitionCrl(const PartitionSpec& spec, absl::string_view der, absl::Time now,
                                       const CrlParseOptions& options = {});

// Streams an accepted CRL's entries into `sink`.
absl::Status StreamAcceptedEntries(const AcceptedCrl& accepted, RevokedEntrySink& sink,
                                   const ReleaseFn& release_before = nullptr, int64_t* streamed = nullptr);

// CheckPartitionCrl, then (when accepted) StreamAcceptedEntries; a sink
// failure gives kEntriesFailed with `accepted` cleared.
PartitionCrlDecision IngestPartitionCrl(const PartitionSpec& spec, absl::string_view der, absl::Time now,
                                        RevokedEntrySink& sink, const CrlParseOptions& options = {});

}  // namespace kensho::crl

#endif  // KENSHO_CRL_PARTITION_INGEST_H_
