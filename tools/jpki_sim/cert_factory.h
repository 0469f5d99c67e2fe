// Builds JPKI-profile certificates: the self-signed roots and the end-entity
// signature (署名用) and user-authentication (利用者証明用) certificates, with
// RSA-2048 / sha256WithRSAEncryption, following ../shared/docs/jpki-domain.md.
//
// Signing is RSA PKCS#1 v1.5, which is deterministic: the same inputs give
// byte-identical certificates.
#ifndef KENSHO_TOOLS_JPKI_SIM_CERT_FACTORY_H_
#define KENSHO_TOOLS_JPKI_SIM_CERT_FACTORY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/jpki_sim/life_events.h"
#include "tools/jpki_sim/ossl.h"

namespace kensho::sim {

inline constexpr char kSignaturePolicyOid[] = "1.2.392.200149.8.5.1.1.20";
inline constexpr char kAuthPolicyOid[] = "1.2.392.200149.8.5.1.3.30";
inline constexpr char kOtherNameName[] = "1.2.392.200149.8.5.5.1";
inline constexpr char kOtherNameNameFlags[] = "1.2.392.200149.8.5.5.2";
inline constexpr char kOtherNameSex[] = "1.2.392.200149.8.5.5.3";
inline constexpr char kOtherNameBirthDate[] = "1.2.392.200149.8.5.5.4";
inline constexpr char kOtherNameAddress[] = "1.2.392.200149.8.5.5.5";
inline constexpr char kOtherNameAddressFlags[] = "1.2.392.200149.8.5.5.6";

// "JPKI for digital signature" / "JPKI for user authentication".
const char* CaUnitName(CertKind kind);

// C=JP, O=<org>, OU=<CaUnitName>, OU=Japan Agency for Local Authority
// Information Systems. C is a PrintableString, the rest UTF8String, as in the
// real roots. `org` is "JPKI" (production) or "JPKI-TEST".
X509NamePtr RootName(CertKind kind, const std::string& org = "JPKI");

// The per-municipality CRL distribution point (RFC 4514 order):
// CN=<city> CRLDP, OU=<prefecture>, OU=CRL Distribution Points,
// OU=<CaUnitName>, O=<org>, C=JP.
X509NamePtr CrlDistributionPointName(CertKind kind, const std::string& prefecture_romaji,
                                     const std::string& city_romaji, const std::string& org = "JPKI");
// The same as an RFC 4514 string.
std::string CrlDistributionPointText(CertKind kind, const std::string& prefecture_romaji,
                                     const std::string& city_romaji, const std::string& org = "JPKI");

struct RootSpec {
  CertKind kind = CertKind::kSignature;
  std::string org = "JPKI";
  EVP_PKEY* key = nullptr;
  uint64_t serial = 1;
  absl::Time not_before;
  absl::Time not_after;
};
// Self-signed root: keyUsage critical keyCertSign+cRLSign, basicConstraints
// critical CA:TRUE, SKI, a subjectAltName directoryName in Japanese and a CRL
// distribution point naming the root's own DN (the ARL), as the real ones.
absl::StatusOr<X509Ptr> MakeRoot(const RootSpec& spec);

struct EndEntitySpec {
  CertKind kind = CertKind::kSignature;
  const X509* issuer = nullptr;
  EVP_PKEY* issuer_key = nullptr;
  EVP_PKEY* subject_key = nullptr;
  uint64_t serial = 0;
  absl::Time not_before;
  absl::Time not_after;
  std::string common_name;  // opaque id
  std::string org = "JPKI";  // for the CRLDP name
  std::string prefecture_romaji;
  std::string city_romaji;
  // Signature certificates only: the basic 4 and substitute-character flags.
  std::string name, name_flags, sex, birth_date, address, address_flags;
};
// Signature cert: subject C=JP, L=<prefecture>, L=<city>, CN=<id>;
// certificatePolicies (critical) 1.2.392.200149.8.5.1.1.20; keyUsage
// (critical) digitalSignature+nonRepudiation; SAN otherNames for the basic 4.
// Auth cert: subject C=JP, CN=<id>; policy 1.2.392.200149.8.5.1.3.30 (also
// critical); keyUsage (critical) digitalSignature. Both: CRLDP DirName, AKI,
// SKI.
absl::StatusOr<X509Ptr> MakeEndEntity(const EndEntitySpec& spec);

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_CERT_FACTORY_H_
