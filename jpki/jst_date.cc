#include "jpki/jst_date.h"

#include <cstdint>
#include <limits>

#include "absl/strings/str_format.h"

namespace kensho::jpki {
namespace {

constexpr int kJstOffsetSeconds = 9 * 3600;

// Parses exactly `s.size()` ASCII digits. No locale, no sign, no whitespace.
bool ParseDigits(absl::string_view s, int* out) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Moves `d` into a range where day differences cannot overflow int64
// (CivilDay::max() has year 2^63-1). 1e8 years is ~3.7e10 days, far beyond
// INT_MAX, so the saturated result of DaysUntil is unchanged.
absl::CivilDay ClampForArithmetic(absl::CivilDay d) {
  constexpr absl::civil_year_t kLimit = 100000000;
  if (d.year() > kLimit) return absl::CivilDay(kLimit, 1, 1);
  if (d.year() < -kLimit) return absl::CivilDay(-kLimit, 1, 1);
  return d;
}

}  // namespace

bool IsFiniteTime(absl::Time t) {
  return t != absl::InfinitePast() && t != absl::InfiniteFuture();
}

absl::TimeZone JstTimeZone() {
  // FixedTimeZone never touches tzdata, but building one takes a global lock
  // and a lookup: measured at a dozen calls per verification, so keep one.
  static const absl::TimeZone* const jst =
      new absl::TimeZone(absl::FixedTimeZone(kJstOffsetSeconds));
  return *jst;
}

absl::CivilDay JstDay(absl::Time t) {
  // JST is a fixed UTC+9, so within any realistic range the day is plain
  // arithmetic on the seconds (floored): every verification asks, and the
  // time-zone conversion cost ~0.1 µs. Outside it, absl converts.
  constexpr int64_t kArithmeticLimit = int64_t{1} << 40;  // ~34,800 years
  if (IsFiniteTime(t)) {
    const int64_t seconds = absl::ToUnixSeconds(t);
    if (seconds > -kArithmeticLimit && seconds < kArithmeticLimit) {
      const int64_t local = seconds + kJstOffsetSeconds;
      const int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
      return absl::CivilDay(1970, 1, 1) + days;
    }
  }
  return absl::ToCivilDay(t, JstTimeZone());
}

absl::Time StartOfJstDay(absl::CivilDay d) {
  return absl::FromCivil(absl::CivilSecond(d), JstTimeZone());
}

absl::Time EndOfJstDay(absl::CivilDay d) {
  return absl::FromCivil(absl::CivilSecond(d) + (86400 - 1), JstTimeZone());
}

std::string FormatIsoDay(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

bool ParseIsoDay(absl::string_view s, absl::CivilDay* out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y, m, d;
  if (!ParseDigits(s.substr(0, 4), &y) || !ParseDigits(s.substr(5, 2), &m) ||
      !ParseDigits(s.substr(8, 2), &d)) {
    return false;
  }
  // CivilDay normalizes out-of-range fields (2023-02-29 -> 2023-03-01), so a
  // date is real exactly when it survives construction unchanged.
  const absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return false;
  *out = day;
  return true;
}

int DaysUntil(absl::Time now, absl::CivilDay last_day) {
  const absl::civil_diff_t diff =
      ClampForArithmetic(last_day) - ClampForArithmetic(JstDay(now));
  if (diff > std::numeric_limits<int>::max()) {
    return std::numeric_limits<int>::max();
  }
  if (diff < std::numeric_limits<int>::min()) {
    return std::numeric_limits<int>::min();
  }
  return static_cast<int>(diff);
}

int DaysInMonth(absl::CivilDay d) {
  // The day before the first of the next month.
  return (absl::CivilDay(absl::CivilMonth(d) + 1) - 1).day();
}

absl::CivilDay AddMonthsClamped(absl::CivilDay d, int months) {
  const absl::CivilMonth target = absl::CivilMonth(d) + months;
  const int last = DaysInMonth(absl::CivilDay(target));
  return absl::CivilDay(target.year(), target.month(),
                        d.day() < last ? d.day() : last);
}

}  // namespace kensho::jpki
