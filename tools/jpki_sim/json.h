// A tiny JSON writer (and a syntax checker) for the manifest. No JSON library
// is available in the tree; this is just enough, with correct escaping of UTF-8
// text (non-ASCII passes through verbatim, control characters are \u-escaped).
#ifndef KENSHO_TOOLS_JPKI_SIM_JSON_H_
#define KENSHO_TOOLS_JPKI_SIM_JSON_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

namespace kensho::sim {

// Appends `s` as a quoted JSON string. Invalid UTF-8 bytes become U+FFFD.
void AppendJsonString(std::string* out, absl::string_view s);

// Streaming writer with two-space indentation. Usage:
//   JsonWriter w; w.BeginObject(); w.Key("a"); w.Int(1); w.EndObject();
// Misuse (a value without a key inside an object) is the caller's bug.
class JsonWriter {
 public:
  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(absl::string_view key);
  void String(absl::string_view value);
  void Int(int64_t value);
  void Uint(uint64_t value);
  void Bool(bool value);
  // Shorthands for a key and a value.
  void Field(absl::string_view key, absl::string_view value) { Key(key); String(value); }
  void Field(absl::string_view key, const char* value) { Key(key); String(value); }
  void FieldInt(absl::string_view key, int64_t value) { Key(key); Int(value); }
  void FieldBool(absl::string_view key, bool value) { Key(key); Bool(value); }
  // Compact mode: the next container and everything inside it on one line.
  void SetCompact(bool compact) { compact_next_ = compact; }

  const std::string& str() const { return out_; }
  std::string Release() { return std::move(out_); }

 private:
  void BeforeValue();
  void Newline();
  struct Level {
    bool first = true;
    bool compact = false;
  };
  std::string out_;
  std::vector<Level> stack_;
  bool after_key_ = false;
  bool compact_next_ = false;
};

// True if `text` is one syntactically valid JSON value (with only whitespace
// around it). Does not build a tree.
bool IsValidJson(absl::string_view text);

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_JSON_H_
