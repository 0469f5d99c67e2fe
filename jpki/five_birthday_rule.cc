#include "jpki/five_birthday_rule.h"

#include "absl/strings/str_cat.h"
#include "jpki/jst_date.h"

namespace kensho::jpki {
namespace {

bool IsLeapYear(absl::civil_year_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// Explains how `limit` was derived, for FiveBirthdayCheck::detail.
std::string DescribeLimit(absl::CivilDay birth, absl::CivilDay issue_day,
                          const FiveBirthdayLimit& limit,
                          LeapDayBirthday rule) {
  std::string s;
  if (limit.early_renewal_window) {
    absl::StrAppend(&s, "issued ", FormatIsoDay(issue_day),
                    " within 3 months before the birthday ",
                    FormatIsoDay(limit.next_birthday),
                    " (early renewal): limit is the 6th birthday ",
                    FormatIsoDay(limit.latest_allowed));
  } else {
    absl::StrAppend(&s, "issued ", FormatIsoDay(issue_day),
                    ": limit is the 5th birthday ",
                    FormatIsoDay(limit.latest_allowed));
  }
  if (IsLeapDayBirth(birth)) {
    absl::StrAppend(&s, "; born on 29 February, birthday in common years taken"
                        " as ", LeapDayBirthdayName(rule),
                    " (J-LIS practice unverified, both accepted)");
  }
  return s;
}

}  // namespace

absl::string_view LeapDayBirthdayName(LeapDayBirthday rule) {
  return rule == LeapDayBirthday::kFebruary28 ? "28 February" : "1 March";
}

bool IsLeapDayBirth(absl::CivilDay birth) {
  return birth.month() == 2 && birth.day() == 29;
}

absl::CivilDay BirthdayInYear(absl::CivilDay birth, absl::civil_year_t year,
                              LeapDayBirthday rule) {
  if (IsLeapDayBirth(birth) && !IsLeapYear(year)) {
    return rule == LeapDayBirthday::kFebruary28 ? absl::CivilDay(year, 2, 28)
                                                : absl::CivilDay(year, 3, 1);
  }
  return absl::CivilDay(year, birth.month(), birth.day());
}

absl::CivilDay NthBirthdayAfter(absl::CivilDay birth, absl::CivilDay issue_day,
                                int n, LeapDayBirthday rule) {
  if (n < 1) n = 1;
  // Birthdays are ordered by year under either rule, so find the first
  // birthday after the issue day and count whole years from it.
  absl::civil_year_t first_year = issue_day.year();
  if (BirthdayInYear(birth, first_year, rule) <= issue_day) ++first_year;
  return BirthdayInYear(birth, first_year + (n - 1), rule);
}

FiveBirthdayLimit LatestExpiry(absl::CivilDay birth, absl::CivilDay issue_day,
                               LeapDayBirthday rule) {
  FiveBirthdayLimit limit;
  limit.next_birthday = NthBirthdayAfter(birth, issue_day, 1, rule);
  limit.fifth = NthBirthdayAfter(birth, issue_day, 5, rule);
  // issue_day < next_birthday holds by construction.
  limit.early_renewal_window =
      AddMonthsClamped(limit.next_birthday, -3) <= issue_day;
  limit.latest_allowed = limit.early_renewal_window
                             ? NthBirthdayAfter(birth, issue_day, 6, rule)
                             : limit.fifth;
  return limit;
}

FiveBirthdayCheck CheckNotAfter(absl::CivilDay birth, absl::Time not_before,
                                absl::Time not_after) {
  FiveBirthdayCheck check{false, birth, LeapDayBirthday::kFebruary28, ""};
  if (!IsFiniteTime(not_before) || !IsFiniteTime(not_after)) {
    check.detail = "notBefore and notAfter must be finite times";
    return check;
  }
  const absl::CivilDay issue_day = JstDay(not_before);

  bool have_pass = false;
  bool have_fail = false;
  for (LeapDayBirthday rule :
       {LeapDayBirthday::kFebruary28, LeapDayBirthday::kMarch1}) {
    const FiveBirthdayLimit limit = LatestExpiry(birth, issue_day, rule);
    const bool pass = not_after <= EndOfJstDay(limit.latest_allowed);
    // Passing: keep the earliest limit. Failing (only if nothing passes):
    // keep the latest limit.
    const bool better =
        pass ? (!have_pass || limit.latest_allowed < check.allowed_last_day)
             : (!have_pass &&
                (!have_fail || limit.latest_allowed > check.allowed_last_day));
    if (better) {
      check.within = pass;
      check.allowed_last_day = limit.latest_allowed;
      check.applied = rule;
      check.detail = DescribeLimit(birth, issue_day, limit, rule);
    }
    have_pass = have_pass || pass;
    have_fail = have_fail || !pass;
    if (!IsLeapDayBirth(birth)) break;  // both rules give the same answer
  }
  absl::StrAppend(&check.detail, "; notAfter is ",
                  FormatIsoDay(JstDay(not_after)), " (JST)",
                  check.within ? "" : ", beyond the limit");
  return check;
}

int AgeOn(absl::CivilDay birth, absl::CivilDay day) {
  const absl::civil_year_t years = day.year() - birth.year();
  // kMarch1: the legal age increment for 29 February births (see header).
  const bool anniversary_reached =
      day >= BirthdayInYear(birth, day.year(), LeapDayBirthday::kMarch1);
  return static_cast<int>(anniversary_reached ? years : years - 1);
}

}  // namespace kensho::jpki
