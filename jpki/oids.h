// Object identifiers of the JPKI end-entity profile.
//
// Dotted-decimal strings, as OBJ_obj2txt(..., no_name=1) prints them.
// The certificate-policy OIDs are known only from third parties, so they are
// defaults of JpkiOids, which configuration may override; code must read the
// policy OIDs from a JpkiOids instance, never from the constants directly.
// The basic-4 otherName OIDs are fixed by the profile.
#ifndef KENSHO_JPKI_OIDS_H_
#define KENSHO_JPKI_OIDS_H_

#include <string>

namespace kensho::jpki {

// certificatePolicies of the signature certificate (署名用) [third-party].
inline constexpr char kDefaultSignaturePolicyOid[] =
    "1.2.392.200149.8.5.1.1.20";
// certificatePolicies of the user-authentication certificate [third-party].
inline constexpr char kDefaultAuthPolicyOid[] = "1.2.392.200149.8.5.1.3.30";

// Basic 4 (基本4情報): subjectAltName otherName type-ids in the signature cert.
inline constexpr char kNameOid[] = "1.2.392.200149.8.5.5.1";
inline constexpr char kNameSubstituteFlagsOid[] = "1.2.392.200149.8.5.5.2";
inline constexpr char kSexOid[] = "1.2.392.200149.8.5.5.3";
inline constexpr char kBirthDateOid[] = "1.2.392.200149.8.5.5.4";
inline constexpr char kAddressOid[] = "1.2.392.200149.8.5.5.5";
inline constexpr char kAddressSubstituteFlagsOid[] = "1.2.392.200149.8.5.5.6";

// Policy OIDs in effect. Default-constructed = the third-party values above;
// config replaces them when J-LIS's specification says otherwise.
struct JpkiOids {
  std::string signature_policy = kDefaultSignaturePolicyOid;
  std::string auth_policy = kDefaultAuthPolicyOid;
};

}  // namespace kensho::jpki

#endif  // KENSHO_JPKI_OIDS_H_
