#include "base/der_time.h"

#include "gtest/gtest.h"

namespace kensho {
namespace {

TEST(DerTimeTest, ReadsBothFormsAndTheUtcTimeCentury) {
  EXPECT_EQ(*ParseDerTime(kDerUtcTime, "491231235959Z"), absl::FromUnixSeconds(2524607999));
  EXPECT_EQ(*ParseDerTime(kDerUtcTime, "500101000000Z"), absl::FromUnixSeconds(-631152000));
  EXPECT_EQ(*ParseDerTime(kDerGeneralizedTime, "20500101000000Z"),
            absl::FromUnixSeconds(2524608000));
  EXPECT_EQ(*ParseDerTime(kDerGeneralizedTime, "20240229120000Z"),
            absl::FromUnixSeconds(1709208000));
}

TEST(DerTimeTest, RefusesWhatRfc5280AndTheCalendarForbid) {
  for (const char* bad : {"2602282300Z", "260228230000", "260228230000+0900", "26022823000Z0",
                          "261328230000Z", "260230000000Z", "260228240000Z", "2602282300a0Z", ""}) {
    EXPECT_FALSE(ParseDerTime(kDerUtcTime, bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseDerTime(kDerGeneralizedTime, "20230229000000Z").ok());  // not a leap year
  EXPECT_FALSE(ParseDerTime(kDerGeneralizedTime, "20240101000000.5Z").ok());  // fraction
  EXPECT_FALSE(ParseDerTime(kDerGeneralizedTime, "240101000000Z").ok());
  EXPECT_FALSE(ParseDerTime(0x04, "260228230000Z").ok());  // an OCTET STRING
}

}  // namespace
}  // namespace kensho
