#include "absl/strings/string_view.h"
#include "tools/jpki_sim/cms_writer.h"

#include <openssl/bio.h>
#include <openssl/cms.h>

namespace kensho::sim {

absl::StatusOr<std::string> MakeSignedData(const CmsSpec& spec) {
  unsigned int flags = CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
  if (spec.detached) flags |= CMS_DETACHED;
  CMS_ContentInfo* cms = CMS_sign(nullptr, nullptr, nullptr, nullptr, flags);
  if (cms == nullptr) return OpenSslError("CMS_sign");
  // For a wrong-key signature, sign as a copy of the certificate carrying
  // the wrong public key: the SignerInfo gets the real issuer and serial.
  X509Ptr shadow;
  X509* signer = const_cast<X509*>(spec.signer);
  EVP_PKEY* key = spec.key;
  if (spec.wrong_key != nullptr) {
    shadow.reset(X509_dup(spec.signer));
    X509_set_pubkey(shadow.get(), spec.wrong_key);
    signer = shadow.get();
    key = spec.wrong_key;
  }
  CMS_SignerInfo* si = CMS_add1_signer(cms, signer, key, EVP_sha256(), flags | CMS_NOCERTS);
  if (si == nullptr) {
    CMS_ContentInfo_free(cms);
    return OpenSslError("CMS_add1_signer");
  }
  ASN1_TIME* when = ASN1_TIME_new();
  SetAsn1Time(when, spec.signing_time);
  bool ok = CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, ASN1_STRING_type(when), when, -1) == 1;
  ASN1_TIME_free(when);
  ok = ok && CMS_add1_cert(cms, const_cast<X509*>(spec.signer)) == 1;
  BIO* data = BIO_new_mem_buf(spec.content.data(), static_cast<int>(spec.content.size()));
  ok = ok && CMS_final(cms, data, nullptr, flags) == 1;
  BIO_free(data);
  if (!ok) {
    CMS_ContentInfo_free(cms);
    return OpenSslError("CMS_final");
  }
  unsigned char* der = nullptr;
  int len = i2d_CMS_ContentInfo(cms, &der);
  CMS_ContentInfo_free(cms);
  if (len <= 0) return OpenSslError("i2d_CMS_ContentInfo");
  std::string out(reinterpret_cast<char*>(der), len);
  OPENSSL_free(der);
  return out;
}

absl::StatusOr<std::string> SignNonce(EVP_PKEY* key, absl::string_view nonce) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  size_t len = 0;
  std::string sig;
  bool ok = EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestSignUpdate(md, nonce.data(), nonce.size()) == 1 &&
            EVP_DigestSignFinal(md, nullptr, &len) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSignFinal(md, reinterpret_cast<unsigned char*>(sig.data()), &len) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(md);
  if (!ok) return OpenSslError("SignNonce");
  return sig;
}

}  // namespace kensho::sim
