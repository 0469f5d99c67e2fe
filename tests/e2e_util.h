// Small helpers shared by the end-to-end tests.
#ifndef KENSHO_TESTS_E2E_UTIL_H_
#define KENSHO_TESTS_E2E_UTIL_H_

#include <string>

#include "conformance/json.h"

namespace kensho::testing {

// The whole file, or "" when it cannot be read.
std::string ReadFile(const std::string& path);

// The text of `v[key]`, or "" when absent.
std::string Str(const conformance::JsonValue& v, const char* key);

}  // namespace kensho::testing

#endif  // KENSHO_TESTS_E2E_UTIL_H_
