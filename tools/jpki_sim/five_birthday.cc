#include "tools/jpki_sim/five_birthday.h"

namespace kensho::sim {
namespace {

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  absl::CivilDay first_of_next(year, month + 1, 1);  // normalizes month 13
  return (first_of_next - 1).day();
}

}  // namespace

absl::TimeZone Jst() { return absl::FixedTimeZone(9 * 3600); }

absl::CivilDay BirthdayInYear(absl::CivilDay birth, int64_t year) {
  if (birth.month() == 2 && birth.day() == 29 && !IsLeap(year)) {
    return absl::CivilDay(year, 2, 28);
  }
  return absl::CivilDay(year, birth.month(), birth.day());
}

absl::CivilDay NextBirthdayAfter(absl::CivilDay birth, absl::CivilDay day) {
  absl::CivilDay b = BirthdayInYear(birth, day.year());
  if (b <= day) b = BirthdayInYear(birth, day.year() + 1);
  return b;
}

absl::CivilDay SubtractMonths(absl::CivilDay day, int months) {
  absl::CivilMonth m = absl::CivilMonth(day) - months;
  int dim = DaysInMonth(m.year(), m.month());
  return absl::CivilDay(m.year(), m.month(), day.day() < dim ? day.day() : dim);
}

absl::CivilDay FiveBirthdayExpiryDay(absl::CivilDay birth, absl::CivilDay issue_day) {
  absl::CivilDay next = NextBirthdayAfter(birth, issue_day);
  int extra_years = 4;  // the next birthday is the 1st of the five
  if (issue_day >= SubtractMonths(next, 3)) extra_years = 5;
  return BirthdayInYear(birth, next.year() + extra_years);
}

absl::Time EndOfJstDay(absl::CivilDay day) {
  return absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), 23, 59, 59), Jst());
}

absl::Time FiveBirthdayNotAfter(absl::CivilDay birth, absl::CivilDay issue_day) {
  return EndOfJstDay(FiveBirthdayExpiryDay(birth, issue_day));
}

int AgeOn(absl::CivilDay birth, absl::CivilDay day) {
  int age = static_cast<int>(day.year() - birth.year());
  // Japanese law: the new age holds from the anniversary; for a 29 February
  // birth in a common year that is 1 March (the period ends with February).
  absl::CivilDay anniversary(day.year(), birth.month(), birth.day());  // 29 Feb normalizes to 1 Mar
  if (day < anniversary) --age;
  return age;
}

}  // namespace kensho::sim
