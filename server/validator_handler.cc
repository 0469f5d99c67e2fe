#include "server/validator_handler.h"

#include <utility>

#include "server/proto_time.h"
#include "server/request_checks.h"
#include "server/verdict_proto.h"

namespace kensho::server {

ValidatorHandler::ValidatorHandler(std::shared_ptr<verify::Engine> engine, Clock clock)
    : clock_(std::move(clock)), engine_(std::move(engine)) {}

void ValidatorHandler::SwapEngine(std::shared_ptr<verify::Engine> engine) {
  engine_.Set(std::move(engine));
}

absl::Status ValidatorHandler::VerifySignedDocument(const v1::VerifySignedDocumentRequest& r,
                                                    bool subject_allowed, v1::Verdict* out) {
  if (absl::Status s = CheckRequest(r); !s.ok()) return s;
  verify::VerifyOptions options = FromProto(r.policy(), clock_(), subject_allowed);
  absl::StatusOr<verify::Verdict> verdict;
  if (r.has_raw()) {
    auto alg = FromProto(r.raw().algorithm());
    if (!alg.ok()) return alg.status();
    std::optional<absl::string_view> data, digest;
    if (r.raw().signed_case() == v1::RawSignature::kData) data = r.raw().data();
    if (r.raw().signed_case() == v1::RawSignature::kDigest) digest = r.raw().digest();
    verdict = engine()->VerifyRawSignature(r.raw().certificate(), data, digest, *alg,
                                          r.raw().signature(), options);
  } else {
    verdict = engine()->VerifySignedDocument(r.cms(), r.detached_content(), options);
  }
  if (!verdict.ok()) return verdict.status();
  ToProto(*std::move(verdict), r.policy().include_trace(), out);
  return absl::OkStatus();
}

absl::Status ValidatorHandler::IssueChallenge(v1::Challenge* out) {
  auto issued = engine()->challenges().Issue(clock_());
  if (!issued.ok()) return issued.status();
  out->set_nonce(issued->nonce);
  ToProto(issued->expires_at, out->mutable_expires_at());
  return absl::OkStatus();
}

absl::Status ValidatorHandler::VerifyAuthAssertion(const v1::VerifyAuthAssertionRequest& r,
                                                   bool subject_allowed, v1::Verdict* out) {
  if (absl::Status s = CheckRequest(r); !s.ok()) return s;
  // The card signs with RSA PKCS#1 v1.5 over SHA-256: the default.
  auto alg = r.algorithm() == v1::SIGNATURE_ALGORITHM_UNSPECIFIED
                 ? absl::StatusOr<verify::SignatureAlgorithm>(
                       verify::SignatureAlgorithm::kRsaPkcs1Sha256)
                 : FromProto(r.algorithm());
  if (!alg.ok()) return alg.status();
  verify::VerifyOptions options = FromProto(r.policy(), clock_(), subject_allowed);
  // The nonce's expiry is judged at the real time, whatever validation time
  // the caller asked for the certificate.
  options.validation_time = clock_();
  if (r.policy().has_validation_time()) {
    // A login is always now: a past validation time would let an expired
    // certificate log in.
    return absl::InvalidArgumentError(
        "policy.validation_time: not allowed for a login; it is always now");
  }
  auto verdict =
      engine()->VerifyAuthAssertion(r.nonce(), r.certificate(), r.signature(), *alg, options);
  if (!verdict.ok()) return verdict.status();
  ToProto(*std::move(verdict), r.policy().include_trace(), out);
  return absl::OkStatus();
}

absl::Status ValidatorHandler::ValidateCertificate(const v1::ValidateCertificateRequest& r,
                                                   bool subject_allowed, v1::Verdict* out) {
  if (absl::Status s = CheckRequest(r); !s.ok()) return s;
  if (r.intermediates_size() > 16) {
    return absl::InvalidArgumentError("intermediates: at most 16");
  }
  verify::VerifyOptions options = FromProto(r.policy(), clock_(), subject_allowed);
  std::vector<absl::string_view> intermediates(r.intermediates().begin(),
                                               r.intermediates().end());
  auto verdict =
      engine()->ValidateCertificate(r.certificate(), intermediates, FromProto(r.usage()), options);
  if (!verdict.ok()) return verdict.status();
  ToProto(*std::move(verdict), r.policy().include_trace(), out);
  return absl::OkStatus();
}

void ValidatorHandler::VerifyItem(const v1::VerifyRequest& r, bool subject_allowed,
                                  v1::VerifyResponse* out) {
  out->set_id(r.id());
  absl::Status status;
  switch (r.item_case()) {
    case v1::VerifyRequest::kSignedDocument:
      status = VerifySignedDocument(r.signed_document(), subject_allowed, out->mutable_verdict());
      break;
    case v1::VerifyRequest::kAuthAssertion:
      status = VerifyAuthAssertion(r.auth_assertion(), subject_allowed, out->mutable_verdict());
      break;
    case v1::VerifyRequest::kCertificate:
      status = ValidateCertificate(r.certificate(), subject_allowed, out->mutable_verdict());
      break;
    case v1::VerifyRequest::ITEM_NOT_SET:
      status = CheckRequest(r);
      break;
  }
  if (!status.ok()) {
    // Replaces whatever verdict was begun (the result is a oneof).
    out->mutable_error()->set_code(static_cast<int>(status.code()));
    out->mutable_error()->set_message(std::string(status.message()));
  }
}

}  // namespace kensho::server
