#include "tools/jpki_sim/der.h"

#include "gtest/gtest.h"

namespace kensho::sim::der {
namespace {

std::string Uint(uint64_t v) {
  std::string out;
  AppendUint(&out, v);
  return out;
}

TEST(DerTest, Integers) {
  EXPECT_EQ(Uint(0), std::string("\x02\x01\x00", 3));
  EXPECT_EQ(Uint(0x7f), std::string("\x02\x01\x7f", 3));
  EXPECT_EQ(Uint(0x80), std::string("\x02\x02\x00\x80", 4));
  EXPECT_EQ(Uint(0x1234), std::string("\x02\x02\x12\x34", 4));
  EXPECT_EQ(Uint(0xFFFFFFFFFFFFFFFFull), std::string("\x02\x09\x00\xff\xff\xff\xff\xff\xff\xff\xff", 11));
}

TEST(DerTest, Lengths) {
  std::string out;
  AppendHeader(&out, kSequence, 200);
  EXPECT_EQ(out, std::string("\x30\x81\xc8", 3));
  out.clear();
  AppendHeader(&out, kSequence, 70000);
  EXPECT_EQ(out, std::string("\x30\x83\x01\x11\x70", 5));
  EXPECT_EQ(LengthSize(127), 1u);
  EXPECT_EQ(LengthSize(128), 2u);
  EXPECT_EQ(LengthSize(65536), 4u);
}

TEST(DerTest, Times) {
  absl::Time t = absl::FromCivil(absl::CivilSecond(2026, 3, 1, 0, 0, 5), absl::UTCTimeZone());
  std::string out;
  AppendTime(&out, t);
  EXPECT_EQ(out, std::string("\x17\x0d") + "260301000005Z");
  out.clear();
  AppendGeneralizedTime(&out, t);
  EXPECT_EQ(out, std::string("\x18\x0f") + "20260301000005Z");
  out.clear();
  AppendTime(&out, absl::FromCivil(absl::CivilSecond(2050, 1, 1, 0, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(out, std::string("\x18\x0f") + "20500101000000Z");
}

}  // namespace
}  // namespace kensho::sim::der
