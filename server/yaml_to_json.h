// YAML config files as JSON text for the proto3 JSON parser, so that a YAML
// config is checked field by field exactly as a JSON one.
//
// Mappings -> objects (scalar, unique keys), sequences -> arrays; quoted
// scalars and !!str -> strings; plain scalars by the YAML 1.2 core schema:
// null/~/empty -> null, true/false -> booleans, decimal numbers -> numbers,
// .inf/.nan -> "Infinity"/"NaN", anything else -> strings (proto3 JSON takes
// enum names and 64-bit integers as strings).
// Refused, each with "line L:C: ": anchors and aliases (an alias bomb
// expands exponentially once written out as JSON), nesting deeper than 64,
// tags other than !!str, non-scalar or duplicate keys, a second document,
// text that is not UTF-8, and YAML syntax errors.
#ifndef KENSHO_SERVER_YAML_TO_JSON_H_
#define KENSHO_SERVER_YAML_TO_JSON_H_

#include <string>

#include "absl/status/statusor.h"

namespace kensho::server {

// The JSON text of the one document in `yaml`; "{}" for an empty file (as
// an empty textproto is an empty config). InvalidArgument with the line and
// column otherwise.
absl::StatusOr<std::string> YamlToJson(const std::string& yaml);

}  // namespace kensho::server

#endif  // KENSHO_SERVER_YAML_TO_JSON_H_
