// Lifecycle and usage rules of the JPKI profile, as pure functions of a
// LifecycleInput (already extracted from the certificate by the caller).
//
// Each rule is its own function appending ProfileFindings; EvaluateLifecycle
// runs them all. Expiry and not-yet-valid are *not* reported here: the path
// validator owns them, and the certificate's notAfter is authoritative. These
// rules report on consistency (five-birthday limit, age) and fitness for the
// intended use.
//
// Time is an input: validation_time is given, never read from the clock.
#ifndef KENSHO_JPKI_LIFECYCLE_RULES_H_
#define KENSHO_JPKI_LIFECYCLE_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "jpki/profile_finding.h"

namespace kensho::jpki {

// Finding codes. All break the profile except RENEWAL_WINDOW_OPEN.
inline constexpr char kCodeBeyondFiveBirthdays[] = "BEYOND_FIVE_BIRTHDAYS";
inline constexpr char kCodeIssuedUnder15[] = "ISSUED_UNDER_15";
inline constexpr char kCodeWrongCertificateForUsage[] =
    "WRONG_CERTIFICATE_FOR_USAGE";
inline constexpr char kCodeWeakKey[] = "WEAK_KEY";
inline constexpr char kCodeWeakHash[] = "WEAK_HASH";
inline constexpr char kCodeMissingNonRepudiation[] = "MISSING_NON_REPUDIATION";
inline constexpr char kCodeMissingDigitalSignature[] =
    "MISSING_DIGITAL_SIGNATURE";
inline constexpr char kCodeRenewalWindowOpen[] = "RENEWAL_WINDOW_OPEN";

// Minimum RSA modulus (the law sets 2048 bits).
inline constexpr int kMinRsaBits = 2048;
// Youngest age at which a signature certificate may be issued.
inline constexpr int kMinSignatureAge = 15;
// Renewal is possible from this many months before expiry.
inline constexpr int kRenewalWindowMonths = 3;

enum class CertKind { kSignature, kAuthentication, kOther };
enum class IntendedUse { kAny, kDocumentSigning, kAuthentication };

// Facts about one certificate and one validation. Defaults fail closed: an
// unset bool reads as "absent/weak" and produces a finding.
struct LifecycleInput {
  CertKind kind = CertKind::kOther;
  IntendedUse use = IntendedUse::kAny;
  absl::Time not_before;
  absl::Time not_after;
  absl::Time validation_time;
  std::optional<absl::CivilDay> birth_date;  // from the basic 4, if read
  int rsa_bits = 0;  // modulus size; 0 if not RSA
  // Certificate signature algorithm uses SHA-256 or a stronger hash.
  bool sha256_or_stronger = false;
  // keyUsage asserts the bit, or keyUsage is absent (RFC 5280: unrestricted).
  bool has_non_repudiation = false;
  bool has_digital_signature = false;
};

struct LifecycleSummary {
  std::string expiry_date_jst;  // FormatIsoDay(JstDay(not_after))
  int days_until_expiry;        // DaysUntil(validation_time, that day)
  // JstDay(validation_time) >= AddMonthsClamped(expiry day, -3) and
  // validation_time <= not_after (not expired); false for infinite times.
  bool renewal_window_open;
};

LifecycleSummary Summarize(absl::Time not_after, absl::Time validation_time);

// BEYOND_FIVE_BIRTHDAYS: signature cert with a birth date whose notAfter lies
// beyond the five-birthday limit under both 29 February readings
// (five_birthday_rule.h). Detail gives the allowed last day and the rule.
// Infinite not_before/not_after count as beyond (fail closed).
void CheckFiveBirthdays(const LifecycleInput& in,
                        std::vector<ProfileFinding>* out);

// ISSUED_UNDER_15: signature cert with a birth date, issued (JstDay of
// not_before) before the holder's 15th birthday (AgeOn < 15). Skipped for an
// infinite not_before.
void CheckIssuedAge(const LifecycleInput& in, std::vector<ProfileFinding>* out);

// WRONG_CERTIFICATE_FOR_USAGE: auth cert used for document signing, or
// signature cert used for authentication. kOther / kAny are not judged here.
void CheckUsage(const LifecycleInput& in, std::vector<ProfileFinding>* out);

// WEAK_KEY: RSA key below kMinRsaBits. Non-RSA keys (rsa_bits == 0) are not
// judged here; the JPKI profile's RSA requirement belongs to key parsing.
void CheckKeyStrength(const LifecycleInput& in,
                      std::vector<ProfileFinding>* out);

// WEAK_HASH: certificate signed with a hash below SHA-256.
void CheckHashStrength(const LifecycleInput& in,
                       std::vector<ProfileFinding>* out);

// MISSING_NON_REPUDIATION: signature cert used for document signing without
// nonRepudiation (contentCommitment) in keyUsage.
// MISSING_DIGITAL_SIGNATURE: auth cert used for authentication (the card
// signs a nonce) without digitalSignature in keyUsage.
void CheckKeyUsage(const LifecycleInput& in, std::vector<ProfileFinding>* out);

// RENEWAL_WINDOW_OPEN (informational): see LifecycleSummary.
void CheckRenewalWindow(const LifecycleInput& in,
                        std::vector<ProfileFinding>* out);

// Runs every rule above, in declaration order.
std::vector<ProfileFinding> EvaluateLifecycle(const LifecycleInput& in);

}  // namespace kensho::jpki

#endif  // KENSHO_JPKI_LIFECYCLE_RULES_H_
