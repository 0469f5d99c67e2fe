#include "crl/crl_signature.h"

#include <openssl/err.h>
#include <openssl/rsa.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace kensho::crl {
namespace {

struct CtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};

}  // namespace

absl::Status VerifyCrlSignature(const CrlHeader& header, absl::string_view tbs_digest,
                                absl::string_view signature, EVP_PKEY* issuer_key) {
  if (issuer_key == nullptr) return absl::InvalidArgumentError("CRL signature: no issuer key");
  const EVP_MD* md = nullptr;
  bool rsa = true;
  switch (header.signature_algorithm) {
    case CrlSignatureAlgorithm::kRsaPkcs1Sha256:
      md = EVP_sha256();
      break;
    case CrlSignatureAlgorithm::kRsaPkcs1Sha384:
      md = EVP_sha384();
      break;
    case CrlSignatureAlgorithm::kRsaPkcs1Sha512:
      md = EVP_sha512();
      break;
    case CrlSignatureAlgorithm::kEcdsaSha256:
      md = EVP_sha256();
      rsa = false;
      break;
    case CrlSignatureAlgorithm::kEcdsaSha384:
      md = EVP_sha384();
      rsa = false;
      break;
    case CrlSignatureAlgorithm::kEcdsaSha512:
      md = EVP_sha512();
      rsa = false;
      break;
  }
  if (md == nullptr || tbs_digest.size() != static_cast<size_t>(EVP_MD_get_size(md))) {
    return absl::InvalidArgumentError("CRL signature: digest does not fit the algorithm");
  }
  const int type = EVP_PKEY_get_base_id(issuer_key);
  if (rsa && type != EVP_PKEY_RSA) {
    return absl::InvalidArgumentError("CRL signature: RSA algorithm but the issuer key is not RSA");
  }
  if (!rsa && type != EVP_PKEY_EC) {
    return absl::InvalidArgumentError("CRL signature: ECDSA algorithm but the issuer key is not EC");
  }
  if (rsa && EVP_PKEY_get_bits(issuer_key) < 1024) {
    return absl::InvalidArgumentError("CRL signature: RSA issuer key under 1024 bits");
  }
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new(issuer_key, nullptr));
  bool ok = ctx != nullptr && EVP_PKEY_verify_init(ctx.get()) == 1 &&
            (!rsa || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1) &&
            EVP_PKEY_CTX_set_signature_md(ctx.get(), md) == 1;
  if (!ok) {
    ERR_clear_error();
    return absl::InternalError("CRL signature: cannot set up verification");
  }
  const int r =
      EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                      reinterpret_cast<const unsigned char*>(tbs_digest.data()), tbs_digest.size());
  ERR_clear_error();
  if (r != 1) {
    return absl::PermissionDeniedError(absl::StrCat("CRL signature does not verify (",
                                                    SignatureAlgorithmName(header.signature_algorithm), ")"));
  }
  return absl::OkStatus();
}

}  // namespace kensho::crl
