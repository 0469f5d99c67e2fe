#include "server/validator_service.h"

#include "server/request_checks.h"

namespace kensho::server {
namespace {

constexpr char kNotYet[] = " arrives with the verification core (issue 4)";

grpc::Status ToGrpc(const absl::Status& s) {
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context,
                                 const grpc::Status& status) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

template <typename Request>
grpc::ServerUnaryReactor* CheckedUnimplemented(grpc::CallbackServerContext* context,
                                               const Request& request, const char* rpc) {
  absl::Status s = CheckRequest(request);
  if (!s.ok()) return Finish(context, ToGrpc(s));
  return Finish(context, grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                      std::string(rpc) + kNotYet));
}

// Reads the stream to its end or the first item, then closes it: the stream
// answers like the unary calls until the verification core lands.
class UnimplementedStream final
    : public grpc::ServerBidiReactor<v1::VerifyRequest, v1::VerifyResponse> {
 public:
  UnimplementedStream() { StartRead(&request_); }
  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, std::string("VerifyStream") + kNotYet));
      return;
    }
    absl::Status s = CheckRequest(request_);
    Finish(s.ok() ? grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                 std::string("VerifyStream") + kNotYet)
                  : ToGrpc(s));
  }
  void OnDone() override { delete this; }

 private:
  v1::VerifyRequest request_;
};

}  // namespace

grpc::ServerUnaryReactor* ValidatorService::VerifySignedDocument(
    grpc::CallbackServerContext* context, const v1::VerifySignedDocumentRequest* request,
    v1::Verdict*) {
  return CheckedUnimplemented(context, *request, "VerifySignedDocument");
}

grpc::ServerUnaryReactor* ValidatorService::IssueChallenge(
    grpc::CallbackServerContext* context, const v1::IssueChallengeRequest*, v1::Challenge*) {
  return Finish(context, grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                      std::string("IssueChallenge") + kNotYet));
}

grpc::ServerUnaryReactor* ValidatorService::VerifyAuthAssertion(
    grpc::CallbackServerContext* context, const v1::VerifyAuthAssertionRequest* request,
    v1::Verdict*) {
  return CheckedUnimplemented(context, *request, "VerifyAuthAssertion");
}

grpc::ServerUnaryReactor* ValidatorService::ValidateCertificate(
    grpc::CallbackServerContext* context, const v1::ValidateCertificateRequest* request,
    v1::Verdict*) {
  return CheckedUnimplemented(context, *request, "ValidateCertificate");
}

grpc::ServerUnaryReactor* ValidatorService::VerifyBatch(grpc::CallbackServerContext* context,
                                                        const v1::VerifyBatchRequest* request,
                                                        v1::VerifyBatchResponse*) {
  if (request->items().empty()) {
    return Finish(context, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "items: empty"));
  }
  return Finish(context, grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                      std::string("VerifyBatch") + kNotYet));
}

grpc::ServerBidiReactor<v1::VerifyRequest, v1::VerifyResponse>* ValidatorService::VerifyStream(
    grpc::CallbackServerContext*) {
  return new UnimplementedStream();
}

}  // namespace kensho::server
