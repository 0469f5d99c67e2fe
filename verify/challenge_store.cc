#include "verify/challenge_store.h"

#include <openssl/rand.h>

#include "absl/status/status.h"

namespace kensho::verify {

InMemoryChallengeStore::InMemoryChallengeStore(absl::Duration ttl, size_t capacity)
    : ttl_(ttl), capacity_(capacity) {}

void InMemoryChallengeStore::Sweep(absl::Time now) {
  // Forget entries a whole ttl after they expired.
  while (!by_expiry_.empty() && by_expiry_.front().first + ttl_ < now) {
    entries_.erase(by_expiry_.front().second);
    by_expiry_.pop_front();
  }
}

absl::StatusOr<IssuedChallenge> InMemoryChallengeStore::Issue(absl::Time now) {
  IssuedChallenge c;
  c.nonce.resize(kNonceBytes);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(c.nonce.data()), kNonceBytes) != 1) {
    return absl::UnavailableError("random generator failed");
  }
  c.expires_at = now + ttl_;
  absl::MutexLock lock(&mu_);
  Sweep(now);
  if (entries_.size() >= capacity_) {
    return absl::ResourceExhaustedError("too many outstanding challenges; try again later");
  }
  entries_.emplace(c.nonce, Entry{c.expires_at, false});
  by_expiry_.emplace_back(c.expires_at, c.nonce);
  return c;
}

ChallengeOutcome InMemoryChallengeStore::Consume(absl::string_view nonce, absl::Time now) {
  absl::MutexLock lock(&mu_);
  Sweep(now);
  auto it = entries_.find(std::string(nonce));
  if (it == entries_.end()) return ChallengeOutcome::kUnknown;
  if (it->second.used) return ChallengeOutcome::kReplayed;
  it->second.used = true;  // an expired nonce is spent too
  if (now >= it->second.expires_at) return ChallengeOutcome::kExpired;
  return ChallengeOutcome::kAccepted;
}

size_t InMemoryChallengeStore::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace kensho::verify
