#include "jpki/profile_finding.h"

namespace kensho::jpki {

bool HasFinding(const std::vector<ProfileFinding>& findings,
                absl::string_view code) {
  for (const ProfileFinding& f : findings) {
    if (f.code == code) return true;
  }
  return false;
}

bool HasProfileViolation(const std::vector<ProfileFinding>& findings) {
  for (const ProfileFinding& f : findings) {
    if (!f.informational) return true;
  }
  return false;
}

}  // namespace kensho::jpki
