// Small helpers shared by the end-to-end tests.
#ifndef KENSHO_TESTS_E2E_UTIL_H_
#define KENSHO_TESTS_E2E_UTIL_H_

#include <string>

#include "conformance/json.h"
#include "tools/jpki_sim/world.h"

namespace kensho::testing {

// The whole file, or "" when it cannot be read.
std::string ReadFile(const std::string& path);

// The text of `v[key]`, or "" when absent.
std::string Str(const conformance::JsonValue& v, const char* key);

// Options for a test's jpki_sim world: `people` people from `seed` in `dir`,
// `key_pool_size` keys, "now" the current whole second. Callers change the
// rest (workloads, scale CRLs, another now) before sim::GenerateWorld.
sim::WorldOptions TestWorld(const std::string& dir, int people, uint64_t seed, int key_pool_size);

}  // namespace kensho::testing

#endif  // KENSHO_TESTS_E2E_UTIL_H_
