#include "tools/jpki_sim/ocsp_index.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/jpki_sim/life_events.h"

namespace kensho::sim {
namespace {

std::string IndexTime(absl::Time t) {  // UTCTime text, as `openssl ca` writes it
  return absl::FormatTime("%y%m%d%H%M%SZ", t, absl::UTCTimeZone());
}

}  // namespace

std::string SerialHex(uint64_t serial) {
  if (serial == 0) return "00";
  std::string hex = absl::StrFormat("%X", serial);
  if (hex.size() % 2) hex.insert(hex.begin(), '0');
  return hex;
}

std::string FormatOcspIndex(const std::vector<OcspIndexEntry>& entries) {
  std::string out;
  for (const OcspIndexEntry& e : entries) {
    std::string rev;
    if (e.revoked) {
      rev = absl::StrCat(IndexTime(e.revoked_at), ",", CrlReasonName(e.reason));
      if ((e.reason == kKeyCompromise || e.reason == kCaCompromise) && e.invalidity) {
        absl::StrAppend(&rev, ",", absl::FormatTime("%Y%m%d%H%M%SZ", *e.invalidity, absl::UTCTimeZone()));
      } else if (e.reason == kCertificateHold) {
        absl::StrAppend(&rev, ",holdInstructionReject");
      }
    }
    absl::StrAppend(&out, e.revoked ? "R" : "V", "\t", IndexTime(e.not_after), "\t", rev, "\t",
                    SerialHex(e.serial), "\tunknown\t", e.subject, "\n");
  }
  return out;
}

}  // namespace kensho::sim
