#include "jpki/jst_date.h"

#include <cstdlib>
#include <ctime>
#include <limits>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace kensho::jpki {
namespace {

// Builds a UTC instant; tests state instants in UTC ("Z") as certificates do.
absl::Time Utc(int y, int mo, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

TEST(JstDayTest, DayBoundaryIsFifteenHundredZulu) {
  struct Case {
    absl::Time t;
    absl::CivilDay want;
  } cases[] = {
      {Utc(2030, 2, 17, 14, 59, 59), absl::CivilDay(2030, 2, 17)},
      {Utc(2030, 2, 17, 15, 0, 0), absl::CivilDay(2030, 2, 18)},
      {Utc(2030, 2, 16, 15, 0, 0), absl::CivilDay(2030, 2, 17)},
      {Utc(2030, 2, 16, 14, 59, 59), absl::CivilDay(2030, 2, 16)},
      {Utc(2025, 12, 31, 15, 0, 0), absl::CivilDay(2026, 1, 1)},
      {Utc(2024, 2, 28, 15, 0, 0), absl::CivilDay(2024, 2, 29)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::FormatTime(c.t));
    EXPECT_EQ(JstDay(c.t), c.want);
  }
}

// The arithmetic JstDay agrees with absl's conversion in the JST zone, at
// and around every day boundary, before and after 1970, to the nanosecond.
TEST(JstDayTest, AgreesWithTimeZoneConversion) {
  const absl::TimeZone jst = absl::FixedTimeZone(9 * 3600);
  for (int64_t day = -800000; day <= 800000; day += 997) {
    const absl::Time boundary = absl::FromUnixSeconds(day * 86400 - 9 * 3600);
    for (absl::Duration d : {absl::ZeroDuration(), absl::Nanoseconds(-1), absl::Nanoseconds(1),
                             absl::Seconds(-1), absl::Hours(12), absl::Hours(-12)}) {
      const absl::Time t = boundary + d;
      ASSERT_EQ(JstDay(t), absl::ToCivilDay(t, jst)) << t;
    }
  }
  // Far outside the arithmetic's range absl converts.
  for (int64_t s : {int64_t{1} << 45, -(int64_t{1} << 45)}) {
    const absl::Time far = absl::FromUnixSeconds(s);
    EXPECT_EQ(JstDay(far), absl::ToCivilDay(far, jst));
  }
}

TEST(JstDayTest, InfiniteTimesSaturate) {
  EXPECT_EQ(JstDay(absl::InfiniteFuture()), absl::CivilDay::max());
  EXPECT_EQ(JstDay(absl::InfinitePast()), absl::CivilDay::min());
}

TEST(JstDayTest, StartAndEndOfDay) {
  const absl::CivilDay d(2030, 2, 17);
  EXPECT_EQ(StartOfJstDay(d), Utc(2030, 2, 16, 15, 0, 0));
  EXPECT_EQ(EndOfJstDay(d), Utc(2030, 2, 17, 14, 59, 59));
  EXPECT_EQ(JstDay(StartOfJstDay(d)), d);
  EXPECT_EQ(JstDay(EndOfJstDay(d)), d);
  EXPECT_EQ(JstDay(EndOfJstDay(d) + absl::Seconds(1)), d + 1);
  EXPECT_EQ(JstDay(StartOfJstDay(d) - absl::Seconds(1)), d - 1);
}

// The zone is fixed in code: the process TZ (set to UTC+14 by the BUILD file,
// and to UTC-10 here) must change nothing.
TEST(JstDayTest, IndependentOfProcessTimeZone) {
  for (const char* tz : {"Pacific/Honolulu", "Asia/Tokyo", "UTC"}) {
    SCOPED_TRACE(tz);
    setenv("TZ", tz, 1);
    tzset();
    EXPECT_EQ(JstDay(Utc(2030, 2, 17, 14, 59, 59)), absl::CivilDay(2030, 2, 17));
    EXPECT_EQ(EndOfJstDay(absl::CivilDay(2030, 2, 17)),
              Utc(2030, 2, 17, 14, 59, 59));
  }
}

TEST(FormatIsoDayTest, ZeroPads) {
  EXPECT_EQ(FormatIsoDay(absl::CivilDay(2030, 2, 7)), "2030-02-07");
  EXPECT_EQ(FormatIsoDay(absl::CivilDay(987, 1, 1)), "0987-01-01");
}

TEST(ParseIsoDayTest, AcceptsRealDatesOnly) {
  struct Case {
    std::string in;
    bool ok;
    absl::CivilDay want;
  } cases[] = {
      {"2030-02-17", true, absl::CivilDay(2030, 2, 17)},
      {"2024-02-29", true, absl::CivilDay(2024, 2, 29)},
      {"2000-02-29", true, absl::CivilDay(2000, 2, 29)},
      {"0001-01-01", true, absl::CivilDay(1, 1, 1)},
      {"2023-02-29", false, {}},
      {"1900-02-29", false, {}},
      {"2023-13-01", false, {}},
      {"2023-00-10", false, {}},
      {"2023-04-31", false, {}},
      {"2023-04-00", false, {}},
      {"2023-4-01", false, {}},
      {"2023-04-1", false, {}},
      {"20230401", false, {}},
      {"2023/04/01", false, {}},
      {" 2023-04-01", false, {}},
      {"2023-04-01 ", false, {}},
      {"+023-04-01", false, {}},
      {"-023-04-01", false, {}},
      {"2023-04-0x", false, {}},
      {std::string("2023-04-0\0", 10), false, {}},
      {"", false, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    const absl::CivilDay sentinel(1111, 11, 11);
    absl::CivilDay got = sentinel;
    EXPECT_EQ(ParseIsoDay(c.in, &got), c.ok);
    EXPECT_EQ(got, c.ok ? c.want : sentinel);
  }
}

TEST(ParseIsoDayTest, RoundTripsFormat) {
  for (absl::CivilDay d(2023, 12, 25); d < absl::CivilDay(2024, 3, 5); ++d) {
    absl::CivilDay got;
    ASSERT_TRUE(ParseIsoDay(FormatIsoDay(d), &got)) << d;
    EXPECT_EQ(got, d);
  }
}

TEST(DaysUntilTest, CountsJstDays) {
  const absl::CivilDay last(2030, 2, 17);
  struct Case {
    absl::Time now;
    int want;
  } cases[] = {
      {Utc(2030, 2, 17, 14, 59, 59), 0},   // last second of the last day
      {Utc(2030, 2, 16, 15, 0, 0), 0},     // first second of the last day
      {Utc(2030, 2, 16, 14, 59, 59), 1},
      {Utc(2030, 2, 17, 15, 0, 0), -1},    // already the next JST day
      {Utc(2029, 2, 17, 0, 0, 0), 365},
      {Utc(2028, 2, 17, 0, 0, 0), 731},    // spans 2028-02-29
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::FormatTime(c.now));
    EXPECT_EQ(DaysUntil(c.now, last), c.want);
  }
}

TEST(DaysUntilTest, Saturates) {
  EXPECT_EQ(DaysUntil(absl::InfinitePast(), absl::CivilDay(2030, 1, 1)),
            std::numeric_limits<int>::max());
  EXPECT_EQ(DaysUntil(absl::InfiniteFuture(), absl::CivilDay(2030, 1, 1)),
            std::numeric_limits<int>::min());
}

TEST(AddMonthsClampedTest, ClampsToMonthEnd) {
  struct Case {
    absl::CivilDay d;
    int months;
    absl::CivilDay want;
  } cases[] = {
      {absl::CivilDay(2024, 5, 31), -3, absl::CivilDay(2024, 2, 29)},
      {absl::CivilDay(2025, 5, 31), -3, absl::CivilDay(2025, 2, 28)},
      {absl::CivilDay(2025, 5, 30), -3, absl::CivilDay(2025, 2, 28)},
      {absl::CivilDay(2025, 5, 28), -3, absl::CivilDay(2025, 2, 28)},
      {absl::CivilDay(2030, 2, 17), -3, absl::CivilDay(2029, 11, 17)},
      {absl::CivilDay(2025, 1, 31), 1, absl::CivilDay(2025, 2, 28)},
      {absl::CivilDay(2025, 3, 31), -1, absl::CivilDay(2025, 2, 28)},
      {absl::CivilDay(2025, 7, 31), -1, absl::CivilDay(2025, 6, 30)},
      {absl::CivilDay(2024, 2, 29), 12, absl::CivilDay(2025, 2, 28)},
      {absl::CivilDay(2024, 2, 29), 48, absl::CivilDay(2028, 2, 29)},
      {absl::CivilDay(2025, 3, 1), -3, absl::CivilDay(2024, 12, 1)},
      {absl::CivilDay(2025, 6, 15), 0, absl::CivilDay(2025, 6, 15)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.d << " " << c.months);
    EXPECT_EQ(AddMonthsClamped(c.d, c.months), c.want);
  }
}

TEST(DaysInMonthTest, KnowsLeapYears) {
  EXPECT_EQ(DaysInMonth(absl::CivilDay(2024, 2, 10)), 29);
  EXPECT_EQ(DaysInMonth(absl::CivilDay(2025, 2, 10)), 28);
  EXPECT_EQ(DaysInMonth(absl::CivilDay(1900, 2, 1)), 28);
  EXPECT_EQ(DaysInMonth(absl::CivilDay(2000, 2, 1)), 29);
  EXPECT_EQ(DaysInMonth(absl::CivilDay(2025, 4, 30)), 30);
  EXPECT_EQ(DaysInMonth(absl::CivilDay(2025, 12, 31)), 31);
}

}  // namespace
}  // namespace kensho::jpki
