#include "conformance/json.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace kensho::conformance {
namespace {

TEST(JsonTest, ParsesAWycheproofLikeDocument) {
  auto doc = ParseJson(R"( {
    "algorithm": "ECDSA", "numberOfTests": 2,
    "header": ["a", "b"],
    "testGroups": [{"tests": [
      {"tcId": 1, "flags": [], "msg": "", "result": "valid"},
      {"tcId": -7, "flags": ["X"], "ok": true, "no": false, "none": null, "f": 1.5e-3}
    ]}]
  } )");
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_TRUE(doc->is_object());
  EXPECT_EQ(doc->Find("algorithm")->text(), "ECDSA");
  EXPECT_EQ(doc->Find("numberOfTests")->AsInt64(), 2);
  EXPECT_EQ(doc->Find("missing"), nullptr);
  const auto& tests = doc->Find("testGroups")->elements()[0].Find("tests")->elements();
  ASSERT_EQ(tests.size(), 2u);
  EXPECT_EQ(tests[0].Find("msg")->text(), "");
  EXPECT_TRUE(tests[0].Find("flags")->is_array());
  EXPECT_EQ(tests[1].Find("tcId")->AsInt64(), -7);
  EXPECT_TRUE(tests[1].Find("ok")->bool_value());
  EXPECT_TRUE(tests[1].Find("no")->is_bool());
  EXPECT_FALSE(tests[1].Find("no")->bool_value());
  EXPECT_TRUE(tests[1].Find("none")->is_null());
  EXPECT_EQ(tests[1].Find("f")->text(), "1.5e-3");
  EXPECT_EQ(tests[1].Find("f")->AsInt64(), std::nullopt);
  EXPECT_EQ(doc->Find("algorithm")->AsInt64(), std::nullopt);
}

TEST(JsonTest, StringEscapesAndUtf8) {
  auto v = ParseJson(R"("a\"\\\/\b\f\n\r\t\u00e9\u6a5c\ud83d\ude00")");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->text(), "a\"\\/\b\f\n\r\t\xc3\xa9\xe6\xa9\x9c\xf0\x9f\x98\x80");
  auto raw = ParseJson("\"検証\"");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->text(), "検証");
}

TEST(JsonTest, Int64Bounds) {
  EXPECT_EQ(ParseJson("9223372036854775807")->AsInt64(), INT64_MAX);
  EXPECT_EQ(ParseJson("-9223372036854775808")->AsInt64(), INT64_MIN);
  EXPECT_EQ(ParseJson("9223372036854775808")->AsInt64(), std::nullopt);
  EXPECT_EQ(ParseJson("-9223372036854775809")->AsInt64(), std::nullopt);
  EXPECT_EQ(ParseJson("0")->AsInt64(), 0);
  EXPECT_EQ(ParseJson("-0")->AsInt64(), 0);
}

TEST(JsonTest, RejectsWhatRfc8259Rejects) {
  const char* bad[] = {
      "",
      " ",
      "{",
      "[1,]",
      "{\"a\":1,}",
      "{\"a\" 1}",
      "{a:1}",
      "01",
      "-",
      "1.",
      ".5",
      "1e",
      "+1",
      "NaN",
      "Infinity",
      "tru",
      "nul",
      "\"abc",
      "\"\\x\"",
      "\"\\u12\"",
      "\"\\ud800\"",
      "\"\\udc00\"",
      "\"\\ud800\\u0041\"",
      "\"tab\there\"",
      "\"\xc0\xaf\"",          // overlong '/'
      "\"\xed\xa0\x80\"",      // UTF-8 surrogate
      "\"\xf4\x90\x80\x80\"",  // > U+10FFFF
      "\"\xe6\xa9\"",          // truncated
      "\"\xff\"",
      "\xef\xbb\xbf{}",        // BOM
      "{} {}",
      "[1] x",
      "// c\n1",
      "{\"a\":1,\"a\":2}",
      "[\x0b]",
  };
  for (const char* text : bad) {
    auto v = ParseJson(text);
    EXPECT_FALSE(v.ok()) << "accepted: " << text;
    if (!v.ok()) {
      EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << text;
    }
  }
}

TEST(JsonTest, LimitsAreEnforced) {
  JsonLimits limits;
  limits.max_depth = 8;
  EXPECT_TRUE(ParseJson("[[[[[[[[1]]]]]]]]", limits).ok());
  EXPECT_EQ(ParseJson("[[[[[[[[[1]]]]]]]]]", limits).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ParseJson("{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{}}}}}}}}}", limits)
                .status()
                .code(),
            absl::StatusCode::kResourceExhausted);
  // Deep nesting with default limits neither crashes nor recurses unboundedly.
  std::string deep(100000, '[');
  EXPECT_EQ(ParseJson(deep).status().code(), absl::StatusCode::kResourceExhausted);

  JsonLimits small;
  small.max_bytes = 4;
  EXPECT_TRUE(ParseJson("[12]", small).ok());
  EXPECT_EQ(ParseJson("[123]", small).status().code(), absl::StatusCode::kResourceExhausted);

  JsonLimits few;
  few.max_values = 3;
  EXPECT_TRUE(ParseJson("[1,2]", few).ok());
  EXPECT_EQ(ParseJson("[1,2,3]", few).status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(JsonTest, ManyKeysAreCheckedForDuplicatesQuickly) {
  std::string obj = "{";
  for (int i = 0; i < 50000; ++i) {
    if (i > 0) obj += ",";
    obj += "\"k" + std::to_string(i) + "\":" + std::to_string(i);
  }
  obj += "}";
  auto v = ParseJson(obj);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->members().size(), 50000u);
  EXPECT_EQ(v->Find("k49999")->AsInt64(), 49999);
  obj.back() = ',';
  obj += "\"k7\":0}";
  EXPECT_FALSE(ParseJson(obj).ok());
}

}  // namespace
}  // namespace kensho::conformance
