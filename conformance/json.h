// A small, strict, bounded JSON (RFC 8259) reader for conformance manifests.
//
// Strict: exactly one value surrounded by optional whitespace (space, tab,
// LF, CR); no comments, trailing commas, NaN/Infinity, leading zeros, byte
// order mark, unescaped control characters, invalid UTF-8, lone surrogates
// in \u escapes, or duplicate object keys.
// Bounded: input size, nesting depth and the total number of values are
// capped (JsonLimits), so hostile input costs at most linear time and memory.
// Numbers are kept as their literal text; AsInt64() converts integers.
//
// Thread-safety: a parsed JsonValue is immutable and may be read from any
// number of threads.
#ifndef KENSHO_CONFORMANCE_JSON_H_
#define KENSHO_CONFORMANCE_JSON_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kensho::conformance {

class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string, JsonValue>;

  JsonValue() = default;

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  // False unless a true literal.
  bool bool_value() const { return type_ == Type::kBool && bool_; }
  // The UTF-8 text of a string, the literal text of a number, else empty.
  const std::string& text() const { return text_; }
  // The integer value of a number written without fraction or exponent that
  // fits int64_t; nullopt otherwise (including for non-numbers).
  std::optional<int64_t> AsInt64() const;
  // Elements of an array; empty for other types.
  const std::vector<JsonValue>& elements() const { return elements_; }
  // Members of an object in document order; empty for other types.
  const std::vector<Member>& members() const { return members_; }
  // The member named `key` of an object; nullptr if absent or not an object.
  const JsonValue* Find(absl::string_view key) const;

 private:
  friend class JsonParser;

  Type type_ = Type::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<JsonValue> elements_;
  std::vector<Member> members_;
};

struct JsonLimits {
  size_t max_bytes = 64 << 20;
  int max_depth = 64;
  size_t max_values = 10'000'000;
};

// Parses `text`. InvalidArgument with the byte offset for malformed input,
// ResourceExhausted when a limit is hit.
absl::StatusOr<JsonValue> ParseJson(absl::string_view text, const JsonLimits& limits = {});

}  // namespace kensho::conformance

#endif  // KENSHO_CONFORMANCE_JSON_H_
