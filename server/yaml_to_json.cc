#include "server/yaml_to_json.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "jpki/utf8.h"
#include "server/json_string.h"
#include "yaml-cpp/eventhandler.h"
#include "yaml-cpp/exceptions.h"
#include "yaml-cpp/mark.h"
#include "yaml-cpp/parser.h"

namespace kensho::server {
namespace {

// A plain YAML scalar that is a number under the YAML 1.2 core schema
// (decimal only), as a JSON number: "+1.5" -> 1.5, ".5" -> 0.5, "007" -> 7.
// False when it is not one.
bool PlainNumberAsJson(const std::string& s, std::string* json) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  std::string whole, fraction, exponent;
  while (i < s.size() && absl::ascii_isdigit(s[i])) whole.push_back(s[i++]);
  bool dot = false;
  if (i < s.size() && s[i] == '.') {
    dot = true;
    ++i;
    while (i < s.size() && absl::ascii_isdigit(s[i])) fraction.push_back(s[i++]);
  }
  if (whole.empty() && fraction.empty()) return false;
  if (whole.empty() && !dot) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) exponent.push_back(s[i++]);
    const size_t digits = i;
    while (i < s.size() && absl::ascii_isdigit(s[i])) exponent.push_back(s[i++]);
    if (i == digits) return false;
  }
  if (i != s.size()) return false;
  whole.erase(0, std::min(whole.find_first_not_of('0'), whole.size()));
  *json = negative ? "-" : "";
  *json += whole.empty() ? "0" : whole;
  if (!fraction.empty()) *json += "." + fraction;
  if (!exponent.empty()) *json += "e" + exponent;
  return true;
}

// Turns the events of one YAML document into JSON text (the rules are in
// yaml_to_json.h); refusals are thrown as YAML::ParserException with the
// node's mark, as yaml-cpp reports its own syntax errors.
class JsonWriter : public YAML::EventHandler {
 public:
  static constexpr int kMaxDepth = 64;

  // "" for an empty stream.
  const std::string& json() const { return json_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++ > 0) Refuse(mark, "only one YAML document is allowed");
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node(mark, anchor, /*scalar_key=*/nullptr);
    json_ += "null";
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    Refuse(mark, "YAML aliases (*name) are not allowed in the config");
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    // yaml-cpp tags plain scalars "?" and quoted ones "!".
    const bool plain = tag == "?";
    if (!plain && tag != "!" && tag != "tag:yaml.org,2002:str") {
      Refuse(mark, absl::StrCat("YAML tag '", tag, "' is not supported (only !!str)"));
    }
    if (!jpki::IsValidUtf8(value)) Refuse(mark, "not UTF-8");
    if (Node(mark, anchor, &value)) return;  // it was a key
    std::string number;
    if (!plain) {
      AppendJsonString(value, &json_);
    } else if (value.empty() || value == "~" || value == "null" || value == "Null" ||
               value == "NULL") {
      json_ += "null";
    } else if (value == "true" || value == "True" || value == "TRUE") {
      json_ += "true";
    } else if (value == "false" || value == "False" || value == "FALSE") {
      json_ += "false";
    } else if (PlainNumberAsJson(value, &number)) {
      json_ += number;
    } else if (value == ".inf" || value == ".Inf" || value == ".INF" || value == "+.inf" ||
               value == "+.Inf" || value == "+.INF") {
      json_ += "\"Infinity\"";
    } else if (value == "-.inf" || value == "-.Inf" || value == "-.INF") {
      json_ += "\"-Infinity\"";
    } else if (value == ".nan" || value == ".NaN" || value == ".NAN") {
      json_ += "\"NaN\"";
    } else {
      AppendJsonString(value, &json_);
    }
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Container(mark, tag, anchor, /*map=*/false);
  }
  void OnSequenceEnd() override {
    stack_.pop_back();
    json_ += ']';
  }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Container(mark, tag, anchor, /*map=*/true);
  }
  void OnMapEnd() override {
    stack_.pop_back();
    json_ += '}';
  }

 private:
  struct Frame {
    bool map = false;
    bool first = true;
    bool want_key = true;
    std::set<std::string> keys;
  };

  [[noreturn]] static void Refuse(const YAML::Mark& mark, const std::string& message) {
    throw YAML::ParserException(mark, message);
  }

  // Places the next node: writes a separator, or, when the node is a
  // mapping's key, the key itself (returns true). `scalar_key` is the
  // scalar's text, nullptr for null and collections.
  bool Node(const YAML::Mark& mark, YAML::anchor_t anchor, const std::string* scalar_key) {
    if (anchor != YAML::NullAnchor) {
      Refuse(mark, "YAML anchors (&name) are not allowed in the config");
    }
    if (stack_.empty()) return false;
    Frame& top = stack_.back();
    if (!top.first && (!top.map || top.want_key)) json_ += ',';
    top.first = false;
    if (top.map && top.want_key) {
      if (scalar_key == nullptr) Refuse(mark, "a mapping key must be a scalar");
      if (!top.keys.insert(*scalar_key).second) {
        Refuse(mark, absl::StrCat("duplicate key '", *scalar_key, "'"));
      }
      AppendJsonString(*scalar_key, &json_);
      json_ += ':';
      top.want_key = false;
      return true;
    }
    if (top.map) top.want_key = true;
    return false;
  }

  void Container(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                 bool map) {
    const char* standard = map ? "tag:yaml.org,2002:map" : "tag:yaml.org,2002:seq";
    if (tag != "?" && tag != "!" && tag != standard) {
      Refuse(mark, absl::StrCat("YAML tag '", tag, "' is not supported"));
    }
    Node(mark, anchor, nullptr);
    if (stack_.size() >= static_cast<size_t>(kMaxDepth)) {
      Refuse(mark, absl::StrCat("nested deeper than ", kMaxDepth, " levels"));
    }
    stack_.push_back(Frame{map});
    json_ += map ? '{' : '[';
  }

  std::string json_;
  int documents_ = 0;
  std::vector<Frame> stack_;
};

}  // namespace

absl::StatusOr<std::string> YamlToJson(const std::string& yaml) {
  JsonWriter writer;
  try {
    std::istringstream in(yaml);
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(writer)) {
    }
  } catch (const YAML::Exception& e) {
    std::string where;
    if (!e.mark.is_null()) {
      where = absl::StrCat("line ", e.mark.line + 1, ":", e.mark.column + 1, ": ");
    }
    return absl::InvalidArgumentError(absl::StrCat(where, e.msg));
  }
  // An empty file (or a lone null document) is an empty config.
  const std::string& json = writer.json();
  if (json.empty() || json == "null") return std::string("{}");
  return json;
}

}  // namespace kensho::server
