#include "verify/certificate.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace kensho::verify {
namespace {

// Upper bound on certificates in one bundle: trust files are operator input,
// but a wrong path must not make the server read thousands of objects.
constexpr size_t kMaxBundleCertificates = 1000;

std::string NameToString(const X509_NAME* name) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "";
  X509_NAME_print_ex(bio, name, 0,
                     (XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB & ~XN_FLAG_SPC_EQ) | ASN1_STRFLGS_UTF8_CONVERT);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

std::string SerialHex(const ASN1_INTEGER* serial) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
  if (bn == nullptr) return "";
  char* hex = BN_bn2hex(bn);
  std::string out = hex ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  return out;
}

// The issuer Name as encoded in the certificate, and the serialNumber's
// content octets (its DER re-encoding minus tag and length).
bool IssuerAndSerialDer(const X509* x509, std::string* issuer_der, std::string* serial) {
  const unsigned char* der = nullptr;
  size_t der_len = 0;
  if (X509_NAME_get0_der(X509_get_issuer_name(x509), &der, &der_len) != 1) return false;
  issuer_der->assign(reinterpret_cast<const char*>(der), der_len);
  unsigned char* enc = nullptr;
  const int len = i2d_ASN1_INTEGER(X509_get0_serialNumber(x509), &enc);
  if (len <= 2) {
    OPENSSL_free(enc);
    return false;
  }
  // Skip the tag and (short or long form) length.
  const size_t header = (enc[1] & 0x80) ? 2 + (enc[1] & 0x7F) : 2;
  if (header >= static_cast<size_t>(len)) {
    OPENSSL_free(enc);
    return false;
  }
  serial->assign(reinterpret_cast<char*>(enc) + header, len - header);
  OPENSSL_free(enc);
  return true;
}

}  // namespace

bool Asn1TimeToAbsl(const ASN1_TIME* t, absl::Time* out) {
  struct tm tm = {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return false;
  absl::CivilSecond cs(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                       tm.tm_min, tm.tm_sec);
  *out = absl::FromCivil(cs, absl::UTCTimeZone());
  return true;
}

absl::StatusOr<std::shared_ptr<const Certificate>> Certificate::ParseDer(
    absl::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = p + der.size();
  X509Ptr x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (x509 == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("not a DER X.509 certificate");
  }
  if (p != end) {
    return absl::InvalidArgumentError("trailing bytes after the certificate");
  }
  return FromX509(std::move(x509), std::string(der));
}

absl::StatusOr<std::vector<std::shared_ptr<const Certificate>>>
Certificate::ParseBundle(absl::string_view pem_or_der) {
  std::vector<std::shared_ptr<const Certificate>> out;
  if (!absl::StrContains(pem_or_der, "-----BEGIN")) {
    auto one = ParseDer(pem_or_der);
    if (!one.ok()) return one.status();
    out.push_back(*std::move(one));
    return out;
  }
  BIO* bio = BIO_new_mem_buf(pem_or_der.data(), static_cast<int>(pem_or_der.size()));
  if (bio == nullptr) return absl::ResourceExhaustedError("out of memory");
  while (out.size() <= kMaxBundleCertificates) {
    X509Ptr x509(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
    if (x509 == nullptr) break;
    unsigned char* der = nullptr;
    int len = i2d_X509(x509.get(), &der);
    if (len <= 0) break;
    std::string der_str(reinterpret_cast<char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
    // Re-parse from DER so the object and the hashed bytes agree exactly.
    auto cert = ParseDer(der_str);
    if (!cert.ok()) {
      BIO_free(bio);
      return cert.status();
    }
    out.push_back(*std::move(cert));
  }
  BIO_free(bio);
  ERR_clear_error();  // PEM_read_bio_X509 ends the loop with "no start line"
  if (out.size() > kMaxBundleCertificates) {
    return absl::ResourceExhaustedError("more than 1000 certificates in one file");
  }
  if (out.empty()) {
    return absl::InvalidArgumentError("no PEM certificate found");
  }
  return out;
}

absl::StatusOr<std::shared_ptr<const Certificate>> Certificate::FromX509(
    X509Ptr x509, std::string der) {
  std::shared_ptr<Certificate> c(new Certificate());
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(der.data()), der.size(), digest);
  c->sha256_.assign(reinterpret_cast<char*>(digest), sizeof digest);
  c->sha256_hex_ = absl::BytesToHexString(c->sha256_);
  c->subject_ = NameToString(X509_get_subject_name(x509.get()));
  c->issuer_ = NameToString(X509_get_issuer_name(x509.get()));
  c->serial_hex_ = SerialHex(X509_get0_serialNumber(x509.get()));
  if (!IssuerAndSerialDer(x509.get(), &c->issuer_der_, &c->serial_content_)) {
    return absl::InvalidArgumentError("cannot encode the issuer name or serial number");
  }
  if (!Asn1TimeToAbsl(X509_get0_notBefore(x509.get()), &c->not_before_) ||
      !Asn1TimeToAbsl(X509_get0_notAfter(x509.get()), &c->not_after_)) {
    return absl::InvalidArgumentError("malformed validity period");
  }
  // X509_check_ca and the key-id getters compute the cached extension data;
  // they must run here, before the object is shared between threads.
  c->is_ca_ = X509_check_ca(x509.get()) > 0;
  if (const ASN1_OCTET_STRING* skid = X509_get0_subject_key_id(x509.get())) {
    c->subject_key_id_.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(skid)),
                              static_cast<size_t>(ASN1_STRING_length(skid)));
  }
  if (const ASN1_OCTET_STRING* akid = X509_get0_authority_key_id(x509.get())) {
    c->authority_key_id_.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(akid)),
                                static_cast<size_t>(ASN1_STRING_length(akid)));
  }
  if (X509_get_extension_flags(x509.get()) & EXFLAG_INVALID) {
    return absl::InvalidArgumentError("invalid or duplicate certificate extension");
  }
  c->self_issued_ = X509_NAME_cmp(X509_get_subject_name(x509.get()),
                                  X509_get_issuer_name(x509.get())) == 0;
  c->der_ = std::move(der);
  c->x509_ = std::move(x509);
  return std::shared_ptr<const Certificate>(std::move(c));
}

}  // namespace kensho::verify
