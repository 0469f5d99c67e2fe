#include "verify/certificate_facts.h"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "jpki/oids.h"

namespace kensho::verify {
namespace {

std::string OidText(const ASN1_OBJECT* obj) {
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof buf, obj, /*no_name=*/1);
  if (n <= 0 || n >= static_cast<int>(sizeof buf)) return "";
  return std::string(buf, static_cast<size_t>(n));
}

bool HasBasicFourOtherName(X509* x509) {
  GENERAL_NAMES* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x509, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return false;
  bool found = false;
  for (int i = 0; i < sk_GENERAL_NAME_num(names) && !found; ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type == GEN_OTHERNAME &&
        OidText(name->d.otherName->type_id).rfind("1.2.392.200149.8.5.5.", 0) == 0) {
      found = true;
    }
  }
  GENERAL_NAMES_free(names);
  return found;
}

}  // namespace

CertificateFacts ReadCertificateFacts(const Certificate& cert) {
  CertificateFacts f;
  X509* x = cert.x509();
  CERTIFICATEPOLICIES* policies = static_cast<CERTIFICATEPOLICIES*>(
      X509_get_ext_d2i(x, NID_certificate_policies, nullptr, nullptr));
  if (policies != nullptr) {
    for (int i = 0; i < sk_POLICYINFO_num(policies); ++i) {
      f.policy_oids.push_back(OidText(sk_POLICYINFO_value(policies, i)->policyid));
    }
    CERTIFICATEPOLICIES_free(policies);
  }
  const uint32_t usage = X509_get_key_usage(x);
  f.has_key_usage = (X509_get_extension_flags(x) & EXFLAG_KUSAGE) != 0;
  // RFC 5280: no keyUsage extension means no restriction.
  f.digital_signature = !f.has_key_usage || (usage & KU_DIGITAL_SIGNATURE);
  f.non_repudiation = !f.has_key_usage || (usage & KU_NON_REPUDIATION);
  if (EVP_PKEY* key = X509_get0_pubkey(x)) {
    if (EVP_PKEY_is_a(key, "RSA")) f.rsa_bits = EVP_PKEY_get_bits(key);
    f.is_ec = EVP_PKEY_is_a(key, "EC");
  }
  int md_nid = NID_undef;
  int pk_nid = NID_undef;
  int sec_bits = 0;
  uint32_t flags = 0;
  if (X509_get_signature_info(x, &md_nid, &pk_nid, &sec_bits, &flags) == 1) {
    f.sha256_or_stronger = md_nid == NID_sha256 || md_nid == NID_sha384 ||
                           md_nid == NID_sha512 || md_nid == NID_sha3_256 ||
                           md_nid == NID_sha3_384 || md_nid == NID_sha3_512;
  }
  if (HasBasicFourOtherName(x)) {
    f.has_basic_four = true;
    f.basic_four = jpki::ReadBasicFour(x, &f.basic_four_findings);
  }
  return f;
}

}  // namespace kensho::verify
