#include "tools/jpki_sim/json.h"

#include "gtest/gtest.h"

namespace kensho::sim {
namespace {

std::string Quote(absl::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

TEST(JsonTest, Escaping) {
  EXPECT_EQ(Quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Quote("x\ny\tz"), "\"x\\ny\\tz\"");
  EXPECT_EQ(Quote(absl::string_view("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(Quote("山形県　飯豊町"), "\"山形県　飯豊町\"");        // UTF-8 passes through
  EXPECT_EQ(Quote("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");     // 4-byte sequence
  EXPECT_EQ(Quote("a\xFF" "b"), "\"a\xEF\xBF\xBD" "b\"");            // invalid byte
  EXPECT_EQ(Quote("\xE5\xB1"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");      // truncated sequence
  EXPECT_EQ(Quote("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");      // overlong
  EXPECT_EQ(Quote("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
}

TEST(JsonTest, WriterOutputIsValid) {
  JsonWriter w;
  w.BeginObject();
  w.FieldInt("version", 1);
  w.Field("name", "山田　太郎 \"x\"");
  w.Key("list");
  w.BeginArray();
  for (int i = 0; i < 3; ++i) {
    w.SetCompact(true);
    w.BeginObject();
    w.FieldInt("i", i);
    w.FieldBool("b", i % 2 == 0);
    w.Key("empty");
    w.BeginObject();
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.Key("none");
  w.BeginArray();
  w.EndArray();
  w.EndObject();
  EXPECT_TRUE(IsValidJson(w.str())) << w.str();
  EXPECT_NE(w.str().find("{\"i\": 0, \"b\": true, \"empty\": {}}"), std::string::npos) << w.str();
  EXPECT_NE(w.str().find("\"none\": []"), std::string::npos) << w.str();
}

TEST(JsonTest, Checker) {
  EXPECT_TRUE(IsValidJson("{}"));
  EXPECT_TRUE(IsValidJson(" [1, -2.5e3, \"a\\u00e9\", true, false, null] "));
  EXPECT_FALSE(IsValidJson(""));
  EXPECT_FALSE(IsValidJson("{\"a\": 1"));
  EXPECT_FALSE(IsValidJson("{\"a\": 1,}"));
  EXPECT_FALSE(IsValidJson("[1] x"));
  EXPECT_FALSE(IsValidJson("\"a\nb\""));
  EXPECT_FALSE(IsValidJson("01x"));
}

}  // namespace
}  // namespace kensho::sim
