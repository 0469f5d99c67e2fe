#include "conformance/json.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "jpki/utf8.h"

namespace kensho::conformance {

std::optional<int64_t> JsonValue::AsInt64() const {
  if (type_ != Type::kNumber) return std::nullopt;
  absl::string_view s = text_;
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  // Accumulate negatively so INT64_MIN fits.
  int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;  // fraction or exponent
    int digit = c - '0';
    if (value < (std::numeric_limits<int64_t>::min() + digit) / 10) return std::nullopt;
    value = value * 10 - digit;
  }
  if (negative) return value;
  if (value == std::numeric_limits<int64_t>::min()) return std::nullopt;
  return -value;
}

const JsonValue* JsonValue::Find(absl::string_view key) const {
  for (const Member& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

class JsonParser {
 public:
  JsonParser(absl::string_view text, const JsonLimits& limits) : in_(text), limits_(limits) {}

  absl::StatusOr<JsonValue> Run() {
    if (in_.size() > limits_.max_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("JSON of ", in_.size(), " bytes exceeds ", limits_.max_bytes));
    }
    JsonValue root;
    SkipWhitespace();
    if (!ParseValue(&root, 0)) return status_;
    SkipWhitespace();
    if (pos_ != in_.size()) return Error("trailing characters after the JSON value");
    return root;
  }

 private:
  absl::Status Error(absl::string_view what) {
    Fail(what);
    return status_;
  }
  // Records the first error; false, for `return Fail(...)`.
  bool Fail(absl::string_view what) {
    if (status_.ok()) {
      status_ = absl::InvalidArgumentError(absl::StrCat("JSON: ", what, " at byte ", pos_));
    }
    return false;
  }
  bool Exhausted(absl::string_view what) {
    if (status_.ok()) {
      status_ = absl::ResourceExhaustedError(absl::StrCat("JSON: ", what, " at byte ", pos_));
    }
    return false;
  }

  bool AtEnd() const { return pos_ >= in_.size(); }
  char Peek() const { return in_[pos_]; }

  void SkipWhitespace() {
    while (!AtEnd()) {
      char c = Peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool ConsumeLiteral(absl::string_view word) {
    if (in_.substr(pos_, word.size()) != word) return Fail("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool ParseValue(JsonValue* out, int depth) {
    if (++values_ > limits_.max_values) return Exhausted("too many values");
    if (AtEnd()) return Fail("unexpected end of input");
    switch (Peek()) {
      case '{': return ParseObject(out, depth + 1);
      case '[': return ParseArray(out, depth + 1);
      case '"':
        out->type_ = JsonValue::Type::kString;
        return ParseString(&out->text_);
      case 't':
        out->type_ = JsonValue::Type::kBool;
        out->bool_ = true;
        return ConsumeLiteral("true");
      case 'f':
        out->type_ = JsonValue::Type::kBool;
        out->bool_ = false;
        return ConsumeLiteral("false");
      case 'n':
        out->type_ = JsonValue::Type::kNull;
        return ConsumeLiteral("null");
      default:
        out->type_ = JsonValue::Type::kNumber;
        return ParseNumber(&out->text_);
    }
  }

  bool ParseObject(JsonValue* out, int depth) {
    if (depth > limits_.max_depth) return Exhausted("nesting too deep");
    out->type_ = JsonValue::Type::kObject;
    ++pos_;  // '{'
    SkipWhitespace();
    if (!AtEnd() && Peek() == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipWhitespace();
      if (AtEnd() || Peek() != '"') return Fail("expected a string key");
      JsonValue::Member member;
      if (!ParseString(&member.first)) return false;
      SkipWhitespace();
      if (AtEnd() || Peek() != ':') return Fail("expected ':'");
      ++pos_;
      SkipWhitespace();
      if (!ParseValue(&member.second, depth)) return false;
      out->members_.push_back(std::move(member));
      SkipWhitespace();
      if (AtEnd()) return Fail("unterminated object");
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == '}') {
        ++pos_;
        break;
      }
      return Fail("expected ',' or '}'");
    }
    // Duplicate keys, in O(n log n).
    std::vector<absl::string_view> keys;
    keys.reserve(out->members_.size());
    for (const auto& m : out->members_) keys.push_back(m.first);
    std::sort(keys.begin(), keys.end());
    auto dup = std::adjacent_find(keys.begin(), keys.end());
    if (dup != keys.end()) return Fail(absl::StrCat("duplicate key \"", *dup, "\""));
    return true;
  }

  bool ParseArray(JsonValue* out, int depth) {
    if (depth > limits_.max_depth) return Exhausted("nesting too deep");
    out->type_ = JsonValue::Type::kArray;
    ++pos_;  // '['
    SkipWhitespace();
    if (!AtEnd() && Peek() == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipWhitespace();
      out->elements_.emplace_back();
      if (!ParseValue(&out->elements_.back(), depth)) return false;
      SkipWhitespace();
      if (AtEnd()) return Fail("unterminated array");
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == ']') {
        ++pos_;
        return true;
      }
      return Fail("expected ',' or ']'");
    }
  }

  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  bool ParseNumber(std::string* out) {
    const size_t start = pos_;
    if (!AtEnd() && Peek() == '-') ++pos_;
    if (AtEnd() || !IsDigit(Peek())) return Fail("invalid number");
    if (Peek() == '0') {
      ++pos_;
      if (!AtEnd() && IsDigit(Peek())) return Fail("leading zero in number");
    } else {
      while (!AtEnd() && IsDigit(Peek())) ++pos_;
    }
    if (!AtEnd() && Peek() == '.') {
      ++pos_;
      if (AtEnd() || !IsDigit(Peek())) return Fail("digit expected after '.'");
      while (!AtEnd() && IsDigit(Peek())) ++pos_;
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      ++pos_;
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) ++pos_;
      if (AtEnd() || !IsDigit(Peek())) return Fail("digit expected in exponent");
      while (!AtEnd() && IsDigit(Peek())) ++pos_;
    }
    out->assign(in_.data() + start, pos_ - start);
    return true;
  }

  // Four hex digits after "\u".
  bool ParseHex4(uint32_t* out) {
    if (in_.size() - pos_ < 4) return Fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = in_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        v |= c - 'A' + 10;
      } else {
        return Fail("invalid hex digit in \\u escape");
      }
    }
    *out = v;
    return true;
  }

  // One UTF-8 sequence starting at pos_ (first byte >= 0x80), validated
  // (no overlong forms, no surrogates, at most U+10FFFF) and copied.
  bool CopyUtf8Sequence(std::string* out) {
    const auto b0 = static_cast<unsigned char>(in_[pos_]);
    int len = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // range of the second byte
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      len = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      len = 3;
      if (b0 == 0xe0) lo = 0xa0;
      if (b0 == 0xed) hi = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      len = 4;
      if (b0 == 0xf0) lo = 0x90;
      if (b0 == 0xf4) hi = 0x8f;
    } else {
      return Fail("invalid UTF-8");
    }
    if (in_.size() - pos_ < static_cast<size_t>(len)) return Fail("truncated UTF-8");
    for (int i = 1; i < len; ++i) {
      const auto b = static_cast<unsigned char>(in_[pos_ + i]);
      if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf)) return Fail("invalid UTF-8");
    }
    out->append(in_.data() + pos_, len);
    pos_ += len;
    return true;
  }

  bool ParseString(std::string* out) {
    ++pos_;  // '"'
    while (true) {
      if (AtEnd()) return Fail("unterminated string");
      const auto c = static_cast<unsigned char>(Peek());
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return Fail("control character in string");
      if (c >= 0x80) {
        if (!CopyUtf8Sequence(out)) return false;
        continue;
      }
      if (c != '\\') {
        out->push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      ++pos_;
      if (AtEnd()) return Fail("unterminated escape");
      const char e = in_[pos_++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp = 0;
          if (!ParseHex4(&cp)) return false;
          if (cp >= 0xdc00 && cp <= 0xdfff) return Fail("lone low surrogate");
          if (cp >= 0xd800 && cp <= 0xdbff) {
            if (in_.substr(pos_, 2) != "\\u") return Fail("lone high surrogate");
            pos_ += 2;
            uint32_t low = 0;
            if (!ParseHex4(&low)) return false;
            if (low < 0xdc00 || low > 0xdfff) return Fail("high surrogate without low");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          }
          jpki::AppendUtf8(cp, out);
          break;
        }
        default:
          return Fail("invalid escape");
      }
    }
  }

  absl::string_view in_;
  JsonLimits limits_;
  size_t pos_ = 0;
  size_t values_ = 0;
  absl::Status status_;
};

absl::StatusOr<JsonValue> ParseJson(absl::string_view text, const JsonLimits& limits) {
  return JsonParser(text, limits).Run();
}

}  // namespace kensho::conformance
