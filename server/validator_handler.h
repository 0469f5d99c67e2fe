// The logic behind kensho.v1.Validator, without gRPC: checks a request,
// resolves its policy, runs the engine and builds the proto verdict.
// Thread-safe.
#ifndef KENSHO_SERVER_VALIDATOR_HANDLER_H_
#define KENSHO_SERVER_VALIDATOR_HANDLER_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/per_thread_snapshot.h"
#include "proto/kensho.pb.h"
#include "verify/engine.h"

namespace kensho::server {

class ValidatorHandler {
 public:
  using Clock = std::function<absl::Time()>;
  ValidatorHandler(std::shared_ptr<verify::Engine> engine, Clock clock);

  // `subject_allowed`: this caller may receive the basic 4 (they are
  // included only when the request also asks with policy.include_subject).
  // The answer is written into `out` (which may live on the call's protobuf
  // arena, so it is built in place rather than copied); on an error status
  // `out` holds nothing meaningful.
  absl::Status VerifySignedDocument(const v1::VerifySignedDocumentRequest& r, bool subject_allowed,
                                    v1::Verdict* out);
  absl::Status IssueChallenge(v1::Challenge* out);
  absl::Status VerifyAuthAssertion(const v1::VerifyAuthAssertionRequest& r, bool subject_allowed,
                                   v1::Verdict* out);
  absl::Status ValidateCertificate(const v1::ValidateCertificateRequest& r, bool subject_allowed,
                                   v1::Verdict* out);
  // One batch/stream item into `out`: a verdict or an ItemError, with the id kept.
  void VerifyItem(const v1::VerifyRequest& r, bool subject_allowed, v1::VerifyResponse* out);

  // The current engine; calls in flight keep the one they started with.
  // Every call asks: the answer comes from the calling thread's own
  // reference (base/per_thread_snapshot.h).
  std::shared_ptr<verify::Engine> engine() const { return engine_.Get(); }
  // Replaces the engine (config reload), atomically for new calls.
  void SwapEngine(std::shared_ptr<verify::Engine> engine);

 private:
  const Clock clock_;
  PerThreadSnapshot<verify::Engine> engine_;
};

}  // namespace kensho::server

#endif  // KENSHO_SERVER_VALIDATOR_HANDLER_H_
