#include "server/validator_service.h"

#include <atomic>
#include <chrono>
#include <deque>
#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace kensho::server {
namespace {

// Items one stream may have in flight before it stops reading (flow control).
constexpr int kMaxStreamInFlight = 64;
constexpr int kMaxBatchItems = 10000;

grpc::Status ToGrpc(const absl::Status& s) {
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

using MetricsClock = ServerMetrics::Clock;

// One call's metrics and audit lines: started on construction; verdicts
// and the end are recorded by the call. Metrics are no-ops without metrics,
// audit lines without an audit log.
struct CallMetrics {
  CallMetrics(ServerMetrics* m, AuditLog* audit, RpcMethod method)
      : metrics(m),
        audit(audit),
        method(method),
        began(m ? m->BeginCall(method) : MetricsClock::now()) {}
  void End(grpc::StatusCode code) const {
    if (metrics) metrics->EndCall(method, began, static_cast<int>(code));
    // A call that ended without its verdicts: refused or failed.
    if (audit && code != grpc::StatusCode::OK) Audit(static_cast<int>(code), nullptr, began);
  }
  void Verdict(const v1::Verdict& v) const {
    if (metrics) metrics->RecordVerdict(method, v, MetricsClock::now() - began);
    if (audit) Audit(0, &v, began);
  }
  // A batch/stream item answered; `item_began` when it arrived.
  void Item(const v1::VerifyResponse& r, MetricsClock::time_point item_began) const {
    if (audit) Audit(r.has_verdict() ? 0 : r.error().code(), r.has_verdict() ? &r.verdict() : nullptr,
                     item_began);
    if (!metrics) return;
    if (r.has_verdict()) {
      metrics->RecordVerdict(method, r.verdict(), MetricsClock::now() - item_began);
    } else {
      metrics->RecordItemError(method, r.error().code(), MetricsClock::now() - item_began);
    }
  }
  MetricsClock::time_point Now() const { return MetricsClock::now(); }
  void Audit(int code, const v1::Verdict* v, MetricsClock::time_point since) const {
    audit->Record(AuditOf(code, v, since));
  }
  AuditRecord AuditOf(int code, const v1::Verdict* v, MetricsClock::time_point since) const {
    AuditRecord record;
    record.time = absl::Now();
    record.caller = caller;
    record.method = RpcMethodName(method);
    record.code = StatusCodeName(code);
    if (v != nullptr) {
      record.indication = v1::Indication_Name(v->indication());
      if (v->sub_indication() != v1::SUB_INDICATION_UNSPECIFIED) {
        record.sub_indication = v1::SubIndication_Name(v->sub_indication());
      }
      record.serial_hex = v->certificate().serial();
    }
    record.micros = std::chrono::duration_cast<std::chrono::microseconds>(MetricsClock::now() - since)
                        .count();
    return record;
  }

  ServerMetrics* metrics;
  AuditLog* audit;
  RpcMethod method;
  MetricsClock::time_point began;
  std::string caller;  // the configured name, once identified
};

// A batch task's items: metrics and audit lines collected as they are
// answered and recorded together by Flush (see ServerMetrics::ItemTally).
class ItemBatch {
 public:
  explicit ItemBatch(const CallMetrics& call) : call_(call) {}
  void Add(const v1::VerifyResponse& r) {
    const MetricsClock::time_point now = MetricsClock::now();
    const v1::Verdict* v = r.has_verdict() ? &r.verdict() : nullptr;
    const int code = v != nullptr ? 0 : r.error().code();
    if (call_.audit) AuditLog::AppendRecord(call_.AuditOf(code, v, call_.began), &audit_lines_);
    if (call_.metrics) {
      if (v != nullptr) {
        tally_.Verdict(*v, now - call_.began);
      } else {
        tally_.Error(code, now - call_.began);
      }
    }
  }
  void Flush() {
    if (call_.audit) call_.audit->RecordLines(audit_lines_);
    if (call_.metrics) call_.metrics->RecordTally(call_.method, tally_);
  }

 private:
  const CallMetrics& call_;
  std::string audit_lines_;
  ServerMetrics::ItemTally tally_;
};

void CountVerdict(const CallMetrics& call, const v1::Verdict& v) { call.Verdict(v); }
void CountVerdict(const CallMetrics& call, const v1::Challenge&) {
  if (call.audit) call.Audit(0, nullptr, call.began);  // a challenge issued: no verdict yet
}

// Finishes a unary call whose handler wrote its answer into *response.
template <typename Response>
grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* context, const absl::Status& result,
                                 const Response* response, const CallMetrics& call) {
  auto* reactor = context->DefaultReactor();
  grpc::Status status;
  if (context->IsCancelled()) {
    status = grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
  } else if (result.ok()) {
    CountVerdict(call, *response);
  } else {
    status = ToGrpc(result);
  }
  call.End(status.error_code());
  reactor->Finish(status);
  return reactor;
}

// A call whose deadline passed (or that was cancelled) while it waited for a
// thread: not worth verifying any more.
absl::Status Expired() {
  return absl::DeadlineExceededError("deadline passed before the call could start");
}

grpc::ServerUnaryReactor* Refuse(grpc::CallbackServerContext* context, const absl::Status& s,
                                 const CallMetrics& call) {
  auto* reactor = context->DefaultReactor();
  grpc::Status status = ToGrpc(s);
  call.End(status.error_code());
  reactor->Finish(status);
  return reactor;
}

// Runs a batch on at most `workers` pool tasks that pull items by index, so a
// batch never needs more queue slots than there are workers. The last item
// finishes the call; the state lives until the last task lets go of it.
class BatchCall : public std::enable_shared_from_this<BatchCall> {
 public:
  BatchCall(grpc::ServerUnaryReactor* reactor, const v1::VerifyBatchRequest* request,
            v1::VerifyBatchResponse* response, CallMetrics call, bool subject_allowed)
      : reactor_(reactor), request_(request), response_(response), call_(call),
        subject_allowed_(subject_allowed), n_(request->items_size()), left_(n_) {
    for (int i = 0; i < n_; ++i) response_->add_items();
  }
  void Run(ValidatorHandler* handler, WorkerPool* pool) {
    const int tasks = std::min(n_, pool->threads());
    int submitted = 0;
    for (int t = 0; t < tasks; ++t) {
      auto self = shared_from_this();
      if (pool->TrySubmit([self, handler] { self->Work(handler); })) ++submitted;
    }
    if (submitted == 0) Shed();  // the pool is full: answer at once
  }

 private:
  // This task's items are counted and audited together at its end: one
  // update of each shared counter and one audit-log append per task, not
  // per item (per item they cost ~2 µs of a ~29 µs document, mostly two
  // threads trading the counters' cache lines).
  void Work(ValidatorHandler* handler) {
    ItemBatch items(call_);
    int done = 0;
    while (true) {
      const int i = next_.fetch_add(1);
      if (i >= n_) break;
      v1::VerifyResponse* r = response_->mutable_items(i);
      handler->VerifyItem(request_->items(i), subject_allowed_, r);
      items.Add(*r);
      ++done;
    }
    items.Flush();
    Done(done);
  }
  void Shed() {
    while (true) {
      const int i = next_.fetch_add(1);
      if (i >= n_) return;
      v1::VerifyResponse* r = response_->mutable_items(i);
      r->set_id(request_->items(i).id());
      r->mutable_error()->set_code(static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
      r->mutable_error()->set_message("server overloaded; retry later");
      call_.Item(*r, call_.began);
      Done(1);
    }
  }
  // `count` more items answered; the one that answers the last finishes.
  void Done(int count) {
    if (count > 0 && left_.fetch_sub(count) == count) {
      call_.End(grpc::StatusCode::OK);
      reactor_->Finish(grpc::Status::OK);  // request/response die after this
    }
  }
  grpc::ServerUnaryReactor* reactor_;
  const v1::VerifyBatchRequest* request_;
  v1::VerifyBatchResponse* response_;
  const CallMetrics call_;
  const bool subject_allowed_;
  const int n_;
  std::atomic<int> next_{0};
  std::atomic<int> left_;
};

// Reads items, verifies them (on the reading thread, or on the pool when
// work queues up), writes responses as they finish (possibly out of order:
// each carries its request id).
//
// gRPC operations (StartRead, StartWrite, Finish) are started after mu_ is
// released: StartWrite sends right away (a sendmsg), and a thread holding
// mu_ through that made the stream's other threads sleep on it. What to
// start is decided under mu_ (the reading_/writing_ flags keep one of each
// in flight, and no Finish while either is), then done outside it.
class StreamCall final : public grpc::ServerBidiReactor<v1::VerifyRequest, v1::VerifyResponse> {
 public:
  StreamCall(ValidatorHandler* handler, WorkerPool* pool, CallMetrics call, bool subject_allowed,
             std::shared_ptr<StreamLimiter> limiter)
      : handler_(handler),
        pool_(pool),
        call_(call),
        subject_allowed_(subject_allowed),
        limiter_(std::move(limiter)) {
    reading_ = true;
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (ok && pool_->queued() == 0) {
      // Verified right here, on the thread that read it: a hop to the pool
      // and back costs more than the verification itself (~20 µs). The pool
      // (and its shedding) takes over when work queues up. The next read is
      // started first, so it arrives while this item is verified.
      const MetricsClock::time_point arrived = call_.Now();
      v1::VerifyRequest item;
      Actions next;
      {
        absl::MutexLock lock(&mu_);
        item.Swap(&request_);
        reading_ = false;
        ++in_flight_;
        MaybeRead();
        next = TakeActions();
      }
      Do(next);
      v1::VerifyResponse r;
      handler_->VerifyItem(item, subject_allowed_, &r);
      call_.Item(r, arrived);
      Complete(std::move(r));
      return;
    }
    Actions next;
    {
      absl::MutexLock lock(&mu_);
      ReadDone(ok);
      next = TakeActions();
    }
    Do(next);
  }

  void OnWriteDone(bool ok) override {
    Actions next;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      outbox_.pop_front();
      if (!ok) {
        broken_ = true;
        outbox_.clear();
      }
      WriteNext();
      MaybeRead();
      next = TakeActions();
    }
    Do(next);
  }

  void OnDone() override {
    if (limiter_ != nullptr) limiter_->Close();
    delete this;
  }

 private:
  // gRPC operations decided under mu_, started after it is released.
  struct Actions {
    const v1::VerifyResponse* write = nullptr;
    bool more_queued = false;  // other answers wait behind `write`
    bool read = false;
    std::optional<grpc::Status> finish;
  };

  Actions TakeActions() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Actions a;
    a.write = std::exchange(start_write_, nullptr);
    a.more_queued = a.write != nullptr && outbox_.size() > 1;
    a.read = std::exchange(start_read_, false);
    a.finish = MaybeFinish();
    return a;
  }
  // Finish last: OnDone (delete this) may run on another thread as soon as
  // it is called. (A finish never comes with a read or write: MaybeFinish
  // waits until neither is in flight.)
  void Do(const Actions& a) {
    if (a.write != nullptr) {
      // With more answers queued behind this one, gRPC may hold it and send
      // them together (one sendmsg for several); the last one queued is
      // written without the hint, which sends whatever is held.
      StartWrite(a.write, a.more_queued ? grpc::WriteOptions().set_buffer_hint()
                                        : grpc::WriteOptions());
    }
    if (a.read) StartRead(&request_);
    if (a.finish) Finish(*a.finish);
  }

  void ReadDone(bool ok) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    reading_ = false;
    if (!ok) {
      reads_done_ = true;
      return;
    }
    v1::VerifyRequest item = std::move(request_);
    ++in_flight_;
    const MetricsClock::time_point arrived = call_.Now();
    bool submitted = pool_->TrySubmit([this, item, arrived] {
      v1::VerifyResponse r;
      handler_->VerifyItem(item, subject_allowed_, &r);
      call_.Item(r, arrived);
      Complete(std::move(r));
    });
    if (!submitted) {
      --in_flight_;
      v1::VerifyResponse r;
      r.set_id(item.id());
      r.mutable_error()->set_code(static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
      r.mutable_error()->set_message("server overloaded; retry later");
      call_.Item(r, arrived);
      Enqueue(std::move(r));
    }
    MaybeRead();
  }

  void Complete(v1::VerifyResponse response) {
    Actions next;
    {
      absl::MutexLock lock(&mu_);
      --in_flight_;
      Enqueue(std::move(response));
      MaybeRead();
      next = TakeActions();
    }
    Do(next);
  }
  void Enqueue(v1::VerifyResponse r) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (broken_) return;
    outbox_.push_back(std::move(r));
    WriteNext();
  }
  // The front of outbox_ stays put until its OnWriteDone (push_back on a
  // deque moves no element), so it can be written outside mu_.
  void WriteNext() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writing_ || outbox_.empty() || finished_) return;
    writing_ = true;
    start_write_ = &outbox_.front();
  }
  void MaybeRead() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (reading_ || reads_done_ || broken_ || finished_) return;
    if (in_flight_ + static_cast<int>(outbox_.size()) >= kMaxStreamInFlight) return;
    reading_ = true;
    start_read_ = true;
  }
  // The status to finish with, once: when all is read, verified and written.
  std::optional<grpc::Status> MaybeFinish() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || in_flight_ > 0 || writing_ || !outbox_.empty()) return std::nullopt;
    if (!reads_done_ && !broken_) return std::nullopt;
    if (reading_) return std::nullopt;
    finished_ = true;
    call_.End(broken_ ? grpc::StatusCode::CANCELLED : grpc::StatusCode::OK);
    return broken_ ? grpc::Status(grpc::StatusCode::CANCELLED, "client went away")
                   : grpc::Status::OK;
  }

  ValidatorHandler* handler_;
  WorkerPool* pool_;
  const CallMetrics call_;
  const bool subject_allowed_;
  const std::shared_ptr<StreamLimiter> limiter_;
  absl::Mutex mu_;
  // Written by gRPC while reading_; read only by the thread that took it.
  v1::VerifyRequest request_;
  std::deque<v1::VerifyResponse> outbox_ ABSL_GUARDED_BY(mu_);
  const v1::VerifyResponse* start_write_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool start_read_ ABSL_GUARDED_BY(mu_) = false;
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
  CallMetrics call(metrics_, audit_, RpcMethod::kVerifySignedDocument);
  auto rights = Authorize(context, &call.caller);
  if (!rights.ok()) return Refuse(context, rights.status(), call);
  if (context->IsCancelled()) return Refuse(context, Expired(), call);
  absl::Status result = handler_->VerifySignedDocument(*request, rights->personal_data, response);
  return Answer(context, result, response, call);
}

grpc::ServerUnaryReactor* ValidatorService::IssueChallenge(grpc::CallbackServerContext* context,
                                                           const v1::IssueChallengeRequest*,
                                                           v1::Challenge* response) {
  CallMetrics call(metrics_, audit_, RpcMethod::kIssueChallenge);
  auto rights = Authorize(context, &call.caller);
  if (!rights.ok()) return Refuse(context, rights.status(), call);
  if (context->IsCancelled()) return Refuse(context, Expired(), call);
  absl::Status result = handler_->IssueChallenge(response);
  return Answer(context, result, response, call);
}

grpc::ServerUnaryReactor* ValidatorService::VerifyAuthAssertion(
    grpc::CallbackServerContext* context, const v1::VerifyAuthAssertionRequest* request,
    v1::Verdict* response) {
  CallMetrics call(metrics_, audit_, RpcMethod::kVerifyAuthAssertion);
  auto rights = Authorize(context, &call.caller);
  if (!rights.ok()) return Refuse(context, rights.status(), call);
  if (context->IsCancelled()) return Refuse(context, Expired(), call);
  absl::Status result = handler_->VerifyAuthAssertion(*request, rights->personal_data, response);
  return Answer(context, result, response, call);
}

grpc::ServerUnaryReactor* ValidatorService::ValidateCertificate(
    grpc::CallbackServerContext* context, const v1::ValidateCertificateRequest* request,
    v1::Verdict* response) {
  CallMetrics call(metrics_, audit_, RpcMethod::kValidateCertificate);
  auto rights = Authorize(context, &call.caller);
  if (!rights.ok()) return Refuse(context, rights.status(), call);
  if (context->IsCancelled()) return Refuse(context, Expired(), call);
  absl::Status result = handler_->ValidateCertificate(*request, rights->personal_data, response);
  return Answer(context, result, response, call);
}

grpc::ServerUnaryReactor* ValidatorService::VerifyBatch(grpc::CallbackServerContext* context,
                                                        const v1::VerifyBatchRequest* request,
                                                        v1::VerifyBatchResponse* response) {
  auto* reactor = context->DefaultReactor();
  CallMetrics call(metrics_, audit_, RpcMethod::kVerifyBatch);
  auto rights = Authorize(context, &call.caller, std::max(1, request->items_size()));
  if (!rights.ok()) return Refuse(context, rights.status(), call);
  if (context->IsCancelled()) return Refuse(context, Expired(), call);
  if (request->items().empty()) {
    call.End(grpc::StatusCode::INVALID_ARGUMENT);
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "items: empty"));
    return reactor;
  }
  if (request->items_size() > kMaxBatchItems) {
    if (metrics_) metrics_->RecordShed(RpcMethod::kVerifyBatch);
    call.End(grpc::StatusCode::RESOURCE_EXHAUSTED);
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "items: at most 10000 per batch"));
    return reactor;
  }
  std::make_shared<BatchCall>(reactor, request, response, call, rights->personal_data)
      ->Run(handler_, pool_);
  return reactor;
}

namespace {

// A stream refused before it starts.
class RefusedStream final
    : public grpc::ServerBidiReactor<v1::VerifyRequest, v1::VerifyResponse> {
 public:
  explicit RefusedStream(const absl::Status& s) { Finish(ToGrpc(s)); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerBidiReactor<v1::VerifyRequest, v1::VerifyResponse>* ValidatorService::VerifyStream(
    grpc::CallbackServerContext* context) {
  CallMetrics call(metrics_, audit_, RpcMethod::kVerifyStream);
  auto rights = Authorize(context, &call.caller);
  if (rights.ok() && rights->streams != nullptr && !rights->streams->TryOpen()) {
    rights = absl::ResourceExhaustedError(
        absl::StrCat("caller '", rights->name, "' has its maximum of open streams"));
  }
  if (!rights.ok()) {
    call.End(static_cast<grpc::StatusCode>(rights.status().code()));
    return new RefusedStream(rights.status());
  }
  return new StreamCall(handler_, pool_, call, rights->personal_data, rights->streams);
}

absl::StatusOr<CallerRights> ValidatorService::Authorize(grpc::CallbackServerContext* context,
                                                         std::string* caller, double cost) const {
  auto rights = auth_->Identify(*context);
  if (!rights.ok()) return rights.status();
  *caller = rights->name;
  if (!rights->relying_party) {
    return absl::PermissionDeniedError(
        absl::StrCat("caller '", rights->name, "' lacks the RELYING_PARTY role"));
  }
  if (rights->rate != nullptr && !rights->rate->TryTake(cost, absl::Now())) {
    return absl::ResourceExhaustedError(
        absl::StrCat("caller '", rights->name, "' is over its rate limit; retry later"));
  }
  return rights;
}

}  // namespace kensho::server
