#include "server/request_checks.h"

namespace kensho::server {

absl::Status CheckRequest(const v1::VerifySignedDocumentRequest& r) {
  if (!r.cms().empty() && r.has_raw()) {
    return absl::InvalidArgumentError("give either cms or raw, not both");
  }
  if (r.cms().empty() && !r.has_raw()) {
    return absl::InvalidArgumentError("cms or raw: required");
  }
  if (r.has_raw()) {
    const v1::RawSignature& raw = r.raw();
    if (raw.certificate().empty()) return absl::InvalidArgumentError("raw.certificate: required");
    if (raw.signature().empty()) return absl::InvalidArgumentError("raw.signature: required");
    if (raw.signed_case() == v1::RawSignature::SIGNED_NOT_SET) {
      return absl::InvalidArgumentError("raw.data or raw.digest: required");
    }
    if (raw.algorithm() == v1::SIGNATURE_ALGORITHM_UNSPECIFIED) {
      return absl::InvalidArgumentError("raw.algorithm: required");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRequest(const v1::VerifyAuthAssertionRequest& r) {
  if (r.nonce().empty()) return absl::InvalidArgumentError("nonce: required");
  if (r.certificate().empty()) return absl::InvalidArgumentError("certificate: required");
  if (r.signature().empty()) return absl::InvalidArgumentError("signature: required");
  return absl::OkStatus();
}

absl::Status CheckRequest(const v1::ValidateCertificateRequest& r) {
  if (r.certificate().empty()) return absl::InvalidArgumentError("certificate: required");
  return absl::OkStatus();
}

absl::Status CheckRequest(const v1::VerifyRequest& r) {
  switch (r.item_case()) {
    case v1::VerifyRequest::kSignedDocument:
      return CheckRequest(r.signed_document());
    case v1::VerifyRequest::kAuthAssertion:
      return CheckRequest(r.auth_assertion());
    case v1::VerifyRequest::kCertificate:
      return CheckRequest(r.certificate());
    case v1::VerifyRequest::ITEM_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      "item: one of signed_document, auth_assertion, certificate required");
}

}  // namespace kensho::server
