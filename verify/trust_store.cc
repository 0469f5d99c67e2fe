#include "verify/trust_store.h"

#include <openssl/objects.h>
#include <openssl/x509.h>

#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/file_io.h"

namespace kensho::verify {
namespace {

constexpr int64_t kMaxTrustFileBytes = 4 << 20;

std::string Basename(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string AnchorLabel(const std::string& file, const Certificate& cert) {
  return absl::StrCat(Basename(file), " [",
                      absl::FormatTime("%Y-%m-%d", cert.not_before(), absl::UTCTimeZone()),
                      "..",
                      absl::FormatTime("%Y-%m-%d", cert.not_after(), absl::UTCTimeZone()),
                      "] sha256:", cert.sha256_hex().substr(0, 16));
}

absl::StatusOr<std::vector<CertificateRef>> ReadCertificates(
    const std::string& profile, const std::string& file) {
  auto bytes = ReadFileBounded(file, kMaxTrustFileBytes);
  if (!bytes.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "trust profile '", profile, "': ", bytes.status().message()));
  }
  auto certs = Certificate::ParseBundle(*bytes);
  if (!certs.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "trust profile '", profile, "': ", file, ": ", certs.status().message()));
  }
  return certs;
}

}  // namespace

bool IsTestHierarchy(const Certificate& cert) {
  const X509_NAME* name = X509_get_subject_name(cert.x509());
  int index = -1;
  while ((index = X509_NAME_get_index_by_NID(name, NID_organizationName, index)) >= 0) {
    const ASN1_STRING* value =
        X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    absl::string_view text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                           static_cast<size_t>(ASN1_STRING_length(value)));
    if (text == "JPKI-TEST") return true;
  }
  return false;
}

absl::StatusOr<std::shared_ptr<const TrustStore>> TrustStore::Create(
    const std::vector<TrustProfileSpec>& specs) {
  auto store = std::shared_ptr<TrustStore>(new TrustStore());
  std::set<std::string> names;
  for (const TrustProfileSpec& spec : specs) {
    if (spec.name.empty()) {
      return absl::InvalidArgumentError("trust profile without a name");
    }
    if (!names.insert(spec.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("trust profile '", spec.name, "' is defined twice"));
    }
    if (spec.anchor_files.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("trust profile '", spec.name, "' has no anchor_files"));
    }
    TrustProfile profile;
    profile.name = spec.name;
    profile.allow_test_roots = spec.allow_test_roots;
    std::set<std::string> seen;
    for (const std::string& file : spec.anchor_files) {
      auto certs = ReadCertificates(spec.name, file);
      if (!certs.ok()) return certs.status();
      for (CertificateRef& cert : *certs) {
        if (!cert->is_ca()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "trust profile '", spec.name, "': ", file, ": '", cert->subject(),
              "' is not a CA certificate"));
        }
        TrustAnchor anchor;
        anchor.test_hierarchy = IsTestHierarchy(*cert);
        if (anchor.test_hierarchy && !spec.allow_test_roots) {
          return absl::InvalidArgumentError(absl::StrCat(
              "trust profile '", spec.name, "': ", file,
              ": test root (O=JPKI-TEST) refused; set allow_test_roots to use it"));
        }
        if (!seen.insert(cert->sha256()).second) continue;
        anchor.label = AnchorLabel(file, *cert);
        anchor.certificate = std::move(cert);
        profile.anchors.push_back(std::move(anchor));
      }
    }
    for (const std::string& file : spec.intermediate_files) {
      auto certs = ReadCertificates(spec.name, file);
      if (!certs.ok()) return certs.status();
      for (CertificateRef& cert : *certs) profile.intermediates.push_back(std::move(cert));
    }
    store->profiles_.push_back(std::move(profile));
  }
  return std::shared_ptr<const TrustStore>(std::move(store));
}

const TrustProfile* TrustStore::Find(absl::string_view name) const {
  for (const TrustProfile& p : profiles_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace kensho::verify
