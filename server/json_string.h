// A JSON string literal, for the JSON kensho writes (status page, audit log,
// YAML configs turned into JSON).
#ifndef KENSHO_SERVER_JSON_STRING_H_
#define KENSHO_SERVER_JSON_STRING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace kensho::server {

// `s` as a JSON string literal (quotes included), escaping what RFC 8259
// requires and '<'; bytes that are not UTF-8 are not checked.
std::string JsonString(absl::string_view s);
// The same, appended to *out.
void AppendJsonString(absl::string_view s, std::string* out);

}  // namespace kensho::server

#endif  // KENSHO_SERVER_JSON_STRING_H_
