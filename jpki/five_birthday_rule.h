// The five-birthday rule (5回目の誕生日) for JPKI certificate validity.
//
// A JPKI certificate is valid until the end (23:59:59 JST) of the 5th birthday
// after its issue date. The issue day itself is never birthday #1, even when
// the certificate is issued on a birthday. A certificate issued within the
// 3 months before a birthday (early renewal keeps the remaining period) may
// run to the 6th birthday instead.
//
// The certificate's own notAfter is authoritative for expiry; this rule only
// bounds it from above (card expiry, the auth cert's expiry, or a period of
// stay can make notAfter earlier, never later).
//
// 29 February birthdays: in common years J-LIS is not verified to use 28
// February or 1 March, so checks accept either and report which one held.
//
// All days are JST calendar days (see jst_date.h). Pure functions; no clock.
#ifndef KENSHO_JPKI_FIVE_BIRTHDAY_RULE_H_
#define KENSHO_JPKI_FIVE_BIRTHDAY_RULE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace kensho::jpki {

// Where a 29 February birthday falls in a common year.
enum class LeapDayBirthday { kFebruary28, kMarch1 };

absl::string_view LeapDayBirthdayName(LeapDayBirthday rule);  // "28 February"

// True when `birth` is 29 February.
bool IsLeapDayBirth(absl::CivilDay birth);

// The birthday of someone born on `birth` in `year`. Only a 29 February birth
// in a common year consults `rule`. `year` may precede the birth year (the
// result is then just the anniversary date; callers decide if that is sane).
absl::CivilDay BirthdayInYear(absl::CivilDay birth, absl::civil_year_t year,
                              LeapDayBirthday rule);

// The n-th birthday strictly after `issue_day` (n >= 1; smaller n is treated
// as 1). A birthday on `issue_day` itself does not count.
absl::CivilDay NthBirthdayAfter(absl::CivilDay birth, absl::CivilDay issue_day,
                                int n, LeapDayBirthday rule);

struct FiveBirthdayLimit {
  absl::CivilDay fifth;           // 5th birthday after the issue day
  absl::CivilDay latest_allowed;  // 6th if early_renewal_window, else fifth
  // next birthday - 3 months <= issue day < next birthday (AddMonthsClamped).
  bool early_renewal_window;
  absl::CivilDay next_birthday;   // 1st birthday after the issue day
};

// The last day a certificate issued on `issue_day` may be valid through.
FiveBirthdayLimit LatestExpiry(absl::CivilDay birth, absl::CivilDay issue_day,
                               LeapDayBirthday rule);

struct FiveBirthdayCheck {
  // not_after <= EndOfJstDay(allowed_last_day) under at least one leap rule.
  bool within;
  absl::CivilDay allowed_last_day;  // the limit under `applied`
  // The rule reported: among rules that pass, the one with the earliest
  // limit (the tightest statement that still holds; ties pick kFebruary28);
  // when none passes, the one with the latest limit (the most lenient reading
  // was still exceeded). Meaningless unless IsLeapDayBirth(birth).
  LeapDayBirthday applied;
  std::string detail;  // for people: limit, why (5th/6th birthday, leap rule)
};

// Checks a certificate's notAfter against the rule. The issue day is
// JstDay(not_before). Non-finite times give within=false with a detail saying
// so (X.509 times are always finite; this is only a guard).
FiveBirthdayCheck CheckNotAfter(absl::CivilDay birth, absl::Time not_before,
                                absl::Time not_after);

// Age in completed years at the start of `day`.
// Japanese law (年齢計算ニ関スル法律 and Civil Code art. 143) adds a year at
// the end of the day before the birthday anniversary, so the new age holds
// from the anniversary itself. For a 29 February birth in a common year the
// period ends on the last day of February, so the new age holds from 1 March:
// AgeOn(2008-02-29, 2023-02-28) == 14, AgeOn(2008-02-29, 2023-03-01) == 15.
// 0 during the first year of life; negative whenever `day` precedes `birth`.
int AgeOn(absl::CivilDay birth, absl::CivilDay day);

}  // namespace kensho::jpki

#endif  // KENSHO_JPKI_FIVE_BIRTHDAY_RULE_H_
