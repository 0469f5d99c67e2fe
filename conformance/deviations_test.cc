#include "conformance/deviations.h"

#include "gtest/gtest.h"

namespace kensho::conformance {
namespace {

TEST(KnownDeviationsTest, ParsesMatchesAndReportsUnmatched) {
  auto d = KnownDeviations::Parse(
      "# comment\n\n"
      "wycheproof/a.json 12 reason one\n"
      "x509-limbo rfc5280::serial::zero  OpenSSL accepts it \n");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->size(), 2u);
  const std::string* r = d->MatchFailure("x509-limbo", "rfc5280::serial::zero");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(*r, "OpenSSL accepts it");
  EXPECT_EQ(d->MatchFailure("x509-limbo", "other"), nullptr);
  auto limbo = d->Unmatched([](const std::string& s) { return s == "x509-limbo"; });
  EXPECT_TRUE(limbo.empty());
  auto wp = d->Unmatched([](const std::string& s) { return s.rfind("wycheproof/", 0) == 0; });
  ASSERT_EQ(wp.size(), 1u);
  EXPECT_EQ(wp[0], "wycheproof/a.json 12 (reason one)");
}

TEST(KnownDeviationsTest, RejectsMalformedAndDuplicateLines) {
  EXPECT_FALSE(KnownDeviations::Parse("suite-only\n").ok());
  EXPECT_FALSE(KnownDeviations::Parse("suite id\n").ok());
  EXPECT_FALSE(KnownDeviations::Parse("suite id    \n").ok());
  EXPECT_FALSE(KnownDeviations::Parse("s i why\ns i again\n").ok());
}

}  // namespace
}  // namespace kensho::conformance
