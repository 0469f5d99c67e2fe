// Trust profiles: named sets of trust anchors (all generations of a root),
// loaded once from operator-configured files.
//
// JPKI roots of different generations share one DN, so anchors are looked up
// by key identifier and confirmed by signature, never by name alone. A CA
// certificate that arrives with a request is never an anchor: only files
// named in the configuration are.
//
// Thread-safety: immutable after Create(); share as shared_ptr<const>.
#ifndef KENSHO_VERIFY_TRUST_STORE_H_
#define KENSHO_VERIFY_TRUST_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "verify/certificate.h"

namespace kensho::verify {

// What the configuration says about one profile.
struct TrustProfileSpec {
  std::string name;
  std::vector<std::string> anchor_files;
  std::vector<std::string> intermediate_files;
  // O=JPKI-TEST hierarchies are refused unless allowed.
  bool allow_test_roots = false;
};

struct TrustAnchor {
  CertificateRef certificate;
  // For people and verdicts: file, validity years, short fingerprint.
  std::string label;
  bool test_hierarchy = false;
};

struct TrustProfile {
  std::string name;
  std::vector<TrustAnchor> anchors;
  std::vector<CertificateRef> intermediates;
  bool allow_test_roots = false;
};

class TrustStore {
 public:
  // Reads every file. Fails, naming the profile and file, on an unreadable
  // or empty file, a non-CA anchor, a duplicate profile name, or a test root
  // in a profile that does not allow them.
  static absl::StatusOr<std::shared_ptr<const TrustStore>> Create(
      const std::vector<TrustProfileSpec>& specs);

  // nullptr when no profile has that name.
  const TrustProfile* Find(absl::string_view name) const;
  const std::vector<TrustProfile>& profiles() const { return profiles_; }

 private:
  std::vector<TrustProfile> profiles_;
};

// True when the certificate's subject has O=JPKI-TEST.
bool IsTestHierarchy(const Certificate& cert);

}  // namespace kensho::verify

#endif  // KENSHO_VERIFY_TRUST_STORE_H_
