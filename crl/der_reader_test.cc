#include "crl/der_reader.h"

#include <string>

#include "gtest/gtest.h"

namespace kensho::crl::der {
namespace {

using std::string_literals::operator""s;

TEST(DerReader, ReadsShortAndLongLengths) {
  std::string in = "\x04\x02hi"s + "\x04\x81\x80"s + std::string(128, 'x');
  Reader r(in);
  Tlv t;
  ASSERT_TRUE(r.Next(&t).ok());
  EXPECT_EQ(t.tag, kOctetString);
  EXPECT_EQ(t.contents, "hi");
  ASSERT_TRUE(r.Next(&t).ok());
  EXPECT_EQ(t.contents.size(), 128u);
  EXPECT_TRUE(r.empty());
}

TEST(DerReader, RejectsBerAndTruncation) {
  for (const std::string& bad : {"\x30\x80\x00\x00"s,                 // indefinite
                                 "\x04\x81\x05hello"s,                // non-minimal long form
                                 "\x04\x82\x00\x80"s,                 // leading zero length octet
                                 "\x04\x05hi"s,                       // truncated contents
                                 "\x04"s,                             // truncated header
                                 "\x1f\x01\x00"s,                     // high tag number
                                 "\x04\x85\x01\x00\x00\x00\x00"s}) {  // 5 length octets
    Reader r(bad);
    Tlv t;
    EXPECT_FALSE(r.Next(&t).ok()) << testing::PrintToString(bad);
  }
}

TEST(DerReader, DepthIsBounded) {
  std::string in = "\x05\x00"s;
  for (int i = 0; i < kMaxDepth + 2; ++i) in = "\x30"s + static_cast<char>(in.size()) + in;
  Reader r(in);
  absl::Status status = absl::OkStatus();
  for (int i = 0; i < kMaxDepth + 2 && status.ok(); ++i) {
    absl::StatusOr<Reader> child = r.Enter(kSequence, "x");
    status = child.status();
    if (child.ok()) r = *child;
  }
  EXPECT_FALSE(status.ok());
}

TEST(DerReader, Integers) {
  EXPECT_TRUE(CheckInteger("\x00\x80"s, "i").ok());
  EXPECT_FALSE(CheckInteger("\x00\x7f"s, "i").ok());
  EXPECT_FALSE(CheckInteger("\xff\x80"s, "i").ok());
  EXPECT_FALSE(CheckInteger("", "i").ok());
  EXPECT_EQ(StripSignOctet("\x00\x80"s), "\x80"s);
  EXPECT_EQ(StripSignOctet("\x00"s), "\x00"s);
  EXPECT_EQ(UnsignedToDecimal("\x07\x83\x18"s), "492312");
  EXPECT_EQ(UnsignedToDecimal("\x00"s), "0");
  EXPECT_EQ(UnsignedToDecimal("\x01\x00\x00\x00\x00\x00\x00\x00\x00"s), "18446744073709551616");
  EXPECT_EQ(*SmallInt("\x0a"s, "i"), 10);
  EXPECT_FALSE(SmallInt("\x80"s, "i").ok());
}

TEST(DerReader, Times) {
  auto parse = [](uint8_t tag, const std::string& s) {
    Tlv t;
    t.tag = tag;
    t.contents = s;
    return ParseTime(t, "t");
  };
  EXPECT_EQ(*parse(kUtcTime, "260228230000Z"), absl::FromUnixSeconds(1772319600));
  EXPECT_EQ(*parse(kUtcTime, "500101000000Z"), absl::FromUnixSeconds(-631152000));
  EXPECT_EQ(*parse(kGeneralizedTime, "20491231235959Z"), absl::FromUnixSeconds(2524607999));
  EXPECT_EQ(*parse(kGeneralizedTime, "20240229000000Z"), absl::FromUnixSeconds(1709164800));
  for (const char* bad : {"2602282300Z", "260228230000", "260228230000+0900", "261328230000Z",
                          "260230230000Z", "260228240000Z", "2602282300600Z", "26022823000aZ"}) {
    EXPECT_FALSE(parse(kUtcTime, bad).ok()) << bad;
  }
  EXPECT_FALSE(parse(kGeneralizedTime, "20230229000000Z").ok());
  EXPECT_FALSE(parse(kGeneralizedTime, "20240101000000.5Z").ok());
  EXPECT_FALSE(parse(kOctetString, "260228230000Z").ok());
}

TEST(DerReader, Oids) {
  EXPECT_EQ(*OidToString("\x55\x1d\x14"s), "2.5.29.20");
  EXPECT_EQ(*OidToString("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b"s), "1.2.840.113549.1.1.11");
  EXPECT_FALSE(OidToString("\x2a\x86"s).ok());
  EXPECT_FALSE(OidToString("\x2a\x80\x01"s).ok());
}

}  // namespace
}  // namespace kensho::crl::der
