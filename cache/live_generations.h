// Which revocation generations are live: current for some partition, or
// being written. The revoked family's compaction filter (rocks_store.cc)
// drops entries of every other generation, so replacing or removing a
// partition writes no deletes at all: the old generation becomes garbage
// that compaction leaves behind (revocation_store.h).
//
// Until the first Reset() nothing is garbage: compactions may run as soon as
// RocksDB opens, before the store has read which generations are current.
// Thread-safe.
#ifndef KENSHO_CACHE_LIVE_GENERATIONS_H_
#define KENSHO_CACHE_LIVE_GENERATIONS_H_

#include <cstdint>
#include <memory>
#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace kensho::cache {

class LiveGenerations {
 public:
  using Set = std::set<uint64_t>;

  void Reset(Set live);
  void Add(uint64_t generation);
  void Remove(uint64_t generation);

  // The live set now, for one compaction (its inputs were all written
  // before it started, and a generation is live before its first write);
  // nullptr before the first Reset.
  std::shared_ptr<const Set> Snapshot() const;

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const Set> live_ ABSL_GUARDED_BY(mu_);  // copy on write
};

}  // namespace kensho::cache

#endif  // KENSHO_CACHE_LIVE_GENERATIONS_H_
