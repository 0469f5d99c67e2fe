#include "jpki/five_birthday_rule.h"

#include <cstdlib>
#include <ctime>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "jpki/jst_date.h"

// These tests never depend on the process time zone: all JST arithmetic uses
// a fixed UTC+9 zone. The BUILD file runs them under TZ=Pacific/Kiritimati
// (UTC+14) and ProcessTimeZoneDoesNotMatter switches TZ again at run time.

namespace kensho::jpki {
namespace {

using absl::CivilDay;
constexpr LeapDayBirthday kFeb28 = LeapDayBirthday::kFebruary28;
constexpr LeapDayBirthday kMar1 = LeapDayBirthday::kMarch1;

absl::Time Utc(int y, int mo, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

TEST(BirthdayInYearTest, Table) {
  struct Case {
    CivilDay birth;
    int year;
    LeapDayBirthday rule;
    CivilDay want;
  } cases[] = {
      {CivilDay(1985, 2, 17), 2030, kFeb28, CivilDay(2030, 2, 17)},
      {CivilDay(1985, 2, 17), 2030, kMar1, CivilDay(2030, 2, 17)},
      {CivilDay(1985, 12, 31), 2030, kMar1, CivilDay(2030, 12, 31)},
      {CivilDay(2008, 2, 29), 2023, kFeb28, CivilDay(2023, 2, 28)},
      {CivilDay(2008, 2, 29), 2023, kMar1, CivilDay(2023, 3, 1)},
      {CivilDay(2008, 2, 29), 2024, kFeb28, CivilDay(2024, 2, 29)},
      {CivilDay(2008, 2, 29), 2024, kMar1, CivilDay(2024, 2, 29)},
      {CivilDay(2008, 2, 29), 2100, kFeb28, CivilDay(2100, 2, 28)},  // /100
      {CivilDay(1996, 2, 29), 2000, kMar1, CivilDay(2000, 2, 29)},   // /400
      {CivilDay(1990, 2, 28), 2023, kMar1, CivilDay(2023, 2, 28)},
      {CivilDay(1990, 3, 1), 2024, kFeb28, CivilDay(2024, 3, 1)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.birth << " in " << c.year);
    EXPECT_EQ(BirthdayInYear(c.birth, c.year, c.rule), c.want);
  }
}

TEST(NthBirthdayAfterTest, IssueDayIsNeverABirthday) {
  const CivilDay birth(1985, 2, 17);
  struct Case {
    CivilDay issue;
    int n;
    CivilDay want;
  } cases[] = {
      {CivilDay(2025, 2, 16), 1, CivilDay(2025, 2, 17)},  // day before
      {CivilDay(2025, 2, 16), 5, CivilDay(2029, 2, 17)},
      {CivilDay(2025, 2, 17), 1, CivilDay(2026, 2, 17)},  // on the birthday
      {CivilDay(2025, 2, 17), 5, CivilDay(2030, 2, 17)},
      {CivilDay(2025, 2, 18), 1, CivilDay(2026, 2, 17)},  // day after
      {CivilDay(2025, 2, 18), 5, CivilDay(2030, 2, 17)},
      {CivilDay(2025, 10, 27), 5, CivilDay(2030, 2, 17)},
      {CivilDay(2025, 10, 27), 6, CivilDay(2031, 2, 17)},
      {CivilDay(2025, 10, 27), 0, CivilDay(2026, 2, 17)},   // n < 1 -> 1
      {CivilDay(2025, 10, 27), -3, CivilDay(2026, 2, 17)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.issue << " n=" << c.n);
    EXPECT_EQ(NthBirthdayAfter(birth, c.issue, c.n, kFeb28), c.want);
    EXPECT_EQ(NthBirthdayAfter(birth, c.issue, c.n, kMar1), c.want);
  }
}

TEST(NthBirthdayAfterTest, LeapDayBirths) {
  const CivilDay birth(2000, 2, 29);
  struct Case {
    CivilDay issue;
    int n;
    LeapDayBirthday rule;
    CivilDay want;
  } cases[] = {
      {CivilDay(2025, 10, 27), 5, kFeb28, CivilDay(2030, 2, 28)},
      {CivilDay(2025, 10, 27), 5, kMar1, CivilDay(2030, 3, 1)},
      {CivilDay(2027, 10, 27), 1, kFeb28, CivilDay(2028, 2, 29)},
      {CivilDay(2027, 10, 27), 5, kFeb28, CivilDay(2032, 2, 29)},
      {CivilDay(2027, 10, 27), 5, kMar1, CivilDay(2032, 2, 29)},
      // Issued on the leap-year birthday itself: #1 is next year's.
      {CivilDay(2028, 2, 29), 1, kFeb28, CivilDay(2029, 2, 28)},
      {CivilDay(2028, 2, 29), 1, kMar1, CivilDay(2029, 3, 1)},
      // Issued on 28 February of a common year: a birthday under kFeb28
      // (so it does not count), the day before one under kMar1.
      {CivilDay(2026, 2, 28), 1, kFeb28, CivilDay(2027, 2, 28)},
      {CivilDay(2026, 2, 28), 1, kMar1, CivilDay(2026, 3, 1)},
      {CivilDay(2026, 3, 1), 1, kMar1, CivilDay(2027, 3, 1)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message()
                 << c.issue << " n=" << c.n << " "
                 << LeapDayBirthdayName(c.rule));
    EXPECT_EQ(NthBirthdayAfter(birth, c.issue, c.n, c.rule), c.want);
  }
}

TEST(LatestExpiryTest, ThreeMonthWindow) {
  struct Case {
    const char* name;
    CivilDay birth;
    CivilDay issue;
    LeapDayBirthday rule;
    bool window;
    CivilDay fifth;
    CivilDay latest;
  } cases[] = {
      {"real test card", CivilDay(1985, 2, 17), CivilDay(2025, 10, 27), kFeb28,
       false, CivilDay(2030, 2, 17), CivilDay(2030, 2, 17)},
      {"day before window", CivilDay(1985, 2, 17), CivilDay(2025, 11, 16),
       kFeb28, false, CivilDay(2030, 2, 17), CivilDay(2030, 2, 17)},
      {"first day of window", CivilDay(1985, 2, 17), CivilDay(2025, 11, 17),
       kFeb28, true, CivilDay(2030, 2, 17), CivilDay(2031, 2, 17)},
      {"day before birthday", CivilDay(1985, 2, 17), CivilDay(2026, 2, 16),
       kFeb28, true, CivilDay(2030, 2, 17), CivilDay(2031, 2, 17)},
      {"on birthday", CivilDay(1985, 2, 17), CivilDay(2026, 2, 17), kFeb28,
       false, CivilDay(2031, 2, 17), CivilDay(2031, 2, 17)},
      {"day after birthday", CivilDay(1985, 2, 17), CivilDay(2026, 2, 18),
       kFeb28, false, CivilDay(2031, 2, 17), CivilDay(2031, 2, 17)},
      // Window start is clamped: 31 May - 3 months = 28/29 February.
      {"31 May, window opens 28 Feb", CivilDay(1990, 5, 31),
       CivilDay(2025, 2, 28), kFeb28, true, CivilDay(2029, 5, 31),
       CivilDay(2030, 5, 31)},
      {"31 May, 27 Feb is outside", CivilDay(1990, 5, 31),
       CivilDay(2025, 2, 27), kFeb28, false, CivilDay(2029, 5, 31),
       CivilDay(2029, 5, 31)},
      {"31 May, leap year opens 29 Feb", CivilDay(1990, 5, 31),
       CivilDay(2024, 2, 29), kFeb28, true, CivilDay(2028, 5, 31),
       CivilDay(2029, 5, 31)},
      {"31 May, leap year 28 Feb is outside", CivilDay(1990, 5, 31),
       CivilDay(2024, 2, 28), kFeb28, false, CivilDay(2028, 5, 31),
       CivilDay(2028, 5, 31)},
      // 29 February births: the window depends on the leap rule.
      {"29 Feb, kFeb28, window opens 28 Nov", CivilDay(2000, 2, 29),
       CivilDay(2025, 11, 28), kFeb28, true, CivilDay(2030, 2, 28),
       CivilDay(2031, 2, 28)},
      {"29 Feb, kMar1, 28 Nov is outside", CivilDay(2000, 2, 29),
       CivilDay(2025, 11, 28), kMar1, false, CivilDay(2030, 3, 1),
       CivilDay(2030, 3, 1)},
      {"29 Feb, kMar1, window opens 1 Dec", CivilDay(2000, 2, 29),
       CivilDay(2025, 12, 1), kMar1, true, CivilDay(2030, 3, 1),
       CivilDay(2031, 3, 1)},
      {"29 Feb, issued day before leap birthday", CivilDay(2000, 2, 29),
       CivilDay(2028, 2, 28), kMar1, true, CivilDay(2032, 2, 29),
       CivilDay(2033, 3, 1)},
      {"29 Feb, issued on leap birthday", CivilDay(2000, 2, 29),
       CivilDay(2028, 2, 29), kFeb28, false, CivilDay(2033, 2, 28),
       CivilDay(2033, 2, 28)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const FiveBirthdayLimit got = LatestExpiry(c.birth, c.issue, c.rule);
    EXPECT_EQ(got.early_renewal_window, c.window);
    EXPECT_EQ(got.fifth, c.fifth);
    EXPECT_EQ(got.latest_allowed, c.latest);
    EXPECT_GT(got.next_birthday, c.issue);
  }
}

TEST(CheckNotAfterTest, RealTestCard) {
  // Test card: issued 2025-10-27, birthday 17 February, notAfter 2030-02-17.
  const CivilDay birth(1985, 2, 17);
  const absl::Time nb = Utc(2025, 10, 27, 1, 23, 45);
  const FiveBirthdayCheck c =
      CheckNotAfter(birth, nb, Utc(2030, 2, 17, 14, 59, 59));
  EXPECT_TRUE(c.within) << c.detail;
  EXPECT_EQ(c.allowed_last_day, CivilDay(2030, 2, 17));
  EXPECT_TRUE(absl::StrContains(c.detail, "5th birthday 2030-02-17"))
      << c.detail;
  EXPECT_FALSE(absl::StrContains(c.detail, "29 February")) << c.detail;
}

TEST(CheckNotAfterTest, Table) {
  struct Case {
    const char* name;
    CivilDay birth;
    absl::Time not_before;
    absl::Time not_after;
    bool within;
    CivilDay allowed;
    LeapDayBirthday applied;
    const char* detail_has;
  } cases[] = {
      // End of the JST day, to the second.
      {"last second of 5th birthday", CivilDay(1985, 2, 17),
       Utc(2025, 10, 27, 1, 0, 0), Utc(2030, 2, 17, 14, 59, 59), true,
       CivilDay(2030, 2, 17), kFeb28, "5th birthday"},
      {"first second after", CivilDay(1985, 2, 17),
       Utc(2025, 10, 27, 1, 0, 0), Utc(2030, 2, 17, 15, 0, 0), false,
       CivilDay(2030, 2, 17), kFeb28, "beyond the limit"},
      {"earlier notAfter is fine (card expiry)", CivilDay(1985, 2, 17),
       Utc(2025, 10, 27, 1, 0, 0), Utc(2027, 6, 30, 14, 59, 59), true,
       CivilDay(2030, 2, 17), kFeb28, "5th birthday"},
      // notBefore's JST day decides the window: 2025-11-16T15:00Z is
      // 2025-11-17 in Japan, the first day of the window.
      {"notBefore 14:59:59Z: outside window", CivilDay(1985, 2, 17),
       Utc(2025, 11, 16, 14, 59, 59), Utc(2031, 2, 17, 14, 59, 59), false,
       CivilDay(2030, 2, 17), kFeb28, "issued 2025-11-16"},
      {"notBefore 15:00:00Z: inside window", CivilDay(1985, 2, 17),
       Utc(2025, 11, 16, 15, 0, 0), Utc(2031, 2, 17, 14, 59, 59), true,
       CivilDay(2031, 2, 17), kFeb28, "6th birthday 2031-02-17"},
      {"window, one second too long", CivilDay(1985, 2, 17),
       Utc(2025, 11, 16, 15, 0, 0), Utc(2031, 2, 17, 15, 0, 0), false,
       CivilDay(2031, 2, 17), kFeb28, "early renewal"},
      // 29 February: either reading passes; report the one that made it.
      {"29 Feb, notAfter 28 Feb", CivilDay(2000, 2, 29),
       Utc(2025, 10, 27, 1, 0, 0), Utc(2030, 2, 28, 14, 59, 59), true,
       CivilDay(2030, 2, 28), kFeb28, "taken as 28 February"},
      {"29 Feb, notAfter 1 Mar", CivilDay(2000, 2, 29),
       Utc(2025, 10, 27, 1, 0, 0), Utc(2030, 3, 1, 14, 59, 59), true,
       CivilDay(2030, 3, 1), kMar1, "taken as 1 March"},
      {"29 Feb, notAfter 2 Mar", CivilDay(2000, 2, 29),
       Utc(2025, 10, 27, 1, 0, 0), Utc(2030, 3, 2, 14, 59, 59), false,
       CivilDay(2030, 3, 1), kMar1, "beyond the limit"},
      {"29 Feb, leap-year 5th birthday", CivilDay(2000, 2, 29),
       Utc(2027, 10, 27, 1, 0, 0), Utc(2032, 2, 29, 14, 59, 59), true,
       CivilDay(2032, 2, 29), kFeb28, "2032-02-29"},
      // Issued 2025-11-28: only kFeb28 puts it in the window (6th birthday
      // 2031-02-28); kMar1 allows 2030-03-01.
      {"29 Feb, both pass, tighter is kMar1", CivilDay(2000, 2, 29),
       Utc(2025, 11, 28, 1, 0, 0), Utc(2030, 3, 1, 14, 59, 59), true,
       CivilDay(2030, 3, 1), kMar1, "1 March"},
      {"29 Feb, only kFeb28 window passes", CivilDay(2000, 2, 29),
       Utc(2025, 11, 28, 1, 0, 0), Utc(2031, 2, 28, 14, 59, 59), true,
       CivilDay(2031, 2, 28), kFeb28, "early renewal"},
      {"29 Feb, neither passes: most lenient", CivilDay(2000, 2, 29),
       Utc(2025, 11, 28, 1, 0, 0), Utc(2031, 3, 1, 14, 59, 59), false,
       CivilDay(2031, 2, 28), kFeb28, "beyond the limit"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const FiveBirthdayCheck got =
        CheckNotAfter(c.birth, c.not_before, c.not_after);
    EXPECT_EQ(got.within, c.within) << got.detail;
    EXPECT_EQ(got.allowed_last_day, c.allowed) << got.detail;
    EXPECT_EQ(got.applied, c.applied) << got.detail;
    EXPECT_TRUE(absl::StrContains(got.detail, c.detail_has)) << got.detail;
  }
}

TEST(CheckNotAfterTest, NonFiniteTimesAreNotWithin) {
  const CivilDay birth(1985, 2, 17);
  EXPECT_FALSE(CheckNotAfter(birth, absl::InfinitePast(),
                             Utc(2030, 1, 1, 0, 0, 0)).within);
  EXPECT_FALSE(CheckNotAfter(birth, Utc(2025, 1, 1, 0, 0, 0),
                             absl::InfiniteFuture()).within);
}

TEST(CheckNotAfterTest, ProcessTimeZoneDoesNotMatter) {
  for (const char* tz : {"America/Los_Angeles", "Asia/Tokyo", "UTC"}) {
    SCOPED_TRACE(tz);
    setenv("TZ", tz, 1);
    tzset();
    const CivilDay birth(1985, 2, 17);
    EXPECT_TRUE(CheckNotAfter(birth, Utc(2025, 10, 27, 1, 0, 0),
                              Utc(2030, 2, 17, 14, 59, 59)).within);
    EXPECT_FALSE(CheckNotAfter(birth, Utc(2025, 10, 27, 1, 0, 0),
                               Utc(2030, 2, 17, 15, 0, 0)).within);
  }
}

TEST(AgeOnTest, Table) {
  struct Case {
    CivilDay birth;
    CivilDay day;
    int want;
  } cases[] = {
      {CivilDay(2010, 4, 1), CivilDay(2025, 3, 31), 14},
      {CivilDay(2010, 4, 1), CivilDay(2025, 4, 1), 15},
      {CivilDay(2010, 4, 1), CivilDay(2025, 4, 2), 15},
      {CivilDay(2010, 4, 1), CivilDay(2010, 4, 1), 0},
      {CivilDay(2010, 4, 1), CivilDay(2011, 3, 31), 0},
      {CivilDay(2010, 4, 1), CivilDay(2010, 3, 31), -1},
      // 29 February births age on 1 March in common years (Civil Code 143).
      {CivilDay(2008, 2, 29), CivilDay(2023, 2, 28), 14},
      {CivilDay(2008, 2, 29), CivilDay(2023, 3, 1), 15},
      {CivilDay(2008, 2, 29), CivilDay(2024, 2, 28), 15},
      {CivilDay(2008, 2, 29), CivilDay(2024, 2, 29), 16},
      {CivilDay(2008, 2, 29), CivilDay(2100, 2, 28), 91},
      {CivilDay(2008, 2, 29), CivilDay(2100, 3, 1), 92},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.birth << " on " << c.day);
    EXPECT_EQ(AgeOn(c.birth, c.day), c.want);
  }
}

TEST(LeapDayTest, Helpers) {
  EXPECT_TRUE(IsLeapDayBirth(CivilDay(2000, 2, 29)));
  EXPECT_FALSE(IsLeapDayBirth(CivilDay(2000, 2, 28)));
  EXPECT_EQ(LeapDayBirthdayName(kFeb28), "28 February");
  EXPECT_EQ(LeapDayBirthdayName(kMar1), "1 March");
}

}  // namespace
}  // namespace kensho::jpki
