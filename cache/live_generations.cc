#include "cache/live_generations.h"

#include <utility>

namespace kensho::cache {

void LiveGenerations::Reset(Set live) {
  auto next = std::make_shared<const Set>(std::move(live));
  absl::MutexLock lock(&mu_);
  live_ = std::move(next);
}

void LiveGenerations::Add(uint64_t generation) {
  absl::MutexLock lock(&mu_);
  if (live_ == nullptr) return;  // not read yet: nothing is garbage anyway
  auto next = std::make_shared<Set>(live_ ? *live_ : Set());
  next->insert(generation);
  live_ = std::move(next);
}

void LiveGenerations::Remove(uint64_t generation) {
  absl::MutexLock lock(&mu_);
  if (live_ == nullptr) return;  // not read yet: nothing is garbage
  auto next = std::make_shared<Set>(*live_);
  next->erase(generation);
  live_ = std::move(next);
}

std::shared_ptr<const LiveGenerations::Set> LiveGenerations::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return live_;
}

}  // namespace kensho::cache
