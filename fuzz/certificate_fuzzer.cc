// Certificate::ParseDer + ReadCertificateFacts (verify/certificate.h,
// verify/certificate_facts.h; the latter runs the JPKI basic-4 reader,
// jpki/basic_four.h), then Engine::ValidateCertificate over the result.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "fuzz/fuzz_env.h"
#include "verify/certificate.h"
#include "verify/certificate_facts.h"
#include "verify/engine.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  kensho::fuzz::GetFuzzEnv();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static kensho::verify::Engine* engine = kensho::fuzz::NewFuzzEngine().release();
  absl::string_view der(reinterpret_cast<const char*>(data), size);
  auto cert = kensho::verify::Certificate::ParseDer(der);
  if (!cert.ok()) return 0;
  if ((*cert)->der() != der) std::abort();  // trailing bytes must be refused
  kensho::verify::CertificateFacts facts = kensho::verify::ReadCertificateFacts(**cert);
  size_t n = facts.policy_oids.size() + facts.basic_four_findings.size();
  n += facts.basic_four.name.size() + facts.basic_four.address.size();
  (void)n;
  for (auto use : {kensho::jpki::IntendedUse::kAny, kensho::jpki::IntendedUse::kDocumentSigning}) {
    (void)engine->ValidateCertificate(der, {}, use, kensho::fuzz::FuzzVerifyOptions());
  }
  return 0;
}
