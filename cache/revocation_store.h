// Revoked certificates per CRL partition in RocksDB, replaced atomically.
//
// Layout: key_schema.h ("Revocation layout"), values: revocation_codec.h.
// Every replace of a partition writes its entries under a new store-wide
// generation number, then flips the partition's metadata to that generation
// in one synced write. Readers believe an entry only under its partition's
// current generation, so a reader sees the old complete set or the new
// complete set, never a mix, also after a crash at any moment: entries of an
// unflipped generation are invisible.
// Delta CRLs: a partition may also hold one delta generation
// (PartitionMetadata::delta, committed by its own synced flip); lookups read
// it before the complete CRL's (removeFromCRL there releases a held
// certificate), and a new complete CRL retires it.
// Garbage: nothing is ever deleted entry by entry. A generation is "live"
// (live_generations.h) from before its first write until it is replaced,
// removed or abandoned; the revoked family's compaction filter drops every
// entry of a generation that is not live, so a replace costs its writes
// only, and what a killed writer left behind goes with later compactions.
// When retired entries reach the live ones (or kCompactionGarbageFloor) the
// store asks RocksDB for a background compaction of the family.
// Durability: a writer's first Options::wal_entries entries go through the
// WAL unsynced (the synced flip also makes every earlier WAL record durable).
// Beyond that (CRLs of millions of entries), entry batches skip the WAL and
// go to the memtable only: the WAL doubled the bytes written and made a
// restart replay millions of records. Such a writer's Commit first flushes
// the revoked family (DB::Flush, waited for): every entry of the generation
// is then in synced SST files recorded in the synced MANIFEST, and only then
// does the synced flip (WAL) point the partition at it. So a flipped
// generation is complete after any crash; entries of an unflipped one are
// invisible, and garbage once the store is reopened.
//
// Thread-safety: all methods may be called concurrently. Replacing the same
// partition from two writers at once is safe (the last commit wins) but
// wasteful; the refresher should deduplicate. Writers must not outlive the
// store, and the store must not outlive the RocksStore.
#ifndef KENSHO_CACHE_REVOCATION_STORE_H_
#define KENSHO_CACHE_REVOCATION_STORE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "cache/revocation_codec.h"
#include "cache/rocks_store.h"
#include "crl/revoked_entry.h"

namespace rocksdb {
class ColumnFamilyHandle;
class WriteBatch;
struct ReadOptions;
}  // namespace rocksdb

namespace kensho::cache {

struct RevocationHit {
  StoredRevokedEntry entry;
  PartitionMetadata partition;  // the partition whose current CRL lists it
};

class RevocationStore;

// Writes one new generation of one partition; a crl::RevokedEntrySink for
// partition_ingest.h. Not thread-safe (one ingest feeds it). Destroying it
// without a successful Commit deletes what it wrote (best effort; the next
// sweep catches the rest).
class PartitionWriter : public crl::RevokedEntrySink {
 public:
  ~PartitionWriter() override;
  PartitionWriter(const PartitionWriter&) = delete;
  PartitionWriter& operator=(const PartitionWriter&) = delete;

  // Buffers the entry and writes it in the next batch (unsynced).
  absl::Status Add(const crl::RevokedEntry& entry) override;
  // Writes buffered entries; once the writer has skipped the WAL, also
  // flushes the revoked family to SST files. Entries stay invisible to
  // readers. Commit does this itself; not needed otherwise.
  absl::Status Flush();
  // Makes this generation current: writes remaining entries, then
  // `metadata` (partition_id and issuer_key_id must match BeginReplace;
  // generation and entry_count are set here) in one synced write, then
  // deletes the previous generation. Only once.
  absl::Status Commit(PartitionMetadata metadata);
  // For a writer from BeginDelta: makes this generation the partition's
  // delta CRL (generation and entry_count are set here), over the complete
  // CRL it holds now, in one synced write; the previous delta is retired.
  absl::Status CommitDelta(PartitionMetadata::Delta delta);

  uint64_t generation() const { return generation_; }
  int64_t entries_written() const { return entries_; }

 private:
  friend class RevocationStore;
  PartitionWriter(RevocationStore* store, std::string partition_id, std::string issuer_key_id,
                  uint64_t generation, bool delta);
  // Writes the buffered batch (memtable only, no WAL).
  absl::Status WriteBuffered();

  RevocationStore* store_;
  std::string partition_id_;
  std::string issuer_key_id_;
  uint64_t generation_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;
  int batched_ = 0;
  int64_t entries_ = 0;
  bool skipped_wal_ = false;  // some batch was written without the WAL
  bool committed_ = false;
  const bool delta_;  // from BeginDelta
};

class RevocationStore {
 public:
  struct Options {
    int batch_entries = 8192;  // entries per unsynced WriteBatch
    // Entries per writer written through the WAL; later batches skip it and
    // Commit flushes the memtables instead (see the top of this file).
    int64_t wal_entries = 65536;
  };

  // `rocks` is not owned. Sweeps generations left by interrupted replaces.
  static absl::StatusOr<std::unique_ptr<RevocationStore>> Open(RocksStore* rocks, Options options);
  static absl::StatusOr<std::unique_ptr<RevocationStore>> Open(RocksStore* rocks) {
    return Open(rocks, Options());
  }

  // Starts a replace of `partition_id` whose entries are keyed under
  // `issuer_key_id` (the CRL signer's SKI = the certificates' AKI keyid).
  absl::StatusOr<std::unique_ptr<PartitionWriter>> BeginReplace(absl::string_view partition_id,
                                                                absl::string_view issuer_key_id);
  // Starts writing a delta CRL for `partition_id` (PartitionWriter::CommitDelta).
  absl::StatusOr<std::unique_ptr<PartitionWriter>> BeginDelta(absl::string_view partition_id,
                                                              absl::string_view issuer_key_id);

  // BeginReplace + `write_entries(writer)` + Commit(metadata). When
  // write_entries fails, nothing changes for readers and its error is
  // returned.
  absl::Status ReplacePartition(const PartitionMetadata& metadata,
                                absl::FunctionRef<absl::Status(crl::RevokedEntrySink&)> write_entries);

  // Forgets a partition and its entries (e.g. removed from the config).
  absl::Status RemovePartition(absl::string_view partition_id);

  // The current revocation of (issuer key id, serial) if any partition's
  // current CRL lists it. `serial` as crl::RevokedEntry::serial.
  absl::StatusOr<std::optional<RevocationHit>> Lookup(absl::string_view issuer_key_id,
                                                      absl::string_view serial) const;
  // The revocation of `serial` in the current CRL of `partition_id` (the
  // hot path: the certificate's distribution point names the partition).
  // Two point reads in one snapshot, the partition's metadata and then the
  // one entry key of its current generation, with no iterator: a few
  // microseconds where Lookup's prefix seek costs tens at 10M entries.
  // nullopt when the partition is unknown or does not list the serial.
  absl::StatusOr<std::optional<RevocationHit>> LookupInPartition(absl::string_view partition_id,
                                                                 absl::string_view serial) const;
  absl::StatusOr<std::optional<PartitionMetadata>> GetPartition(absl::string_view partition_id) const;
  absl::StatusOr<std::vector<PartitionMetadata>> ListPartitions() const;

  // Compacts the whole revoked family now, dropping every entry of a
  // retired generation (for tests and maintenance; garbage otherwise goes
  // with RocksDB's background compactions).
  absl::Status CompactGarbage();

  // Increases (in this process) after every change readers can see: a
  // committed replace or a removed partition. A cache of Lookup answers
  // (revocation_lookup_cache.h) is valid while this is unchanged.
  uint64_t change_count() const { return changes_.load(std::memory_order_acquire); }

 private:
  friend class PartitionWriter;
  RevocationStore(RocksStore* rocks, Options options);

  enum class Durability { kNoWal, kUnsynced, kSynced };
  absl::Status WriteBatch(rocksdb::WriteBatch* batch, Durability durability);
  // Flushes the revoked family's memtables to SST files and waits.
  absl::Status FlushEntries();
  absl::Status CommitWriter(PartitionWriter* writer, PartitionMetadata metadata);
  absl::Status CommitDeltaWriter(PartitionWriter* writer, PartitionMetadata::Delta delta);
  absl::StatusOr<std::unique_ptr<PartitionWriter>> BeginWriter(absl::string_view partition_id,
                                                               absl::string_view issuer_key_id,
                                                               bool delta);
  void AbandonWriter(PartitionWriter* writer);
  // Makes `generation` (of `entries` entries) garbage.
  void Retire(uint64_t generation, int64_t entries) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The serial's entry in `partition` as it stands (delta CRL first).
  absl::StatusOr<std::optional<StoredRevokedEntry>> CurrentEntry(const rocksdb::ReadOptions& ro,
                                                                 const PartitionMetadata& partition,
                                                                 absl::string_view serial) const;
  absl::StatusOr<std::optional<RevocationHit>> LookupOnce(absl::string_view issuer_key_id,
                                                          absl::string_view serial) const;
  absl::StatusOr<std::optional<RevocationHit>> LookupInPartitionOnce(absl::string_view partition_id,
                                                                     absl::string_view serial) const;

  static constexpr int64_t kCompactionGarbageFloor = 1000000;

  RocksStore* rocks_;
  rocksdb::ColumnFamilyHandle* revoked_;
  rocksdb::ColumnFamilyHandle* partitions_;
  Options options_;
  std::atomic<uint64_t> changes_{0};
  // Serializes generation allocation and metadata flips.
  absl::Mutex mu_;
  int64_t live_entries_ ABSL_GUARDED_BY(mu_) = 0;     // in current generations
  int64_t garbage_entries_ ABSL_GUARDED_BY(mu_) = 0;  // retired since the last compaction asked for
};

}  // namespace kensho::cache

#endif  // KENSHO_CACHE_REVOCATION_STORE_H_
