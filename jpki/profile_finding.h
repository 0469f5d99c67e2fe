// A finding about a certificate's conformance to the JPKI profile.
//
// Code tests `code` (a stable UPPER_SNAKE id, listed beside the function that
// produces it); `detail` is for people and may change wording at any time.
// Kept in its own header so rules without OpenSSL (lifecycle_rules) and
// parsers with it (basic_four) share the type without sharing dependencies.
#ifndef KENSHO_JPKI_PROFILE_FINDING_H_
#define KENSHO_JPKI_PROFILE_FINDING_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace kensho::jpki {

struct ProfileFinding {
  std::string code;
  std::string detail;
  // true: worth reporting but the certificate still conforms (e.g. renewal
  // window open, an otherName we do not know). false: breaks the profile.
  bool informational = false;
};

// True when `findings` holds an entry with `code`.
bool HasFinding(const std::vector<ProfileFinding>& findings,
                absl::string_view code);

// True when any finding is not informational.
bool HasProfileViolation(const std::vector<ProfileFinding>& findings);

}  // namespace kensho::jpki

#endif  // KENSHO_JPKI_PROFILE_FINDING_H_
