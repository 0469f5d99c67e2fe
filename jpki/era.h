// Japanese eras (元号) as they appear in JPKI birth dates.
//
// The signature certificate's birth-date otherName (1.2.392.200149.8.5.5.4) is
// nine ASCII digits: one era digit followed by the *Gregorian* date YYYYMMDD,
// e.g. "419900102" = 1990-01-02, Heisei. The era digit is redundant with the
// date, so a mismatch means a malformed (or forged) value, and is rejected.
#ifndef KENSHO_JPKI_ERA_H_
#define KENSHO_JPKI_ERA_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace kensho::jpki {

// Era digits used by JPKI.
enum class Era : int {
  kMeiji = 1,   // 明治 1868-10-23 .. 1912-07-29
  kTaisho = 2,  // 大正 1912-07-30 .. 1926-12-24
  kShowa = 3,   // 昭和 1926-12-25 .. 1989-01-07
  kHeisei = 4,  // 平成 1989-01-08 .. 2019-04-30
  kReiwa = 5,   // 令和 2019-05-01 ..
};

// English name of an era digit ("Heisei"), or "unknown" outside 1..5.
absl::string_view EraName(int era_digit);

// The era digit (1..5) of Gregorian day `d`.
// Errors: OUT_OF_RANGE before 1868-10-23 (the Gregorian date Meiji was
// proclaimed; earlier dates have no meaning in a resident register that uses
// Gregorian dates). Dates after today are accepted as Reiwa: the caller
// decides whether a future birth date is plausible, and a later era would need
// a code change anyway.
absl::StatusOr<int> EraDigitFor(absl::CivilDay d);

// Parses the 9-character JPKI birth date "EYYYYMMDD".
// Errors (all INVALID_ARGUMENT unless noted; messages name the problem):
//   wrong length, any non-ASCII-digit, era digit outside 1..5, a date that
//   does not exist (2023-02-29, month 13, day 00), and an era digit that does
//   not match the date ("...1990-01-02 is in era 4 (Heisei)"); OUT_OF_RANGE
//   for dates before Meiji.
// Safe on arbitrary bytes; the message never echoes more than 9 characters.
absl::StatusOr<absl::CivilDay> ParseJpkiBirthDate(absl::string_view s);

}  // namespace kensho::jpki

#endif  // KENSHO_JPKI_ERA_H_
