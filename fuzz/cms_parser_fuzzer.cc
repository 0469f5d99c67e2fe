// ParseSignedData (verify/cms_signed_data.h) on arbitrary bytes: every view
// it returns must lie inside the input, and SignedPieces() must cover exactly
// the signed attributes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "verify/cms_signed_data.h"

namespace {

// Aborts (a finding) when `part` is not inside `whole`.
void CheckInside(absl::string_view whole, absl::string_view part) {
  if (part.empty()) return;
  if (part.data() < whole.data() || part.data() + part.size() > whole.data() + whole.size()) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view der(reinterpret_cast<const char*>(data), size);
  auto view = kensho::verify::ParseSignedData(der);
  if (!view.ok()) return 0;
  CheckInside(der, view->content_type);
  if (view->content.has_value()) CheckInside(der, *view->content);
  if (view->certificates.size() > kensho::verify::kMaxCmsCertificates) std::abort();
  if (view->signers.empty() || view->signers.size() > kensho::verify::kMaxCmsSigners) std::abort();
  for (absl::string_view cert : view->certificates) CheckInside(der, cert);
  for (const auto& s : view->signers) {
    CheckInside(der, s.issuer_der);
    CheckInside(der, s.serial);
    CheckInside(der, s.subject_key_id);
    CheckInside(der, s.digest_algorithm);
    CheckInside(der, s.digest_oid);
    CheckInside(der, s.signature_algorithm);
    CheckInside(der, s.signature);
    if (s.signed_attributes.has_value()) {
      const auto& a = *s.signed_attributes;
      CheckInside(der, a.whole);
      if (a.content_type) CheckInside(der, *a.content_type);
      if (a.message_digest) CheckInside(der, *a.message_digest);
      const auto pieces = s.SignedPieces();
      if (pieces[0] != "\x31" || pieces[0].size() + pieces[1].size() != a.whole.size()) std::abort();
      CheckInside(der, pieces[1]);
    }
  }
  return 0;
}
