#include "absl/strings/string_view.h"
#include "tools/jpki_sim/json.h"

#include <cstdio>

#include "absl/strings/str_cat.h"

namespace kensho::sim {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  unsigned char c = s[i];
  size_t len;
  uint32_t min;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  uint32_t cp = c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = s[i + k];
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

void AppendJsonString(std::string* out, absl::string_view s) {
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c >= 0x80) {
      size_t len = Utf8SequenceLength(s, i);
      if (len == 0) {
        out->append("\xEF\xBF\xBD");
        ++i;
      } else {
        out->append(s.data() + i, len);
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          snprintf(buf, sizeof buf, "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

void JsonWriter::Newline() {
  if (!stack_.empty() && stack_.back().compact) return;
  out_.push_back('\n');
  out_.append(2 * stack_.size(), ' ');
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  Level& l = stack_.back();
  if (!l.first) out_.push_back(',');
  if (l.compact && !l.first) out_.push_back(' ');
  l.first = false;
  Newline();
}

void JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  bool compact = compact_next_ || (!stack_.empty() && stack_.back().compact);
  compact_next_ = false;
  stack_.push_back(Level{true, compact});
}

void JsonWriter::EndObject() {
  Level level = stack_.back();
  stack_.pop_back();
  if (!level.first && !level.compact) Newline();
  out_.push_back('}');
  if (stack_.empty()) out_.push_back('\n');
}

void JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  bool compact = compact_next_ || (!stack_.empty() && stack_.back().compact);
  compact_next_ = false;
  stack_.push_back(Level{true, compact});
}

void JsonWriter::EndArray() {
  Level level = stack_.back();
  stack_.pop_back();
  if (!level.first && !level.compact) Newline();
  out_.push_back(']');
  if (stack_.empty()) out_.push_back('\n');
}

void JsonWriter::Key(absl::string_view key) {
  BeforeValue();
  AppendJsonString(&out_, key);
  out_.append(": ");
  after_key_ = true;
}

void JsonWriter::String(absl::string_view value) {
  BeforeValue();
  AppendJsonString(&out_, value);
}

void JsonWriter::Int(int64_t value) {
  BeforeValue();
  absl::StrAppend(&out_, value);
}

void JsonWriter::Uint(uint64_t value) {
  BeforeValue();
  absl::StrAppend(&out_, value);
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  out_.append(value ? "true" : "false");
}

namespace {

class Checker {
 public:
  explicit Checker(absl::string_view t) : t_(t) {}
  bool Document() {
    Ws();
    if (!Value(0)) return false;
    Ws();
    return i_ == t_.size();
  }

 private:
  void Ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\r' || t_[i_] == '\t')) ++i_;
  }
  bool Lit(absl::string_view w) {
    if (t_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }
  bool Value(int depth) {
    if (depth > 64 || i_ >= t_.size()) return false;
    char c = t_[i_];
    if (c == '{') return Object(depth);
    if (c == '[') return Array(depth);
    if (c == '"') return Str();
    if (c == 't') return Lit("true");
    if (c == 'f') return Lit("false");
    if (c == 'n') return Lit("null");
    return Number();
  }
  bool Object(int depth) {
    ++i_;
    Ws();
    if (i_ < t_.size() && t_[i_] == '}') return ++i_, true;
    while (true) {
      Ws();
      if (i_ >= t_.size() || t_[i_] != '"' || !Str()) return false;
      Ws();
      if (i_ >= t_.size() || t_[i_] != ':') return false;
      ++i_;
      Ws();
      if (!Value(depth + 1)) return false;
      Ws();
      if (i_ >= t_.size()) return false;
      if (t_[i_] == ',') { ++i_; continue; }
      if (t_[i_] == '}') return ++i_, true;
      return false;
    }
  }
  bool Array(int depth) {
    ++i_;
    Ws();
    if (i_ < t_.size() && t_[i_] == ']') return ++i_, true;
    while (true) {
      Ws();
      if (!Value(depth + 1)) return false;
      Ws();
      if (i_ >= t_.size()) return false;
      if (t_[i_] == ',') { ++i_; continue; }
      if (t_[i_] == ']') return ++i_, true;
      return false;
    }
  }
  bool Str() {
    ++i_;
    while (i_ < t_.size()) {
      unsigned char c = t_[i_];
      if (c == '"') return ++i_, true;
      if (c < 0x20) return false;
      if (c == '\\') {
        ++i_;
        if (i_ >= t_.size()) return false;
        char e = t_[i_];
        if (e == 'u') {
          if (i_ + 4 >= t_.size()) return false;
          for (int k = 1; k <= 4; ++k) {
            if (!isxdigit(static_cast<unsigned char>(t_[i_ + k]))) return false;
          }
          i_ += 5;
          continue;
        }
        if (absl::string_view("\"\\/bfnrt").find(e) == absl::string_view::npos) return false;
        ++i_;
        continue;
      }
      ++i_;
    }
    return false;
  }
  bool Number() {
    size_t start = i_;
    if (i_ < t_.size() && t_[i_] == '-') ++i_;
    size_t digits = i_;
    while (i_ < t_.size() && isdigit(static_cast<unsigned char>(t_[i_]))) ++i_;
    if (i_ == digits) return false;
    if (i_ < t_.size() && t_[i_] == '.') {
      ++i_;
      size_t f = i_;
      while (i_ < t_.size() && isdigit(static_cast<unsigned char>(t_[i_]))) ++i_;
      if (i_ == f) return false;
    }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      ++i_;
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      size_t e = i_;
      while (i_ < t_.size() && isdigit(static_cast<unsigned char>(t_[i_]))) ++i_;
      if (i_ == e) return false;
    }
    return i_ > start;
  }
  absl::string_view t_;
  size_t i_ = 0;
};

}  // namespace

bool IsValidJson(absl::string_view text) { return Checker(text).Document(); }

}  // namespace kensho::sim
