#include "tests/e2e_util.h"

#include <cstdint>

#include "absl/time/clock.h"
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

sim::WorldOptions TestWorld(const std::string& dir, int people, uint64_t seed, int key_pool_size) {
  sim::WorldOptions options;
  options.out_dir = dir;
  options.people = people;
  options.seed = seed;
  options.now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  options.key_pool_size = key_pool_size;
  return options;
}

}  // namespace kensho::testing
