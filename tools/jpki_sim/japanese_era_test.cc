#include "tools/jpki_sim/japanese_era.h"

#include "gtest/gtest.h"

namespace kensho::sim {
namespace {

using absl::CivilDay;

TEST(JapaneseEraTest, Boundaries) {
  EXPECT_EQ(EraDigit(CivilDay(1912, 7, 29)), 1);
  EXPECT_EQ(EraDigit(CivilDay(1912, 7, 30)), 2);
  EXPECT_EQ(EraDigit(CivilDay(1926, 12, 24)), 2);
  EXPECT_EQ(EraDigit(CivilDay(1926, 12, 25)), 3);
  EXPECT_EQ(EraDigit(CivilDay(1989, 1, 7)), 3);
  EXPECT_EQ(EraDigit(CivilDay(1989, 1, 8)), 4);
  EXPECT_EQ(EraDigit(CivilDay(2019, 4, 30)), 4);
  EXPECT_EQ(EraDigit(CivilDay(2019, 5, 1)), 5);
}

TEST(JapaneseEraTest, JpkiFormat) {
  EXPECT_EQ(JpkiBirthDate(CivilDay(1990, 1, 2)), "419900102");
  EXPECT_EQ(JpkiBirthDate(CivilDay(1989, 1, 7)), "319890107");
  EXPECT_EQ(JpkiBirthDate(CivilDay(2019, 5, 1)), "520190501");
  EXPECT_EQ(JpkiBirthDate(CivilDay(2000, 2, 29)), "420000229");
}

}  // namespace
}  // namespace kensho::sim
