#include "absl/strings/string_view.h"
#include "tools/jpki_sim/ossl.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "absl/strings/str_cat.h"

namespace kensho::sim {

absl::Status OpenSslError(absl::string_view what) {
  std::string msg(what);
  unsigned long e;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    absl::StrAppend(&msg, ": ", buf);
  }
  return absl::InternalError(msg);
}

absl::StatusOr<std::string> CertToDer(const X509* cert) {
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  if (len <= 0) return OpenSslError("i2d_X509");
  std::string out(reinterpret_cast<char*>(der), len);
  OPENSSL_free(der);
  return out;
}

namespace {
std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, len);
}
}  // namespace

absl::StatusOr<std::string> CertToPem(const X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!PEM_write_bio_X509(bio, const_cast<X509*>(cert))) {
    BIO_free(bio);
    return OpenSslError("PEM_write_bio_X509");
  }
  std::string out = BioContents(bio);
  BIO_free(bio);
  return out;
}

absl::StatusOr<X509Ptr> CertFromDer(absl::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x == nullptr) return OpenSslError("d2i_X509");
  return X509Ptr(x);
}

absl::StatusOr<std::string> PrivateKeyToPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr)) {
    BIO_free(bio);
    return OpenSslError("PEM_write_bio_PrivateKey");
  }
  std::string out = BioContents(bio);
  BIO_free(bio);
  return out;
}

absl::StatusOr<EvpPkeyPtr> PrivateKeyFromPem(absl::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return OpenSslError("PEM_read_bio_PrivateKey");
  return EvpPkeyPtr(key);
}

absl::StatusOr<std::string> NameToDer(const X509_NAME* name) {
  unsigned char* der = nullptr;
  int len = i2d_X509_NAME(name, &der);
  if (len <= 0) return OpenSslError("i2d_X509_NAME");
  std::string out(reinterpret_cast<char*>(der), len);
  OPENSSL_free(der);
  return out;
}

std::string Sha256(absl::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return std::string(reinterpret_cast<char*>(md), sizeof md);
}

namespace {
std::string Hex(absl::string_view bytes, const char* digits) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}
}  // namespace

std::string HexLower(absl::string_view bytes) { return Hex(bytes, "0123456789abcdef"); }
std::string HexUpper(absl::string_view bytes) { return Hex(bytes, "0123456789ABCDEF"); }

bool SetAsn1Time(ASN1_TIME* t, absl::Time when) {
  return ASN1_TIME_set(t, absl::ToTimeT(when)) != nullptr;
}

}  // namespace kensho::sim
