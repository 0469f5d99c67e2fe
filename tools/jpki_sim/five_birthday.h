// The JPKI five-birthday expiry rule, written independently of jpki/ on
// purpose: the simulator is the oracle the verifier is tested against (every
// generated certificate must pass jpki::CheckNotAfter), so it must not share
// the verifier's code. Keep the two in step through those tests, not by
// calling one from the other.
//
// A certificate issued on `issue_day` (a JST calendar date) is valid until
// 23:59:59 JST (= 14:59:59Z) of the 5th birthday after the issue date. The
// issue day itself never counts as a birthday. If the issue date lies within
// the 3 months before the next birthday (on or after that birthday minus 3
// calendar months), the 6th birthday is used instead. People born on 29
// February have their birthday on 28 February in common years.
#ifndef KENSHO_TOOLS_JPKI_SIM_FIVE_BIRTHDAY_H_
#define KENSHO_TOOLS_JPKI_SIM_FIVE_BIRTHDAY_H_

#include <cstdint>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace kensho::sim {

// Japan Standard Time, fixed at UTC+9 (never the machine's zone).
absl::TimeZone Jst();

// The birthday of someone born on `birth` in `year` (29 Feb -> 28 Feb in
// common years).
absl::CivilDay BirthdayInYear(absl::CivilDay birth, int64_t year);

// The first birthday strictly after `day`.
absl::CivilDay NextBirthdayAfter(absl::CivilDay birth, absl::CivilDay day);

// `day` minus `months` calendar months, clamped to the end of a shorter month.
absl::CivilDay SubtractMonths(absl::CivilDay day, int months);

// The JST date on which the certificate expires.
absl::CivilDay FiveBirthdayExpiryDay(absl::CivilDay birth, absl::CivilDay issue_day);

// 23:59:59 JST of `day`.
absl::Time EndOfJstDay(absl::CivilDay day);

// notAfter for a certificate issued on `issue_day` to someone born on `birth`.
absl::Time FiveBirthdayNotAfter(absl::CivilDay birth, absl::CivilDay issue_day);

// Age in whole years on `day` (the new age holds from the anniversary; for a
// 29 February birth in a common year from 1 March, as jpki/ and the law have
// it). Used for the "signature certificates from 15" rule.
int AgeOn(absl::CivilDay birth, absl::CivilDay day);

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_FIVE_BIRTHDAY_H_
