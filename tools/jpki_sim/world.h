// A seeded, realistic JPKI test world: roots (three generations per CA sharing
// one DN, plus an O=JPKI-TEST pair and a stray look-alike), a population with
// life events, their certificates, per-municipality CRLs, OpenSSL OCSP index
// files, signed-document / login / certificate workloads (good and broken),
// and manifest.json with the verdict a correct validator gives for each item
// at `now`. Layout and manifest schema: tools/jpki_sim/README.md.
//
// Determinism: the same options (seed, now, people) and the same key pool
// give byte-identical output, because every random choice comes from the
// seed and RSA PKCS#1 v1.5 signatures are deterministic.
//
// Everything here, including keys/ and the key pool, is TEST MATERIAL ONLY.
#ifndef KENSHO_TOOLS_JPKI_SIM_WORLD_H_
#define KENSHO_TOOLS_JPKI_SIM_WORLD_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace kensho::sim {

struct WorldOptions {
  std::string out_dir;
  int people = 200;
  uint64_t seed = 1;
  // Required: the world's "now" (truncated to whole seconds). Callers pass
  // the clock (absl::Now()) or a fixed time for reproducible worlds.
  absl::Time now;
  std::string key_pool_dir;  // empty = out_dir/keypool
  int key_pool_size = 64;    // end-entity keys (the 9 CA keys come on top)
  bool with_workloads = true;
  int64_t scale_crl_entries = 0;  // > 0: also write crl/scale.crl with this many entries
};

struct WorldStats {
  int certificates = 0;
  int items = 0;
  int partitions = 0;
  int keys_generated = 0;  // 0 = the key pool was warm
};

// Writes everything under options.out_dir; manifest.json last and atomically
// (it is removed first), so a half-written world is never taken for a
// complete one.
absl::Status GenerateWorld(const WorldOptions& options);
absl::Status GenerateWorld(const WorldOptions& options, WorldStats* stats);

// True if out_dir/manifest.json exists, is valid JSON and has version 1 and
// an items list.
bool WorldIsComplete(const std::string& out_dir);

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_WORLD_H_
