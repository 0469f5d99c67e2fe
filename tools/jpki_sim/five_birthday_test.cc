#include "tools/jpki_sim/five_birthday.h"

#include "gtest/gtest.h"

namespace kensho::sim {
namespace {

using absl::CivilDay;

absl::Time Utc(int y, int m, int d, int hh, int mm, int ss) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone());
}

struct Case {
  CivilDay birth;
  CivilDay issue;
  CivilDay expiry;
};

TEST(FiveBirthdayTest, Table) {
  const Case cases[] = {
      // The verified test card: issued 2025-10-27, born 17 February.
      {CivilDay(1990, 2, 17), CivilDay(2025, 10, 27), CivilDay(2030, 2, 17)},
      // Issued on the birthday: that day does not count.
      {CivilDay(1990, 5, 10), CivilDay(2024, 5, 10), CivilDay(2029, 5, 10)},
      // The day after the birthday.
      {CivilDay(1990, 5, 10), CivilDay(2024, 5, 11), CivilDay(2029, 5, 10)},
      // Just outside the 3 months before the next birthday: 5th birthday.
      {CivilDay(1990, 5, 10), CivilDay(2024, 2, 9), CivilDay(2028, 5, 10)},
      // Exactly 3 months before and later: 6th birthday.
      {CivilDay(1990, 5, 10), CivilDay(2024, 2, 10), CivilDay(2029, 5, 10)},
      {CivilDay(1990, 5, 10), CivilDay(2024, 5, 9), CivilDay(2029, 5, 10)},
      {CivilDay(1970, 1, 1), CivilDay(2023, 12, 31), CivilDay(2029, 1, 1)},
      // 3 months before 31 May is 29 Feb in a leap year (clamped).
      {CivilDay(1985, 5, 31), CivilDay(2024, 2, 28), CivilDay(2028, 5, 31)},
      {CivilDay(1985, 5, 31), CivilDay(2024, 2, 29), CivilDay(2029, 5, 31)},
      // 29 February births: 28 February in common years.
      {CivilDay(2000, 2, 29), CivilDay(2021, 6, 19), CivilDay(2026, 2, 28)},
      {CivilDay(2000, 2, 29), CivilDay(2023, 6, 1), CivilDay(2028, 2, 29)},
      {CivilDay(1996, 2, 29), CivilDay(2023, 2, 28), CivilDay(2028, 2, 29)},  // next is 2024-02-29
      {CivilDay(1996, 2, 29), CivilDay(2024, 1, 15), CivilDay(2029, 2, 28)},  // 6th, common year
      // Newborn.
      {CivilDay(2025, 4, 1), CivilDay(2025, 5, 1), CivilDay(2030, 4, 1)},
      // Era boundary births.
      {CivilDay(1989, 1, 7), CivilDay(2022, 3, 3), CivilDay(2027, 1, 7)},
      {CivilDay(2019, 5, 1), CivilDay(2024, 2, 1), CivilDay(2029, 5, 1)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FiveBirthdayExpiryDay(c.birth, c.issue), c.expiry) << "birth " << c.birth << " issue " << c.issue;
  }
}

TEST(FiveBirthdayTest, NotAfterIsEndOfJstDay) {
  EXPECT_EQ(FiveBirthdayNotAfter(CivilDay(1990, 2, 17), CivilDay(2025, 10, 27)), Utc(2030, 2, 17, 14, 59, 59));
  EXPECT_EQ(EndOfJstDay(CivilDay(2033, 7, 15)), Utc(2033, 7, 15, 14, 59, 59));
}

TEST(FiveBirthdayTest, Helpers) {
  EXPECT_EQ(BirthdayInYear(CivilDay(2000, 2, 29), 2023), CivilDay(2023, 2, 28));
  EXPECT_EQ(BirthdayInYear(CivilDay(2000, 2, 29), 2024), CivilDay(2024, 2, 29));
  EXPECT_EQ(NextBirthdayAfter(CivilDay(1990, 3, 3), CivilDay(2024, 3, 3)), CivilDay(2025, 3, 3));
  EXPECT_EQ(SubtractMonths(CivilDay(2024, 3, 31), 1), CivilDay(2024, 2, 29));
  EXPECT_EQ(SubtractMonths(CivilDay(2024, 1, 15), 3), CivilDay(2023, 10, 15));
  EXPECT_EQ(SubtractMonths(CivilDay(2024, 1, 15), -13), CivilDay(2025, 2, 15));
  EXPECT_EQ(AgeOn(CivilDay(2011, 4, 2), CivilDay(2026, 4, 1)), 14);
  EXPECT_EQ(AgeOn(CivilDay(2011, 4, 2), CivilDay(2026, 4, 2)), 15);
  EXPECT_EQ(AgeOn(CivilDay(2000, 2, 29), CivilDay(2015, 2, 28)), 14);
  EXPECT_EQ(AgeOn(CivilDay(2000, 2, 29), CivilDay(2015, 3, 1)), 15);
  EXPECT_EQ(AgeOn(CivilDay(2000, 2, 29), CivilDay(2016, 2, 29)), 16);
}

}  // namespace
}  // namespace kensho::sim
