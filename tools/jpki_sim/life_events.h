// Life events over time: which certificates each person was issued, and which
// were revoked, when and why. Pure logic (no OpenSSL), seeded and
// deterministic.
//
// Each person holds a card with an auth certificate (all ages) and a
// signature certificate (15 and over at issue). Events during a card's life:
//   move / name change  -> signature cert revoked affiliationChanged, a
//                          successor issued the same day (expiring with the
//                          card's auth cert); the auth cert survives.
//   lost card           -> both revoked keyCompromise (invalidity date = when
//                          lost), a new card a few weeks later.
//   suspension          -> both revoked certificateHold (final), new card later.
//   death               -> everything revoked cessationOfOperation.
//   renewal             -> in the 3 months before expiry; both revoked
//                          superseded, new card (6th-birthday rule applies).
//   not renewed         -> the card expires; maybe a new one much later.
//   smartphone          -> a second auth cert on a phone; a device change
//                          issues a new one and revokes the old (superseded).
//   CA compromise       -> (forced once) signature cert revoked cACompromise
//                          and reissued.
// Certificates are issued by the root generation current at the issue time
// (chosen by the caller); the simulation never reaches past `now`.
#ifndef KENSHO_TOOLS_JPKI_SIM_LIFE_EVENTS_H_
#define KENSHO_TOOLS_JPKI_SIM_LIFE_EVENTS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tools/jpki_sim/population.h"

namespace kensho::sim {

enum class CertKind { kSignature, kAuthentication };
enum class Device { kCard, kSmartphone };

// RFC 5280 CRLReason codes used by J-LIS.
enum CrlReason {
  kUnspecified = 0,
  kKeyCompromise = 1,
  kCaCompromise = 2,
  kAffiliationChanged = 3,
  kSuperseded = 4,
  kCessationOfOperation = 5,
  kCertificateHold = 6,
};
// api.md RevocationReason name for a CRL reason ("BASIC_INFO_CHANGED", ...).
const char* ApiReasonName(int crl_reason);
// RFC 5280 / OpenSSL name ("affiliationChanged", ...).
const char* CrlReasonName(int crl_reason);

struct Revocation {
  absl::Time at;
  int reason = kUnspecified;
  std::optional<absl::Time> invalidity;  // when the key was lost/compromised
};

struct CertRecord {
  int person = 0;
  CertKind kind = CertKind::kAuthentication;
  Device device = Device::kCard;
  absl::Time not_before;
  absl::Time not_after;
  Basic4 basic4;  // at issue; the municipality also picks the auth CRLDP
  std::optional<Revocation> revocation;
  int predecessor = -1;    // index of the certificate this one succeeds
  std::string link_event;  // "renewal", "move", "name_change", "lost_card", ...
  bool synthetic = false;  // added by the workload builder (e.g. future-dated)
};

// All certificates of all people, ordered by person, then issue order.
std::vector<CertRecord> SimulateLives(const std::vector<Person>& people, absl::Time now, uint64_t seed);

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_LIFE_EVENTS_H_
