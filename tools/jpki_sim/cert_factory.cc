#include "tools/jpki_sim/cert_factory.h"

#include <openssl/x509v3.h>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace kensho::sim {
namespace {

constexpr char kAgency[] = "Japan Agency for Local Authority Information Systems";

bool AddEntry(X509_NAME* name, const char* field, int type, const std::string& value) {
  return X509_NAME_add_entry_by_txt(name, field, type, reinterpret_cast<const unsigned char*>(value.data()),
                                    static_cast<int>(value.size()), -1, 0) == 1;
}
bool AddUtf8(X509_NAME* name, const char* field, const std::string& value) {
  return AddEntry(name, field, V_ASN1_UTF8STRING, value);
}
bool AddCountry(X509_NAME* name) { return AddEntry(name, "C", V_ASN1_PRINTABLESTRING, "JP"); }

GENERAL_NAME* DirNameGeneralName(const X509_NAME* name) {
  GENERAL_NAME* gn = GENERAL_NAME_new();
  gn->type = GEN_DIRNAME;
  gn->d.directoryName = X509_NAME_dup(name);
  return gn;
}

GENERAL_NAME* OtherName(const char* oid, const std::string& utf8) {
  ASN1_UTF8STRING* s = ASN1_UTF8STRING_new();
  ASN1_STRING_set(s, utf8.data(), static_cast<int>(utf8.size()));
  ASN1_TYPE* value = ASN1_TYPE_new();
  ASN1_TYPE_set(value, V_ASN1_UTF8STRING, s);  // encoded as [0] EXPLICIT UTF8String
  GENERAL_NAME* gn = GENERAL_NAME_new();
  GENERAL_NAME_set0_othername(gn, OBJ_txt2obj(oid, 1), value);
  return gn;
}

// Adds an extension from its OpenSSL config text (e.g. "critical,CA:TRUE").
absl::Status AddConfExt(X509* cert, const X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, const_cast<X509*>(issuer), cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return OpenSslError(absl::StrCat("extension ", OBJ_nid2sn(nid), "=", value));
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (!ok) return OpenSslError("X509_add_ext");
  return absl::OkStatus();
}

absl::Status AddCrlDp(X509* cert, const X509_NAME* dp_name) {
  CRL_DIST_POINTS* dps = sk_DIST_POINT_new_null();
  DIST_POINT* dp = DIST_POINT_new();
  dp->distpoint = DIST_POINT_NAME_new();
  dp->distpoint->type = 0;  // fullName
  dp->distpoint->name.fullname = sk_GENERAL_NAME_new_null();
  sk_GENERAL_NAME_push(dp->distpoint->name.fullname, DirNameGeneralName(dp_name));
  sk_DIST_POINT_push(dps, dp);
  int ok = X509_add1_ext_i2d(cert, NID_crl_distribution_points, dps, 0, X509V3_ADD_APPEND);
  CRL_DIST_POINTS_free(dps);
  if (ok != 1) return OpenSslError("crlDistributionPoints");
  return absl::OkStatus();
}

// certificatePolicies (critical) with one policy OID and no qualifiers.
absl::Status AddPolicy(X509* cert, const char* oid) {
  CERTIFICATEPOLICIES* pols = sk_POLICYINFO_new_null();
  POLICYINFO* pi = POLICYINFO_new();
  ASN1_OBJECT_free(pi->policyid);
  pi->policyid = OBJ_txt2obj(oid, 1);
  sk_POLICYINFO_push(pols, pi);
  int ok = X509_add1_ext_i2d(cert, NID_certificate_policies, pols, 1, X509V3_ADD_APPEND);
  CERTIFICATEPOLICIES_free(pols);
  if (ok != 1) return OpenSslError("certificatePolicies");
  return absl::OkStatus();
}

absl::Status AddSan(X509* cert, GENERAL_NAMES* names) {
  int ok = X509_add1_ext_i2d(cert, NID_subject_alt_name, names, 0, X509V3_ADD_APPEND);
  GENERAL_NAMES_free(names);
  if (ok != 1) return OpenSslError("subjectAltName");
  return absl::OkStatus();
}

absl::Status SetCommon(X509* cert, uint64_t serial, absl::Time not_before, absl::Time not_after,
                       EVP_PKEY* subject_key) {
  if (!X509_set_version(cert, 2) || !ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial) ||
      !SetAsn1Time(X509_getm_notBefore(cert), not_before) || !SetAsn1Time(X509_getm_notAfter(cert), not_after) ||
      !X509_set_pubkey(cert, subject_key)) {
    return OpenSslError("certificate fields");
  }
  return absl::OkStatus();
}

}  // namespace

const char* CaUnitName(CertKind kind) {
  return kind == CertKind::kSignature ? "JPKI for digital signature" : "JPKI for user authentication";
}

X509NamePtr RootName(CertKind kind, const std::string& org) {
  X509NamePtr name(X509_NAME_new());
  AddCountry(name.get());
  AddUtf8(name.get(), "O", org);
  AddUtf8(name.get(), "OU", CaUnitName(kind));
  AddUtf8(name.get(), "OU", kAgency);
  return name;
}

X509NamePtr CrlDistributionPointName(CertKind kind, const std::string& prefecture_romaji,
                                     const std::string& city_romaji, const std::string& org) {
  X509NamePtr name(X509_NAME_new());
  AddCountry(name.get());
  AddUtf8(name.get(), "O", org);
  AddUtf8(name.get(), "OU", CaUnitName(kind));
  AddUtf8(name.get(), "OU", "CRL Distribution Points");
  AddUtf8(name.get(), "OU", prefecture_romaji);
  AddUtf8(name.get(), "CN", absl::StrCat(city_romaji, " CRLDP"));
  return name;
}

std::string CrlDistributionPointText(CertKind kind, const std::string& prefecture_romaji,
                                     const std::string& city_romaji, const std::string& org) {
  return absl::StrCat("CN=", city_romaji, " CRLDP, OU=", prefecture_romaji, ", OU=CRL Distribution Points, OU=",
                      CaUnitName(kind), ", O=", org, ", C=JP");
}

absl::StatusOr<X509Ptr> MakeRoot(const RootSpec& spec) {
  X509Ptr cert(X509_new());
  X509* x = cert.get();
  KENSHO_RETURN_IF_ERROR(SetCommon(x, spec.serial, spec.not_before, spec.not_after, spec.key));
  X509NamePtr name = RootName(spec.kind, spec.org);
  if (!X509_set_subject_name(x, name.get()) || !X509_set_issuer_name(x, name.get())) {
    return OpenSslError("root names");
  }
  KENSHO_RETURN_IF_ERROR(AddConfExt(x, x, NID_key_usage, "critical,keyCertSign,cRLSign"));
  // subjectAltName: the organisation's Japanese name, as on the real roots.
  X509NamePtr ja(X509_NAME_new());
  AddCountry(ja.get());
  bool test = spec.org != "JPKI";
  AddUtf8(ja.get(), "O", test ? "公的個人認証サービス（試験用）" : "公的個人認証サービス");
  AddUtf8(ja.get(), "OU", spec.kind == CertKind::kSignature ? "公的個人認証サービス署名用"
                                                             : "公的個人認証サービス利用者証明用");
  AddUtf8(ja.get(), "OU", "地方公共団体情報システム機構");
  GENERAL_NAMES* san = sk_GENERAL_NAME_new_null();
  sk_GENERAL_NAME_push(san, DirNameGeneralName(ja.get()));
  KENSHO_RETURN_IF_ERROR(AddSan(x, san));
  KENSHO_RETURN_IF_ERROR(AddConfExt(x, x, NID_basic_constraints, "critical,CA:TRUE"));
  KENSHO_RETURN_IF_ERROR(AddCrlDp(x, name.get()));
  KENSHO_RETURN_IF_ERROR(AddConfExt(x, x, NID_subject_key_identifier, "hash"));
  if (X509_sign(x, spec.key, EVP_sha256()) <= 0) return OpenSslError("X509_sign root");
  return cert;
}

absl::StatusOr<X509Ptr> MakeEndEntity(const EndEntitySpec& spec) {
  const bool sign = spec.kind == CertKind::kSignature;
  X509Ptr cert(X509_new());
  X509* x = cert.get();
  KENSHO_RETURN_IF_ERROR(SetCommon(x, spec.serial, spec.not_before, spec.not_after, spec.subject_key));
  X509NamePtr subject(X509_NAME_new());
  AddCountry(subject.get());
  if (sign) {
    AddUtf8(subject.get(), "L", spec.prefecture_romaji);
    AddUtf8(subject.get(), "L", spec.city_romaji);
  }
  AddUtf8(subject.get(), "CN", spec.common_name);
  if (!X509_set_subject_name(x, subject.get()) ||
      !X509_set_issuer_name(x, X509_get_subject_name(spec.issuer))) {
    return OpenSslError("end-entity names");
  }
  KENSHO_RETURN_IF_ERROR(AddConfExt(x, spec.issuer, NID_key_usage,
                                 sign ? "critical,digitalSignature,nonRepudiation" : "critical,digitalSignature"));
  KENSHO_RETURN_IF_ERROR(AddPolicy(x, sign ? kSignaturePolicyOid : kAuthPolicyOid));
  if (sign) {
    GENERAL_NAMES* san = sk_GENERAL_NAME_new_null();
    sk_GENERAL_NAME_push(san, OtherName(kOtherNameName, spec.name));
    sk_GENERAL_NAME_push(san, OtherName(kOtherNameNameFlags, spec.name_flags));
    sk_GENERAL_NAME_push(san, OtherName(kOtherNameSex, spec.sex));
    sk_GENERAL_NAME_push(san, OtherName(kOtherNameBirthDate, spec.birth_date));
    sk_GENERAL_NAME_push(san, OtherName(kOtherNameAddress, spec.address));
    sk_GENERAL_NAME_push(san, OtherName(kOtherNameAddressFlags, spec.address_flags));
    KENSHO_RETURN_IF_ERROR(AddSan(x, san));
  }
  X509NamePtr dp = CrlDistributionPointName(spec.kind, spec.prefecture_romaji, spec.city_romaji, spec.org);
  KENSHO_RETURN_IF_ERROR(AddCrlDp(x, dp.get()));
  KENSHO_RETURN_IF_ERROR(AddConfExt(x, spec.issuer, NID_authority_key_identifier, "keyid:always"));
  KENSHO_RETURN_IF_ERROR(AddConfExt(x, spec.issuer, NID_subject_key_identifier, "hash"));
  if (X509_sign(x, spec.issuer_key, EVP_sha256()) <= 0) return OpenSslError("X509_sign end entity");
  return cert;
}

}  // namespace kensho::sim
