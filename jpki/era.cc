#include "jpki/era.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "jpki/jst_date.h"

namespace kensho::jpki {
namespace {

// First day of each era, oldest first; index i is era digit i + 1.
struct EraStart {
  int digit;
  absl::CivilDay first_day;
};
constexpr EraStart kEraStarts[] = {
    {1, absl::CivilDay(1868, 10, 23)},  // Meiji
    {2, absl::CivilDay(1912, 7, 30)},   // Taisho
    {3, absl::CivilDay(1926, 12, 25)},  // Showa
    {4, absl::CivilDay(1989, 1, 8)},    // Heisei
    {5, absl::CivilDay(2019, 5, 1)},    // Reiwa
};

bool AllAsciiDigits(absl::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int DigitsToInt(absl::string_view s) {  // caller checked AllAsciiDigits
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

absl::string_view EraName(int era_digit) {
  switch (era_digit) {
    case 1: return "Meiji";
    case 2: return "Taisho";
    case 3: return "Showa";
    case 4: return "Heisei";
    case 5: return "Reiwa";
    default: return "unknown";
  }
}

absl::StatusOr<int> EraDigitFor(absl::CivilDay d) {
  if (d < kEraStarts[0].first_day) {
    return absl::OutOfRangeError(absl::StrCat(
        FormatIsoDay(d), " is before the Meiji era (from 1868-10-23)"));
  }
  int digit = kEraStarts[0].digit;
  for (const EraStart& e : kEraStarts) {
    if (d >= e.first_day) digit = e.digit;
  }
  return digit;
}

absl::StatusOr<absl::CivilDay> ParseJpkiBirthDate(absl::string_view s) {
  if (s.size() != 9) {
    return absl::InvalidArgumentError(absl::StrCat(
        "birth date must be 9 digits (era + YYYYMMDD), got ", s.size(),
        " bytes"));
  }
  if (!AllAsciiDigits(s)) {
    // CHexEscape keeps hostile bytes out of logs; s is only 9 bytes long.
    return absl::InvalidArgumentError(absl::StrCat(
        "birth date must be ASCII digits only: \"", absl::CHexEscape(s),
        "\""));
  }
  const int era = s[0] - '0';
  if (era < 1 || era > 5) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown era digit ", era, " in birth date ", s,
                     " (1 Meiji .. 5 Reiwa)"));
  }
  const int y = DigitsToInt(s.substr(1, 4));
  const int m = DigitsToInt(s.substr(5, 2));
  const int d = DigitsToInt(s.substr(7, 2));
  const absl::CivilDay day(y, m, d);
  // CivilDay normalizes (2023-02-29 -> 2023-03-01); a real date survives.
  if (day.year() != y || day.month() != m || day.day() != d) {
    return absl::InvalidArgumentError(absl::StrCat(
        "birth date ", s, " names no real Gregorian date (", s.substr(1, 4),
        "-", s.substr(5, 2), "-", s.substr(7, 2), ")"));
  }
  absl::StatusOr<int> actual = EraDigitFor(day);
  if (!actual.ok()) return actual.status();
  if (*actual != era) {
    return absl::InvalidArgumentError(absl::StrCat(
        "birth date ", s, ": era digit ", era, " (", EraName(era),
        ") does not match ", FormatIsoDay(day), ", which is in era ", *actual,
        " (", EraName(*actual), ")"));
  }
  return day;
}

}  // namespace kensho::jpki
