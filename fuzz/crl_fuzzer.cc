// The streaming CRL parser (crl/crl_parser.h): ParseCrl, then every entry
// with ForEachRevokedEntry; release offsets must be monotonic and inside the
// input, and the entry count must match the header.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "crl/crl_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view der(reinterpret_cast<const char*>(data), size);
  size_t released = 0;
  kensho::crl::CrlParseOptions options;
  options.max_entries = 100000;
  options.release_before = [&](size_t offset) {
    if (offset < released || offset > size) std::abort();
    released = offset;
  };
  auto crl = kensho::crl::ParseCrl(der, options);
  if (!crl.ok()) return 0;
  if (crl->header.entry_count < 0) std::abort();
  (void)kensho::crl::SignatureAlgorithmName(crl->header.signature_algorithm);
  int64_t seen = 0;
  size_t released2 = 0;
  absl::Status s = kensho::crl::ForEachRevokedEntry(
      *crl,
      [&](const kensho::crl::RevokedEntry& e) {
        ++seen;
        if (e.serial.empty()) std::abort();
        if (e.serial.data() < der.data() || e.serial.data() + e.serial.size() > der.data() + size) {
          std::abort();
        }
        return absl::OkStatus();
      },
      [&](size_t offset) {
        if (offset < released2 || offset > size) std::abort();
        released2 = offset;
      });
  // ParseCrl checked every entry: streaming them again must not fail.
  if (!s.ok() || seen != crl->header.entry_count) std::abort();
  return 0;
}
