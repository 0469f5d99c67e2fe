#include "cache/revocation_store.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "cache/key_schema.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/snapshot.h"
#include "rocksdb/write_batch.h"

namespace kensho::cache {
namespace {

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(what, ": ", s.ToString());
  if (s.IsIOError() && s.subcode() == rocksdb::Status::kNoSpace) return absl::ResourceExhaustedError(message);
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsIOError() || s.IsBusy() || s.IsTryAgain()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

rocksdb::Slice AsSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
absl::string_view AsView(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

// A snapshot released on scope exit.
class ScopedSnapshot {
 public:
  explicit ScopedSnapshot(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {}
  ~ScopedSnapshot() { db_->ReleaseSnapshot(snapshot_); }
  rocksdb::ReadOptions Read() const {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot_;
    return ro;
  }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

}  // namespace

// ---- PartitionWriter

PartitionWriter::PartitionWriter(RevocationStore* store, std::string partition_id, std::string issuer_key_id,
                                 uint64_t generation)
    : store_(store),
      partition_id_(std::move(partition_id)),
      issuer_key_id_(std::move(issuer_key_id)),
      generation_(generation),
      batch_(std::make_unique<rocksdb::WriteBatch>()) {}

PartitionWriter::~PartitionWriter() {
  if (!committed_) store_->AbandonWriter(this);
}

absl::Status PartitionWriter::Add(const crl::RevokedEntry& entry) {
  if (committed_) return absl::FailedPreconditionError("partition writer already committed");
  if (entry.serial.empty() || entry.serial.size() > kMaxSerialBytes) {
    return absl::InvalidArgumentError("serial number empty or too long");
  }
  const std::string key = EntryKey(issuer_key_id_, entry.serial, generation_);
  KENSHO_RETURN_IF_ERROR(FromRocks(
      batch_->Put(store_->revoked_, key, EncodeEntryValue(entry, partition_id_)), "batch"));
  index_.push_back(static_cast<char>(key.size()));  // keys are < 256 bytes (codec limits)
  index_.append(key);
  ++entries_;
  if (++batched_ >= store_->options_.batch_entries) return WriteBuffered();
  return absl::OkStatus();
}

absl::Status PartitionWriter::Flush() {
  KENSHO_RETURN_IF_ERROR(WriteBuffered());
  return skipped_wal_ ? store_->FlushEntries() : absl::OkStatus();
}

absl::Status PartitionWriter::WriteBuffered() {
  if (batched_ == 0) return absl::OkStatus();
  // The batch's index record goes in the same atomic batch as its entries.
  std::string index_key = GenerationPrefix(generation_);
  AppendBigEndian64(batches_++, &index_key);
  KENSHO_RETURN_IF_ERROR(
      FromRocks(batch_->Put(store_->revoked_, index_key, index_), "batch"));
  // The first wal_entries go through the WAL (small partitions: no forced
  // memtable flush per commit); the rest of a big CRL skips it.
  const bool skip_wal = entries_ > store_->options_.wal_entries;
  skipped_wal_ = skipped_wal_ || skip_wal;
  KENSHO_RETURN_IF_ERROR(store_->WriteBatch(
      batch_.get(), skip_wal ? RevocationStore::Durability::kNoWal : RevocationStore::Durability::kUnsynced));
  batch_->Clear();
  index_.clear();
  batched_ = 0;
  return absl::OkStatus();
}

absl::Status PartitionWriter::Commit(PartitionMetadata metadata) {
  if (committed_) return absl::FailedPreconditionError("partition writer already committed");
  if (metadata.partition_id != partition_id_ || metadata.issuer_key_id != issuer_key_id_) {
    return absl::InvalidArgumentError("metadata does not match the partition being written");
  }
  KENSHO_RETURN_IF_ERROR(WriteBuffered());
  // Batches written without the WAL: every entry and index record of this
  // generation into SST files (synced, in the MANIFEST) before the synced
  // flip can make it current. (Batches in the WAL are made durable by the
  // synced flip itself, which syncs every earlier WAL record.)
  if (skipped_wal_) KENSHO_RETURN_IF_ERROR(store_->FlushEntries());
  metadata.generation = generation_;
  metadata.entry_count = entries_;
  KENSHO_RETURN_IF_ERROR(store_->CommitWriter(this, std::move(metadata)));
  committed_ = true;
  return absl::OkStatus();
}

// ---- RevocationStore

RevocationStore::RevocationStore(RocksStore* rocks, Options options)
    : rocks_(rocks),
      revoked_(rocks->family(kRevokedFamily)),
      partitions_(rocks->family(kPartitionsFamily)),
      options_(options) {}

absl::StatusOr<std::unique_ptr<RevocationStore>> RevocationStore::Open(RocksStore* rocks, Options options) {
  if (rocks == nullptr || rocks->family(kRevokedFamily) == nullptr ||
      rocks->family(kPartitionsFamily) == nullptr || rocks->family(kMetaFamily) == nullptr) {
    return absl::InvalidArgumentError("RevocationStore needs an open RocksStore with its families");
  }
  if (options.batch_entries < 1) options.batch_entries = 1;
  std::unique_ptr<RevocationStore> store(new RevocationStore(rocks, options));
  KENSHO_RETURN_IF_ERROR(store->SweepOrphans().status());
  return store;
}

absl::Status RevocationStore::WriteBatch(rocksdb::WriteBatch* batch, Durability durability) {
  rocksdb::WriteOptions wo;
  wo.sync = durability == Durability::kSynced;  // kUnsynced: WAL, not synced
  wo.disableWAL = durability == Durability::kNoWal;
  return FromRocks(rocks_->db()->Write(wo, batch), "RocksDB write");
}

absl::Status RevocationStore::FlushEntries() {
  rocksdb::FlushOptions fo;
  fo.wait = true;
  fo.allow_write_stall = true;
  return FromRocks(rocks_->db()->Flush(fo, revoked_), "RocksDB flush");
}

absl::StatusOr<std::unique_ptr<PartitionWriter>> RevocationStore::BeginReplace(
    absl::string_view partition_id, absl::string_view issuer_key_id) {
  if (partition_id.empty()) return absl::InvalidArgumentError("empty partition id");
  if (issuer_key_id.empty() || issuer_key_id.size() > kMaxKeyIdBytes) {
    return absl::InvalidArgumentError("issuer key id empty or too long");
  }
  absl::MutexLock lock(&mu_);
  KENSHO_ASSIGN_OR_RETURN(std::optional<std::string> next,
                          rocks_->Get(kMetaFamily, kNextRevocationGenerationKey));
  uint64_t generation = 1;
  if (next.has_value()) {
    if (next->size() != 8) return absl::DataLossError("corrupt revocation generation counter");
    generation = ReadBigEndian64(*next);
  }
  std::string bumped;
  AppendBigEndian64(generation + 1, &bumped);
  // Durable before any entry of this generation exists, so it is never reused.
  KENSHO_RETURN_IF_ERROR(rocks_->Commit({{kMetaFamily, kNextRevocationGenerationKey, bumped}}));
  in_progress_.insert(generation);
  return std::unique_ptr<PartitionWriter>(
      new PartitionWriter(this, std::string(partition_id), std::string(issuer_key_id), generation));
}

absl::Status RevocationStore::CommitWriter(PartitionWriter* writer, PartitionMetadata metadata) {
  std::optional<uint64_t> old_generation;
  {
    absl::MutexLock lock(&mu_);
    KENSHO_ASSIGN_OR_RETURN(std::optional<PartitionMetadata> old, GetPartition(metadata.partition_id));
    if (old.has_value()) old_generation = old->generation;
    rocksdb::WriteBatch flip;
    KENSHO_RETURN_IF_ERROR(FromRocks(
        flip.Put(rocks_->family(kPartitionsFamily), metadata.partition_id, EncodePartition(metadata)),
        "batch"));
    KENSHO_RETURN_IF_ERROR(WriteBatch(&flip, Durability::kSynced));
    in_progress_.erase(writer->generation());
    changes_.fetch_add(1, std::memory_order_release);
  }
  // The flip is durable; if this fails the sweep deletes the leftovers.
  if (old_generation.has_value() && *old_generation != writer->generation()) {
    int64_t deleted = 0;
    DeleteGeneration(*old_generation, &deleted).IgnoreError();
  }
  return absl::OkStatus();
}

void RevocationStore::AbandonWriter(PartitionWriter* writer) {
  int64_t deleted = 0;
  DeleteGeneration(writer->generation(), &deleted).IgnoreError();
  absl::MutexLock lock(&mu_);
  in_progress_.erase(writer->generation());
}

absl::Status RevocationStore::ReplacePartition(
    const PartitionMetadata& metadata,
    absl::FunctionRef<absl::Status(crl::RevokedEntrySink&)> write_entries) {
  KENSHO_ASSIGN_OR_RETURN(std::unique_ptr<PartitionWriter> writer,
                          BeginReplace(metadata.partition_id, metadata.issuer_key_id));
  KENSHO_RETURN_IF_ERROR(write_entries(*writer));
  return writer->Commit(metadata);
}

absl::Status RevocationStore::RemovePartition(absl::string_view partition_id) {
  std::optional<uint64_t> generation;
  {
    absl::MutexLock lock(&mu_);
    KENSHO_ASSIGN_OR_RETURN(std::optional<PartitionMetadata> old, GetPartition(partition_id));
    if (!old.has_value()) return absl::OkStatus();
    generation = old->generation;
    KENSHO_RETURN_IF_ERROR(rocks_->Commit({{kPartitionsFamily, std::string(partition_id), std::nullopt}}));
    changes_.fetch_add(1, std::memory_order_release);
  }
  int64_t deleted = 0;
  return DeleteGeneration(*generation, &deleted);
}

absl::Status RevocationStore::DeleteGeneration(uint64_t generation, int64_t* deleted) {
  rocksdb::ColumnFamilyHandle* cf = revoked_;
  const std::string prefix = GenerationPrefix(generation);
  const std::string end = GenerationPrefix(generation + 1);
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  ro.fill_cache = false;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(rocks_->db()->NewIterator(ro, cf));
  rocksdb::WriteBatch batch;
  int batched = 0;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (!absl::StartsWith(AsView(it->key()), prefix)) break;
    absl::string_view keys = AsView(it->value());
    while (!keys.empty()) {
      const size_t n = static_cast<uint8_t>(keys[0]);
      if (n + 1 > keys.size()) return absl::DataLossError("corrupt revocation generation index");
      KENSHO_RETURN_IF_ERROR(FromRocks(batch.Delete(cf, AsSlice(keys.substr(1, n))), "batch"));
      keys.remove_prefix(n + 1);
      ++*deleted;
      if (++batched >= options_.batch_entries) {
        KENSHO_RETURN_IF_ERROR(WriteBatch(&batch, Durability::kNoWal));
        batch.Clear();
        batched = 0;
      }
    }
  }
  KENSHO_RETURN_IF_ERROR(FromRocks(it->status(), "RocksDB iterate"));
  it.reset();
  // The index last: if this is interrupted, the sweep finds the generation again.
  KENSHO_RETURN_IF_ERROR(FromRocks(batch.DeleteRange(cf, prefix, end), "batch"));
  return WriteBatch(&batch, Durability::kNoWal);
}

absl::StatusOr<std::optional<RevocationHit>> RevocationStore::Lookup(absl::string_view issuer_key_id,
                                                                     absl::string_view serial) const {
  if (issuer_key_id.size() > kMaxKeyIdBytes || serial.size() > kMaxSerialBytes) {
    return std::optional<RevocationHit>();
  }
  rocksdb::DB* db = rocks_->db();
  ScopedSnapshot snapshot(db);
  const std::string prefix = EntryKeyPrefix(issuer_key_id, serial);
  rocksdb::ReadOptions ro = snapshot.Read();
  ro.prefix_same_as_start = true;  // the prefix bloom filters skip SSTs without it
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, revoked_));
  for (it->Seek(AsSlice(prefix)); it->Valid(); it->Next()) {
    const absl::string_view key = AsView(it->key());
    if (!absl::StartsWith(key, prefix)) break;
    if (key.size() != prefix.size() + 8) return absl::DataLossError("corrupt revoked entry key");
    const uint64_t generation = ReadBigEndian64(key.substr(prefix.size()));
    KENSHO_ASSIGN_OR_RETURN(StoredRevokedEntry entry, DecodeEntryValue(AsView(it->value())));
    std::string value;
    rocksdb::Status s = db->Get(ro, partitions_, entry.partition_id, &value);
    if (s.IsNotFound()) continue;
    KENSHO_RETURN_IF_ERROR(FromRocks(s, "RocksDB read"));
    KENSHO_ASSIGN_OR_RETURN(PartitionMetadata partition, DecodePartition(value));
    if (partition.generation != generation) continue;  // not (or no longer) current
    entry.serial = std::string(serial);
    return std::optional<RevocationHit>(RevocationHit{std::move(entry), std::move(partition)});
  }
  KENSHO_RETURN_IF_ERROR(FromRocks(it->status(), "RocksDB iterate"));
  return std::optional<RevocationHit>();
}

absl::StatusOr<std::optional<RevocationHit>> RevocationStore::LookupInPartition(
    absl::string_view partition_id, absl::string_view serial) const {
  if (serial.size() > kMaxSerialBytes) return std::optional<RevocationHit>();
  rocksdb::DB* db = rocks_->db();
  // One snapshot for both reads: a replace committed in between would
  // otherwise let us read the old generation after it was deleted (a
  // revoked certificate reported as not listed).
  ScopedSnapshot snapshot(db);
  const rocksdb::ReadOptions ro = snapshot.Read();
  std::string value;
  rocksdb::Status s = db->Get(ro, partitions_, AsSlice(partition_id), &value);
  if (s.IsNotFound()) return std::optional<RevocationHit>();
  KENSHO_RETURN_IF_ERROR(FromRocks(s, "RocksDB read"));
  KENSHO_ASSIGN_OR_RETURN(PartitionMetadata partition, DecodePartition(value));
  if (partition.issuer_key_id.size() > kMaxKeyIdBytes) return absl::DataLossError("corrupt partition key id");
  const std::string key = EntryKey(partition.issuer_key_id, serial, partition.generation);
  s = db->Get(ro, revoked_, AsSlice(key), &value);
  if (s.IsNotFound()) return std::optional<RevocationHit>();
  KENSHO_RETURN_IF_ERROR(FromRocks(s, "RocksDB read"));
  KENSHO_ASSIGN_OR_RETURN(StoredRevokedEntry entry, DecodeEntryValue(value));
  if (entry.partition_id != partition_id) return absl::DataLossError("revoked entry of another partition");
  entry.serial = std::string(serial);
  return std::optional<RevocationHit>(RevocationHit{std::move(entry), std::move(partition)});
}

absl::StatusOr<std::optional<PartitionMetadata>> RevocationStore::GetPartition(
    absl::string_view partition_id) const {
  KENSHO_ASSIGN_OR_RETURN(std::optional<std::string> value, rocks_->Get(kPartitionsFamily, partition_id));
  if (!value.has_value()) return std::optional<PartitionMetadata>();
  KENSHO_ASSIGN_OR_RETURN(PartitionMetadata m, DecodePartition(*value));
  return std::optional<PartitionMetadata>(std::move(m));
}

absl::StatusOr<std::vector<PartitionMetadata>> RevocationStore::ListPartitions() const {
  std::vector<PartitionMetadata> out;
  std::unique_ptr<rocksdb::Iterator> it(
      rocks_->db()->NewIterator(rocksdb::ReadOptions(), rocks_->family(kPartitionsFamily)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    KENSHO_ASSIGN_OR_RETURN(PartitionMetadata m, DecodePartition(AsView(it->value())));
    out.push_back(std::move(m));
  }
  KENSHO_RETURN_IF_ERROR(FromRocks(it->status(), "RocksDB iterate"));
  return out;
}

absl::StatusOr<SweepStats> RevocationStore::SweepOrphans() {
  std::set<uint64_t> keep;
  uint64_t next_generation = 1;
  {
    absl::MutexLock lock(&mu_);
    keep = in_progress_;
    KENSHO_ASSIGN_OR_RETURN(std::vector<PartitionMetadata> partitions, ListPartitions());
    for (const PartitionMetadata& p : partitions) keep.insert(p.generation);
    KENSHO_ASSIGN_OR_RETURN(std::optional<std::string> next,
                            rocks_->Get(kMetaFamily, kNextRevocationGenerationKey));
    if (next.has_value() && next->size() == 8) next_generation = ReadBigEndian64(*next);
  }
  SweepStats stats;
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(rocks_->db()->NewIterator(ro, revoked_));
  const std::string index_prefix(1, kRevokedGenerationPrefix);
  it->Seek(index_prefix);
  while (it->Valid()) {
    const absl::string_view key = AsView(it->key());
    if (!absl::StartsWith(key, index_prefix) || key.size() < 9) break;
    const uint64_t generation = ReadBigEndian64(key.substr(1, 8));
    // Generations allocated after the sweep began belong to new writers.
    if (generation >= next_generation) break;
    if (!keep.count(generation)) {
      KENSHO_RETURN_IF_ERROR(DeleteGeneration(generation, &stats.entries));
      ++stats.generations;
    }
    if (generation == UINT64_MAX) break;
    it->Seek(GenerationPrefix(generation + 1));
  }
  KENSHO_RETURN_IF_ERROR(FromRocks(it->status(), "RocksDB iterate"));
  return stats;
}

}  // namespace kensho::cache
