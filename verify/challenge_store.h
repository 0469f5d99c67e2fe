// Single-use login nonces (利用者証明用 login, step 1 and 2).
//
// An interface so that several replicas can later share one store (a nonce
// is accepted only by the cluster that issued it); InMemoryChallengeStore is
// the single-process implementation. Time is passed in.
#ifndef KENSHO_VERIFY_CHALLENGE_STORE_H_
#define KENSHO_VERIFY_CHALLENGE_STORE_H_

#include <deque>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace kensho::verify {

inline constexpr size_t kNonceBytes = 32;

struct IssuedChallenge {
  std::string nonce;
  absl::Time expires_at;
};

enum class ChallengeOutcome {
  kAccepted,  // first use, before expiry: the nonce is now spent
  kUnknown,   // never issued here (or forgotten long after expiry)
  kExpired,
  kReplayed,  // already used
};

class ChallengeStore {
 public:
  virtual ~ChallengeStore() = default;
  // ResourceExhausted when the store holds its limit of live nonces.
  virtual absl::StatusOr<IssuedChallenge> Issue(absl::Time now) = 0;
  // Marks the nonce used; the outcome says whether this use is the valid one.
  virtual ChallengeOutcome Consume(absl::string_view nonce, absl::Time now) = 0;
  virtual size_t size() const = 0;
};

class InMemoryChallengeStore final : public ChallengeStore {
 public:
  // Nonces live `ttl`; spent and expired ones are remembered another `ttl`
  // so that a late replay is reported as such. At most `capacity` entries.
  InMemoryChallengeStore(absl::Duration ttl, size_t capacity);

  absl::StatusOr<IssuedChallenge> Issue(absl::Time now) override;
  ChallengeOutcome Consume(absl::string_view nonce, absl::Time now) override;
  size_t size() const override;

 private:
  struct Entry {
    absl::Time expires_at;
    bool used = false;
  };
  void Sweep(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration ttl_;
  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::unordered_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  // Issue order = expiry order (one ttl for all): sweeping pops the front.
  std::deque<std::pair<absl::Time, std::string>> by_expiry_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kensho::verify

#endif  // KENSHO_VERIFY_CHALLENGE_STORE_H_
