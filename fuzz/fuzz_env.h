// What the fuzz targets share: a tiny trust store and a fixed validation
// time, so that inputs derived from a jpki_sim world reach the signature,
// path and lifecycle code instead of stopping at "unknown issuer".
//
// Trust, first found wins:
//   $KENSHO_FUZZ_WORLD   a jpki_sim world (trust/jpki-{sign,auth}.pem; the
//                        validation time is its manifest's "now")
//   $KENSHO_SHARED/data/jpki-roots, ../shared/data/jpki-roots
//                        the real JPKI roots (time: kDefaultFuzzNow)
//   none                 an empty trust store (every path fails)
// Caches are off so that an input's outcome never depends on earlier inputs.
#ifndef KENSHO_FUZZ_FUZZ_ENV_H_
#define KENSHO_FUZZ_FUZZ_ENV_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "verify/engine.h"
#include "verify/trust_store.h"

namespace kensho::fuzz {

// 2026-03-01T00:00:00Z; test.sh generates its world with this --now.
absl::Time DefaultFuzzNow();

struct FuzzEnv {
  std::shared_ptr<const verify::TrustStore> trust;
  absl::Time now;
  std::string trust_source;  // for the log line
};

// Built once (thread-safe), never destroyed.
const FuzzEnv& GetFuzzEnv();

// A fresh engine over the shared trust store, without caches.
std::unique_ptr<verify::Engine> NewFuzzEngine();

// Options for one call at the environment's time.
verify::VerifyOptions FuzzVerifyOptions();

}  // namespace kensho::fuzz

#endif  // KENSHO_FUZZ_FUZZ_ENV_H_
