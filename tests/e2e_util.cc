#include "tests/e2e_util.h"

#include <cstdint>

#include "base/file_io.h"

namespace kensho::testing {

std::string ReadFile(const std::string& path) {
  absl::StatusOr<std::string> data = ReadFileBounded(path, int64_t{1} << 30);
  return data.ok() ? *std::move(data) : std::string();
}

std::string Str(const conformance::JsonValue& v, const char* key) {
  const conformance::JsonValue* f = v.Find(key);
  return f != nullptr ? f->text() : "";
}

}  // namespace kensho::testing
