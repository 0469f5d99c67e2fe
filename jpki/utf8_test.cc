#include "jpki/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace kensho::jpki {
namespace {

TEST(IsValidUtf8Test, Table) {
  struct Case {
    std::string in;
    bool ok;
    size_t error_offset;  // checked only when !ok
  } cases[] = {
      {"", true, 0},
      {"abc", true, 0},
      {"山田　太郎", true, 0},               // includes U+3000 ideographic space
      {"山形県西置賜郡飯豊町", true, 0},
      {"国外転出 2024/05/27", true, 0},
      {"\xC2\x80", true, 0},                 // U+0080, smallest 2-byte
      {"\xDF\xBF", true, 0},                 // U+07FF
      {"\xE0\xA0\x80", true, 0},             // U+0800, smallest 3-byte
      {"\xED\x9F\xBF", true, 0},             // U+D7FF, just below surrogates
      {"\xEE\x80\x80", true, 0},             // U+E000, just above
      {"\xEF\xBF\xBF", true, 0},             // U+FFFF
      {"\xF0\x90\x80\x80", true, 0},         // U+10000
      {"\xF4\x8F\xBF\xBF", true, 0},         // U+10FFFF, the maximum
      {"\xF0\xA0\x80\x8B", true, 0},         // 𠀋 (CJK ext. B, in names)
      {std::string("a\0b", 3), true, 0},     // NUL is valid UTF-8
      // Overlongs.
      {"\xC0\xAF", false, 0},
      {"\xC1\xBF", false, 0},
      {"\xE0\x80\xAF", false, 0},
      {"\xE0\x9F\xBF", false, 0},
      {"\xF0\x80\x80\xAF", false, 0},
      {"\xF0\x8F\xBF\xBF", false, 0},
      // Surrogates U+D800..U+DFFF (CESU-8).
      {"\xED\xA0\x80", false, 0},
      {"\xED\xBF\xBF", false, 0},
      {"ok\xED\xB0\x80", false, 2},
      // Above U+10FFFF and invalid lead bytes.
      {"\xF4\x90\x80\x80", false, 0},
      {"\xF5\x80\x80\x80", false, 0},
      {"\xFE", false, 0},
      {"\xFF", false, 0},
      // Stray continuation and truncation.
      {"\x80", false, 0},
      {"a\xBF", false, 1},
      {"\xE5\xB1", false, 0},                // truncated 山
      {"山\xE5", false, 3},
      {"\xE5\x41\xB1", false, 0},            // ASCII inside a sequence
      {"\xF0\x90\x80", false, 0},
      {"\xC2", false, 0},
      // Shift_JIS for 山田 is not UTF-8.
      {"\x8E\x52\x93\x63", false, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.in));
    size_t offset = 12345;
    EXPECT_EQ(IsValidUtf8(c.in, &offset), c.ok);
    if (!c.ok) {
      EXPECT_EQ(offset, c.error_offset);
    }
    EXPECT_EQ(IsValidUtf8(c.in), c.ok);  // null error_offset is allowed
  }
}

TEST(IsValidUtf8Test, EveryTwoByteLead) {
  for (int b0 = 0x80; b0 <= 0xFF; ++b0) {
    const std::string s = {static_cast<char>(b0), '\x80'};
    EXPECT_EQ(IsValidUtf8(s), b0 >= 0xC2 && b0 <= 0xDF) << std::hex << b0;
  }
}

}  // namespace
}  // namespace kensho::jpki
