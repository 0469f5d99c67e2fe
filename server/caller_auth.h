// Who is calling and what they may do.
//
// Without mTLS (loopback only, e.g. the demo) every caller may use the
// Validator and Admin services, and receives the basic 4 only if the
// server-wide switch allows it. With mTLS every caller is identified by its
// verified client certificate (subject or SHA-256 fingerprint) and gets the
// roles configured for it; an unknown certificate is PERMISSION_DENIED, no
// certificate UNAUTHENTICATED. Thread-safe.
#ifndef KENSHO_SERVER_CALLER_AUTH_H_
#define KENSHO_SERVER_CALLER_AUTH_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/per_thread_cache.h"
#include "base/per_thread_snapshot.h"
#include "proto/config.pb.h"

namespace grpc {
class ServerContextBase;
}

namespace kensho::server {

// A token bucket, refilled continuously. Thread-safe.
class RateLimiter {
 public:
  RateLimiter(double per_second, double burst) : rate_(per_second), burst_(burst), tokens_(burst) {}
  // Takes `n` tokens if there are that many at `now`.
  bool TryTake(double n, absl::Time now);

 private:
  const double rate_, burst_;
  absl::Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);
  absl::Time last_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

// Counts a caller's open streams against its limit. Thread-safe.
class StreamLimiter {
 public:
  explicit StreamLimiter(int max) : max_(max) {}
  bool TryOpen();
  void Close();

 private:
  const int max_;
  absl::Mutex mu_;
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

struct CallerRights {
  std::string name;
  bool relying_party = false;
  bool personal_data = false;
  bool admin = false;
  // Shared by all calls of this caller; null = unlimited.
  std::shared_ptr<RateLimiter> rate;
  std::shared_ptr<StreamLimiter> streams;
};

class CallerAuthorizer {
 public:
  explicit CallerAuthorizer(const v1::ServerConfig& config);

  // The caller's rights; UNAUTHENTICATED / PERMISSION_DENIED errors.
  absl::StatusOr<CallerRights> Identify(const grpc::ServerContextBase& context) const;

  // Same, from the peer certificate's PEM ("" when none); for tests.
  absl::StatusOr<CallerRights> IdentifyPem(const std::string& pem) const;

  // Takes the callers and the server-wide switch from a reloaded config
  // (validated by LoadServerConfig; TLS itself cannot change on reload).
  void Reload(const v1::ServerConfig& config);

  bool mtls() const { return mtls_; }

 private:
  struct Caller {
    std::string subject, fingerprint;
    CallerRights rights;
  };
  bool mtls_ = false;
  // The rights without mTLS; every call reads them (base/per_thread_snapshot.h).
  PerThreadSnapshot<const CallerRights> open_rights_{nullptr};
  // Bumped by Reload; every call with mTLS reads it (and writes nothing shared).
  std::atomic<uint64_t> generation_{0};
  // Each thread's recent answers by PEM, tagged with the generation they
  // were found in.
  struct Recent {
    uint64_t generation;
    absl::StatusOr<CallerRights> rights;
  };
  PerThreadCache<std::string, const Recent> recent_{64};
  // PEM -> rights, so a known peer costs a lookup, not a certificate parse.
  mutable absl::Mutex mu_;
  std::vector<Caller> callers_ ABSL_GUARDED_BY(mu_);
  mutable std::unordered_map<std::string, absl::StatusOr<CallerRights>> memo_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace kensho::server

#endif  // KENSHO_SERVER_CALLER_AUTH_H_
