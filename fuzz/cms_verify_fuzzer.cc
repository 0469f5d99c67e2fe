// The full CMS path: Engine::VerifySignedDocument (verify/engine.h) with a
// tiny trust store (fuzz_env.h), attached and detached.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "absl/strings/string_view.h"
#include "fuzz/fuzz_env.h"
#include "verify/engine.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  kensho::fuzz::GetFuzzEnv();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static kensho::verify::Engine* engine = kensho::fuzz::NewFuzzEngine().release();
  absl::string_view cms(reinterpret_cast<const char*>(data), size);
  kensho::verify::VerifyOptions options = kensho::fuzz::FuzzVerifyOptions();
  auto verdict = engine->VerifySignedDocument(cms, "", options);
  if (verdict.ok()) {
    // Detached, and as of the signing time: other branches of the same input.
    options.use_signing_time = true;
    (void)engine->VerifySignedDocument(cms, "kensho fuzz detached content", options);
  }
  return 0;
}
