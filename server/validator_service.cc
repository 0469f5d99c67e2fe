#include "server/validator_service.h"

#include <atomic>
#include <deque>
#include <memory>

#include "absl/synchronization/mutex.h"

namespace kensho::server {
namespace {

// Items one stream may have in flight before it stops reading (flow control).
constexpr int kMaxStreamInFlight = 64;
constexpr int kMaxBatchItems = 10000;

grpc::Status ToGrpc(const absl::Status& s) {
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

template <typename Response>
grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* context,
                                 absl::StatusOr<Response> result, Response* response) {
  auto* reactor = context->DefaultReactor();
  if (context->IsCancelled()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
  } else if (result.ok()) {
    *response = *std::move(result);
    reactor->Finish(grpc::Status::OK);
  } else {
    reactor->Finish(ToGrpc(result.status()));
  }
  return reactor;
}

// Runs the items on the pool; the last one to finish completes the call.
class BatchCall {
 public:
  BatchCall(grpc::ServerUnaryReactor* reactor, const v1::VerifyBatchRequest* request,
            v1::VerifyBatchResponse* response)
      : reactor_(reactor), request_(request), response_(response),
        left_(request->items_size()) {
    for (int i = 0; i < request->items_size(); ++i) response_->add_items();
  }
  void Run(ValidatorHandler* handler, WorkerPool* pool) {
    // `this` may be deleted by the last Done(): read nothing from it after.
    const int n = request_->items_size();
    for (int i = 0; i < n; ++i) {
      auto task = [this, handler, i] {
        *response_->mutable_items(i) = handler->VerifyItem(request_->items(i));
        Done();
      };
      if (!pool->TrySubmit(task)) {
        v1::VerifyResponse* r = response_->mutable_items(i);
        r->set_id(request_->items(i).id());
        r->mutable_error()->set_code(static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
        r->mutable_error()->set_message("server overloaded; retry later");
        Done();
      }
    }
  }

 private:
  void Done() {
    if (left_.fetch_sub(1) == 1) {
      reactor_->Finish(grpc::Status::OK);
      delete this;
    }
  }
  grpc::ServerUnaryReactor* reactor_;
  const v1::VerifyBatchRequest* request_;
  v1::VerifyBatchResponse* response_;
  std::atomic<int> left_;
};

// Reads items, verifies them on the pool, writes responses as they finish
// (possibly out of order: each carries its request id).
class StreamCall final : public grpc::ServerBidiReactor<v1::VerifyRequest, v1::VerifyResponse> {
 public:
  StreamCall(ValidatorHandler* handler, WorkerPool* pool) : handler_(handler), pool_(pool) {
    reading_ = true;
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    reading_ = false;
    if (!ok) {
      reads_done_ = true;
      MaybeFinish();
      return;
    }
    v1::VerifyRequest item = std::move(request_);
    ++in_flight_;
    bool submitted = pool_->TrySubmit([this, item] { Complete(handler_->VerifyItem(item)); });
    if (!submitted) {
      --in_flight_;
      v1::VerifyResponse r;
      r.set_id(item.id());
      r.mutable_error()->set_code(static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
      r.mutable_error()->set_message("server overloaded; retry later");
      Enqueue(std::move(r));
    }
    MaybeRead();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    outbox_.pop_front();
    if (!ok) {
      broken_ = true;
      outbox_.clear();
    }
    WriteNext();
    MaybeRead();
    MaybeFinish();
  }

  void OnDone() override { delete this; }

 private:
  void Complete(v1::VerifyResponse response) {
    absl::MutexLock lock(&mu_);
    --in_flight_;
    Enqueue(std::move(response));
    MaybeRead();
    MaybeFinish();
  }
  void Enqueue(v1::VerifyResponse r) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (broken_) return;
    outbox_.push_back(std::move(r));
    WriteNext();
  }
  void WriteNext() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writing_ || outbox_.empty() || finished_) return;
    writing_ = true;
    StartWrite(&outbox_.front());
  }
  void MaybeRead() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (reading_ || reads_done_ || broken_ || finished_) return;
    if (in_flight_ + static_cast<int>(outbox_.size()) >= kMaxStreamInFlight) return;
    reading_ = true;
    StartRead(&request_);
  }
  void MaybeFinish() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || in_flight_ > 0 || writing_ || !outbox_.empty()) return;
    if (!reads_done_ && !broken_) return;
    if (reading_) return;
    finished_ = true;
    Finish(broken_ ? grpc::Status(grpc::StatusCode::CANCELLED, "client went away")
                   : grpc::Status::OK);
  }

  ValidatorHandler* handler_;
  WorkerPool* pool_;
  absl::Mutex mu_;
  v1::VerifyRequest request_;
  std::deque<v1::VerifyResponse> outbox_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

grpc::ServerUnaryReactor* ValidatorService::VerifySignedDocument(
    grpc::CallbackServerContext* context, const v1::VerifySignedDocumentRequest* request,
    v1::Verdict* response) {
  return Answer(context, handler_->VerifySignedDocument(*request), response);
}

grpc::ServerUnaryReactor* ValidatorService::IssueChallenge(grpc::CallbackServerContext* context,
                                                           const v1::IssueChallengeRequest*,
                                                           v1::Challenge* response) {
  return Answer(context, handler_->IssueChallenge(), response);
}

grpc::ServerUnaryReactor* ValidatorService::VerifyAuthAssertion(
    grpc::CallbackServerContext* context, const v1::VerifyAuthAssertionRequest* request,
    v1::Verdict* response) {
  return Answer(context, handler_->VerifyAuthAssertion(*request), response);
}

grpc::ServerUnaryReactor* ValidatorService::ValidateCertificate(
    grpc::CallbackServerContext* context, const v1::ValidateCertificateRequest* request,
    v1::Verdict* response) {
  return Answer(context, handler_->ValidateCertificate(*request), response);
}

grpc::ServerUnaryReactor* ValidatorService::VerifyBatch(grpc::CallbackServerContext* context,
                                                        const v1::VerifyBatchRequest* request,
                                                        v1::VerifyBatchResponse* response) {
  auto* reactor = context->DefaultReactor();
  if (request->items().empty()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "items: empty"));
    return reactor;
  }
  if (request->items_size() > kMaxBatchItems) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "items: at most 10000 per batch"));
    return reactor;
  }
  (new BatchCall(reactor, request, response))->Run(handler_, pool_);
  return reactor;
}

grpc::ServerBidiReactor<v1::VerifyRequest, v1::VerifyResponse>* ValidatorService::VerifyStream(
    grpc::CallbackServerContext*) {
  return new StreamCall(handler_, pool_);
}

}  // namespace kensho::server
