// A bounded in-memory layer in front of RevocationStore::Lookup (issue 6's
// "hot in-memory layer"): remembers recent answers, revoked and not revoked,
// per (partition, serial), least recently used first out.
//
// Consistency: every answer is tagged with the store's change_count() read
// before the store lookup that produced it, and is reused only while the
// count is unchanged. So an answer is always one the store gave for its
// current state (a whole old set or a whole new set, revocation_store.h);
// any committed replace or removal in this process invalidates everything
// older at once.
//
// Memory: at most `max_entries` answers, about 150 bytes each (revoked or
// not: an answer is the entry's dates and reason, keyed by partition and
// serial).
//
// Each thread also keeps the answers it gave lately in a table of its own
// (base/per_thread_cache.h), checked against the same count: a repeat
// look-up takes no lock and moves nothing in the shared LRU.
//
// Thread-safety: all methods may be called concurrently (sharded mutexes).
// The store must outlive the cache.
#ifndef KENSHO_CACHE_REVOCATION_LOOKUP_CACHE_H_
#define KENSHO_CACHE_REVOCATION_LOOKUP_CACHE_H_

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "base/per_thread_cache.h"
#include "cache/revocation_store.h"

namespace kensho::cache {

class RevocationLookupCache {
 public:
  struct Options {
    size_t max_entries = 100000;
    int shards = 16;
  };

  RevocationLookupCache(const RevocationStore* store, Options options);
  explicit RevocationLookupCache(const RevocationStore* store)
      : RevocationLookupCache(store, Options()) {}
  RevocationLookupCache(const RevocationLookupCache&) = delete;
  RevocationLookupCache& operator=(const RevocationLookupCache&) = delete;

  // The entry RevocationStore::LookupInPartition finds (without the
  // partition's metadata, which the caller has: holding a copy per answer
  // would multiply the memory). Store errors are returned and not cached.
  absl::StatusOr<std::optional<StoredRevokedEntry>> Lookup(absl::string_view partition_id,
                                                           absl::string_view serial) const;

  // Answers held now (for status pages and tests).
  size_t size() const;

 private:
  struct Node {
    std::string key;
    uint64_t change_count;
    bool revoked;
    // When revoked (serial and partition id are the key's).
    absl::Time revocation_date;
    std::optional<crl::RevocationReason> reason;
    std::optional<absl::Time> invalidity_date;
  };
  struct Shard {
    mutable absl::Mutex mu;
    std::list<Node> lru ABSL_GUARDED_BY(mu);  // most recent first
    absl::flat_hash_map<std::string, std::list<Node>::iterator> index ABSL_GUARDED_BY(mu);
  };

  const RevocationStore* store_;
  PerThreadCache<std::string, const Node> recent_;
  size_t per_shard_;
  std::unique_ptr<Shard[]> shards_;
  size_t shard_count_;
};

}  // namespace kensho::cache

#endif  // KENSHO_CACHE_REVOCATION_LOOKUP_CACHE_H_
