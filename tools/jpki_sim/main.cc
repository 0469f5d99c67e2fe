// jpki_sim: writes a simulated JPKI world (see README.md).
//   bazel run //tools/jpki_sim -- --out=DIR --people=N --seed=N
//       [--now=2026-01-01T00:00:00Z] [--key_pool=DIR] [--key_pool_size=64]
//       [--scale_crl_entries=N] [--workloads=false]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tools/jpki_sim/world.h"

ABSL_FLAG(std::string, out, "", "output directory (required)");
ABSL_FLAG(int, people, 200, "number of simulated residents");
ABSL_FLAG(uint64_t, seed, 1, "random seed");
ABSL_FLAG(std::string, now, "", "the world's current time, RFC 3339 (default: the clock)");
ABSL_FLAG(std::string, key_pool, "", "directory of reusable test keys (default: OUT/keypool)");
ABSL_FLAG(int, key_pool_size, 64, "number of end-entity keys in the pool");
ABSL_FLAG(int64_t, scale_crl_entries, 0, "if > 0, also write crl/scale.crl with this many entries");
ABSL_FLAG(bool, workloads, true, "write signed documents, login assertions and certificate items");

namespace {

// `bazel run` starts the binary in its runfiles tree; resolve relative paths
// against the directory the user ran bazel from.
std::string FromUserDir(const std::string& path) {
  const char* wd = getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || path[0] == '/' || wd == nullptr || *wd == '\0') return path;
  return std::string(wd) + "/" + path;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  kensho::sim::WorldOptions o;
  o.out_dir = FromUserDir(absl::GetFlag(FLAGS_out));
  if (o.out_dir.empty()) {
    fprintf(stderr, "jpki_sim: --out is required\n");
    return 2;
  }
  o.people = absl::GetFlag(FLAGS_people);
  o.seed = absl::GetFlag(FLAGS_seed);
  o.key_pool_dir = FromUserDir(absl::GetFlag(FLAGS_key_pool));
  o.key_pool_size = absl::GetFlag(FLAGS_key_pool_size);
  o.scale_crl_entries = absl::GetFlag(FLAGS_scale_crl_entries);
  o.with_workloads = absl::GetFlag(FLAGS_workloads);
  const std::string now = absl::GetFlag(FLAGS_now);
  if (now.empty()) {
    o.now = absl::Now();
  } else {
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, now, &o.now, &err)) {
      fprintf(stderr, "jpki_sim: bad --now %s: %s\n", now.c_str(), err.c_str());
      return 2;
    }
  }
  const absl::Time start = absl::Now();
  kensho::sim::WorldStats stats;
  absl::Status s = kensho::sim::GenerateWorld(o, &stats);
  if (!s.ok()) {
    fprintf(stderr, "jpki_sim: %s\n", s.ToString().c_str());
    return 1;
  }
  printf("jpki_sim: wrote %s: %d people, %d certificates, %d items, %d CRL partitions, %d keys generated, %.2f s\n",
         o.out_dir.c_str(), o.people, stats.certificates, stats.items, stats.partitions, stats.keys_generated,
         absl::ToDoubleSeconds(absl::Now() - start));
  return 0;
}
