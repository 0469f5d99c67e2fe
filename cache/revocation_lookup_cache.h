// A bounded in-memory layer in front of RevocationStore::Lookup (issue 6's
// "hot in-memory layer"): remembers recent answers, revoked and not revoked,
// per (issuer key id, serial), least recently used first out.
//
// Consistency: every answer is tagged with the store's change_count() read
// before the store lookup that produced it, and is reused only while the
// count is unchanged. So an answer is always one the store gave for its
// current state (a whole old set or a whole new set, revocation_store.h);
// any committed replace or removal in this process invalidates everything
// older at once.
//
// Memory: at most `max_entries` answers (about 150 bytes each; a revoked
// answer also holds its copy of the partition metadata, a few hundred bytes).
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

  // As RevocationStore::Lookup. Store errors are returned and not cached.
  absl::StatusOr<std::optional<RevocationHit>> Lookup(absl::string_view issuer_key_id,
                                                      absl::string_view serial) const;

  // Answers held now (for status pages and tests).
  size_t size() const;

 private:
  struct Node {
    std::string key;
    uint64_t change_count;
    std::shared_ptr<const RevocationHit> hit;  // nullptr: not revoked
  };
  struct Shard {
    mutable absl::Mutex mu;
    std::list<Node> lru ABSL_GUARDED_BY(mu);  // most recent first
    absl::flat_hash_map<std::string, std::list<Node>::iterator> index ABSL_GUARDED_BY(mu);
  };

  const RevocationStore* store_;
  size_t per_shard_;
  std::unique_ptr<Shard[]> shards_;
  size_t shard_count_;
};

}  // namespace kensho::cache

#endif  // KENSHO_CACHE_REVOCATION_LOOKUP_CACHE_H_
