// kensho.v1.Validator over the gRPC callback API. The reactors only translate
// between gRPC and ValidatorHandler; batch and stream items run on a bounded
// worker pool.
#ifndef KENSHO_SERVER_VALIDATOR_SERVICE_H_
#define KENSHO_SERVER_VALIDATOR_SERVICE_H_

#include "proto/kensho.grpc.pb.h"
#include "server/arena_allocator.h"
#include "server/audit_log.h"
#include "server/caller_auth.h"
#include "server/metrics.h"
#include "server/validator_handler.h"
#include "server/worker_pool.h"

namespace kensho::server {

class ValidatorService final : public v1::Validator::CallbackService {
 public:
  // All must outlive the service; `metrics` and `audit` may be null
  // (nothing recorded).
  ValidatorService(ValidatorHandler* handler, WorkerPool* pool, const CallerAuthorizer* auth,
                   ServerMetrics* metrics = nullptr, AuditLog* audit = nullptr)
      : handler_(handler), pool_(pool), auth_(auth), metrics_(metrics), audit_(audit) {
    SetMessageAllocatorFor_VerifySignedDocument(&document_messages_);
    SetMessageAllocatorFor_VerifyAuthAssertion(&assertion_messages_);
    SetMessageAllocatorFor_ValidateCertificate(&certificate_messages_);
    SetMessageAllocatorFor_VerifyBatch(&batch_messages_);
  }

  grpc::ServerUnaryReactor* VerifySignedDocument(
      grpc::CallbackServerContext* context, const v1::VerifySignedDocumentRequest* request,
      v1::Verdict* response) override;
  grpc::ServerUnaryReactor* IssueChallenge(grpc::CallbackServerContext* context,
                                           const v1::IssueChallengeRequest* request,
                                           v1::Challenge* response) override;
  grpc::ServerUnaryReactor* VerifyAuthAssertion(
      grpc::CallbackServerContext* context, const v1::VerifyAuthAssertionRequest* request,
      v1::Verdict* response) override;
  grpc::ServerUnaryReactor* ValidateCertificate(
      grpc::CallbackServerContext* context, const v1::ValidateCertificateRequest* request,
      v1::Verdict* response) override;
  grpc::ServerUnaryReactor* VerifyBatch(grpc::CallbackServerContext* context,
                                        const v1::VerifyBatchRequest* request,
                                        v1::VerifyBatchResponse* response) override;
  grpc::ServerBidiReactor<v1::VerifyRequest, v1::VerifyResponse>* VerifyStream(
      grpc::CallbackServerContext* context) override;

 private:
  // The caller's rights, or the error that ends the call (`cost`: tokens of
  // the caller's rate limit this call takes). *caller is set to the
  // caller's name as soon as it is identified, also when it is then refused.
  absl::StatusOr<CallerRights> Authorize(grpc::CallbackServerContext* context, std::string* caller,
                                         double cost = 1) const;

  ValidatorHandler* handler_;
  WorkerPool* pool_;
  const CallerAuthorizer* auth_;
  ServerMetrics* metrics_;
  AuditLog* audit_;
  // Each unary call's request and response live on one arena (see
  // arena_allocator.h); first blocks sized for a typical call.
  ArenaMessageAllocator<v1::VerifySignedDocumentRequest, v1::Verdict> document_messages_{
      8 << 10, 64 << 10};
  ArenaMessageAllocator<v1::VerifyAuthAssertionRequest, v1::Verdict> assertion_messages_{
      4 << 10, 64 << 10};
  ArenaMessageAllocator<v1::ValidateCertificateRequest, v1::Verdict> certificate_messages_{
      4 << 10, 64 << 10};
  ArenaMessageAllocator<v1::VerifyBatchRequest, v1::VerifyBatchResponse> batch_messages_{
      64 << 10, 1 << 20};
};

}  // namespace kensho::server

#endif  // KENSHO_SERVER_VALIDATOR_SERVICE_H_
