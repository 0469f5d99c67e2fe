// The RocksDB database under the data directory, with every column family of
// key_schema.h open.
//
// Thread-safety: RocksDB handles concurrent readers and writers; this class
// adds no mutable state after Open().
#ifndef KENSHO_CACHE_ROCKS_STORE_H_
#define KENSHO_CACHE_ROCKS_STORE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cache/live_generations.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
}  // namespace rocksdb

namespace kensho::cache {

class RocksStore {
 public:
  // Opens (creating if needed) the database in `dir`. Fails with a message
  // naming the folder when it is unwritable, held by another process, or
  // written by a newer schema.
  static absl::StatusOr<std::unique_ptr<RocksStore>> Open(const std::string& dir);

  // Memory bounds (rocks_store.cc): the revoked family's memtable size (at
  // most 3 of them) and the block cache shared by every family, which also
  // holds the index and bloom filter blocks.
  static constexpr size_t kRevokedWriteBufferBytes = 8 << 20;
  static constexpr size_t kBlockCacheBytes = 24 << 20;
  ~RocksStore();

  RocksStore(const RocksStore&) = delete;
  RocksStore& operator=(const RocksStore&) = delete;

  // nullopt when absent. `family` is one of key_schema.h's names.
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view family,
                                                 absl::string_view key) const;

  // Applies all puts and deletes atomically and durably (synced WAL).
  struct Write {
    std::string family;
    std::string key;
    std::optional<std::string> value;  // nullopt deletes
  };
  absl::Status Commit(const std::vector<Write>& writes);

  // RocksDB's estimate of the keys in `family`, for status pages.
  int64_t EstimateKeys(absl::string_view family) const;

  const std::string& dir() const { return dir_; }

  // Direct access for storage classes in cache/ that need their own
  // WriteBatches and iterators (revocation_store.h). Valid while this lives;
  // `family` is nullptr for an unknown name.
  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* family(absl::string_view name) const { return Family(name); }
  // Read by the revoked family's compaction filter; kept by RevocationStore.
  LiveGenerations* live_generations() const { return live_generations_.get(); }

 private:
  RocksStore() = default;
  rocksdb::ColumnFamilyHandle* Family(absl::string_view name) const;

  std::string dir_;
  std::shared_ptr<LiveGenerations> live_generations_;  // before db_: outlives it
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> families_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace kensho::cache

#endif  // KENSHO_CACHE_ROCKS_STORE_H_
