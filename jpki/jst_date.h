// Calendar days in Japan Standard Time (JST, UTC+9, no DST).
//
// JPKI ends validity at the end of a day in Japan: a root's notAfter is
// 14:59:59Z = 23:59:59 JST, and end-entity certificates expire at the end of a
// birthday. Every "which day is it" question in this project is asked here,
// against a fixed UTC+9 zone, so nothing depends on the machine's TZ setting or
// its tzdata.
//
// Time is an input: nothing here reads the clock.
#ifndef KENSHO_JPKI_JST_DATE_H_
#define KENSHO_JPKI_JST_DATE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace kensho::jpki {

// False for absl::InfinitePast() and absl::InfiniteFuture(). X.509 times are
// always finite; rules use this to refuse infinite inputs instead of doing
// day arithmetic on absl::CivilDay::max()/min().
bool IsFiniteTime(absl::Time t);

// The fixed UTC+9 zone (Japan has observed no DST since 1951).
absl::TimeZone JstTimeZone();

// The calendar day in Japan at `t`. InfinitePast/InfiniteFuture saturate to
// absl::CivilDay::min()/max().
absl::CivilDay JstDay(absl::Time t);

// 00:00:00 JST of `d` (15:00:00Z of the previous Gregorian day).
absl::Time StartOfJstDay(absl::CivilDay d);

// 23:59:59 JST of `d` (14:59:59Z of the same Gregorian day): the last whole
// second of the day, which is how JPKI writes notAfter. 15:00:00Z already
// belongs to the next JST day.
absl::Time EndOfJstDay(absl::CivilDay d);

// "YYYY-MM-DD", zero-padded. Years outside 0..9999 are printed as numbers
// (they never come out of an X.509 time) and do not round-trip ParseIsoDay.
std::string FormatIsoDay(absl::CivilDay d);

// Strict inverse of FormatIsoDay: exactly 10 ASCII characters "YYYY-MM-DD"
// naming a real Gregorian date (no 2023-02-29, no month 13, no signs or
// spaces). On success writes *out and returns true; on failure returns false
// and leaves *out untouched. `out` must not be null.
bool ParseIsoDay(absl::string_view s, absl::CivilDay* out);

// Whole JST calendar days from JstDay(now) to `last_day`: 0 on the last day
// itself, 1 the day before, negative once past. Saturates to the int range
// (an infinite `now` gives INT_MIN / INT_MAX).
int DaysUntil(absl::Time now, absl::CivilDay last_day);

// `d` moved by `months` calendar months (negative moves back). When the target
// month is shorter, the day is clamped to its last day: 2024-05-31 - 3 months
// = 2024-02-29, 2025-05-31 - 3 months = 2025-02-28. (absl::CivilDay alone would
// normalize 02-31 into March, which is not what "3 months before" means.)
absl::CivilDay AddMonthsClamped(absl::CivilDay d, int months);

// Number of days in the month containing `d` (28..31).
int DaysInMonth(absl::CivilDay d);

}  // namespace kensho::jpki

#endif  // KENSHO_JPKI_JST_DATE_H_
