#include "jpki/era.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace kensho::jpki {
namespace {

TEST(EraDigitForTest, Boundaries) {
  struct Case {
    absl::CivilDay d;
    int want;
  } cases[] = {
      {absl::CivilDay(1868, 10, 23), 1}, {absl::CivilDay(1912, 7, 29), 1},
      {absl::CivilDay(1912, 7, 30), 2},  {absl::CivilDay(1926, 12, 24), 2},
      {absl::CivilDay(1926, 12, 25), 3}, {absl::CivilDay(1989, 1, 7), 3},
      {absl::CivilDay(1989, 1, 8), 4},   {absl::CivilDay(2019, 4, 30), 4},
      {absl::CivilDay(2019, 5, 1), 5},   {absl::CivilDay(2099, 1, 1), 5},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.d);
    absl::StatusOr<int> got = EraDigitFor(c.d);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, c.want);
  }
}

TEST(EraDigitForTest, BeforeMeijiIsOutOfRange) {
  EXPECT_EQ(EraDigitFor(absl::CivilDay(1868, 10, 22)).status().code(),
            absl::StatusCode::kOutOfRange);
}

TEST(ParseJpkiBirthDateTest, Accepts) {
  struct Case {
    std::string in;
    absl::CivilDay want;
  } cases[] = {
      {"419900102", absl::CivilDay(1990, 1, 2)},
      {"419890108", absl::CivilDay(1989, 1, 8)},   // first day of Heisei
      {"319890107", absl::CivilDay(1989, 1, 7)},   // last day of Showa
      {"520190501", absl::CivilDay(2019, 5, 1)},
      {"420190430", absl::CivilDay(2019, 4, 30)},
      {"219120730", absl::CivilDay(1912, 7, 30)},
      {"119120729", absl::CivilDay(1912, 7, 29)},
      {"219261224", absl::CivilDay(1926, 12, 24)},
      {"319261225", absl::CivilDay(1926, 12, 25)},
      {"420000229", absl::CivilDay(2000, 2, 29)},
      {"520240229", absl::CivilDay(2024, 2, 29)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    absl::StatusOr<absl::CivilDay> got = ParseJpkiBirthDate(c.in);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, c.want);
  }
}

TEST(ParseJpkiBirthDateTest, Rejects) {
  struct Case {
    std::string in;
    absl::StatusCode code;
    std::string message_has;
  } cases[] = {
      {"", absl::StatusCode::kInvalidArgument, "9 digits"},
      {"41990010", absl::StatusCode::kInvalidArgument, "9 digits"},
      {"4199001022", absl::StatusCode::kInvalidArgument, "9 digits"},
      {"4-9900102", absl::StatusCode::kInvalidArgument, "ASCII digits"},
      {"41990 102", absl::StatusCode::kInvalidArgument, "ASCII digits"},
      // Full-width digits are not ASCII digits (and not 9 bytes).
      {"４19900102", absl::StatusCode::kInvalidArgument, "9 digits"},
      {std::string("41990010\0", 9), absl::StatusCode::kInvalidArgument,
       "ASCII digits"},
      {std::string("\xff\xfe\x80") + "019900",
       absl::StatusCode::kInvalidArgument, "ASCII digits"},
      {"019900102", absl::StatusCode::kInvalidArgument, "unknown era digit 0"},
      {"619900102", absl::StatusCode::kInvalidArgument, "unknown era digit 6"},
      {"920230101", absl::StatusCode::kInvalidArgument, "unknown era digit 9"},
      {"520230229", absl::StatusCode::kInvalidArgument, "no real"},
      {"419001301", absl::StatusCode::kInvalidArgument, "no real"},
      {"519001301", absl::StatusCode::kInvalidArgument, "no real"},
      {"520231301", absl::StatusCode::kInvalidArgument, "no real"},
      {"520230431", absl::StatusCode::kInvalidArgument, "no real"},
      {"520230400", absl::StatusCode::kInvalidArgument, "no real"},
      {"520230001", absl::StatusCode::kInvalidArgument, "no real"},
      {"319900102", absl::StatusCode::kInvalidArgument,
       "1990-01-02, which is in era 4 (Heisei)"},
      {"419890107", absl::StatusCode::kInvalidArgument,
       "which is in era 3 (Showa)"},
      {"420190501", absl::StatusCode::kInvalidArgument,
       "which is in era 5 (Reiwa)"},
      {"519900102", absl::StatusCode::kInvalidArgument, "era digit 5 (Reiwa)"},
      {"118000101", absl::StatusCode::kOutOfRange, "before the Meiji era"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    absl::StatusOr<absl::CivilDay> got = ParseJpkiBirthDate(c.in);
    ASSERT_FALSE(got.ok()) << *got;
    EXPECT_EQ(got.status().code(), c.code) << got.status();
    EXPECT_TRUE(absl::StrContains(got.status().message(), c.message_has))
        << got.status();
  }
}

TEST(EraNameTest, Names) {
  EXPECT_EQ(EraName(1), "Meiji");
  EXPECT_EQ(EraName(5), "Reiwa");
  EXPECT_EQ(EraName(0), "unknown");
  EXPECT_EQ(EraName(6), "unknown");
}

}  // namespace
}  // namespace kensho::jpki
