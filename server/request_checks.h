// Required-field checks shared by the unary, batch and stream paths: a call
// that cannot be answered is INVALID_ARGUMENT; a bad document is a verdict.
#ifndef KENSHO_SERVER_REQUEST_CHECKS_H_
#define KENSHO_SERVER_REQUEST_CHECKS_H_

#include "absl/status/status.h"
#include "proto/kensho.pb.h"

namespace kensho::server {

absl::Status CheckRequest(const v1::VerifySignedDocumentRequest& r);
absl::Status CheckRequest(const v1::VerifyAuthAssertionRequest& r);
absl::Status CheckRequest(const v1::ValidateCertificateRequest& r);
absl::Status CheckRequest(const v1::VerifyRequest& r);

}  // namespace kensho::server

#endif  // KENSHO_SERVER_REQUEST_CHECKS_H_
