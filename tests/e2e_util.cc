#include "tests/e2e_util.h"

#include <fstream>
#include <iterator>

namespace kensho::testing {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Str(const conformance::JsonValue& v, const char* key) {
  const conformance::JsonValue* f = v.Find(key);
  return f != nullptr ? f->text() : "";
}

}  // namespace kensho::testing
