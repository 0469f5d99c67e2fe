#include "cache/revocation_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "cache/key_schema.h"
#include "rocksdb/db.h"
#include "rocksdb/experimental.h"
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
                                 uint64_t generation, bool delta)
    : store_(store),
      partition_id_(std::move(partition_id)),
      issuer_key_id_(std::move(issuer_key_id)),
      generation_(generation),
      batch_(std::make_unique<rocksdb::WriteBatch>()),
      delta_(delta) {}

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
  // The first wal_entries go through the WAL (small partitions: no forced
  // memtable flush per commit); the rest of a big CRL skips it.
  const bool skip_wal = entries_ > store_->options_.wal_entries;
  skipped_wal_ = skipped_wal_ || skip_wal;
  KENSHO_RETURN_IF_ERROR(store_->WriteBatch(
      batch_.get(), skip_wal ? RevocationStore::Durability::kNoWal : RevocationStore::Durability::kUnsynced));
  batch_->Clear();
  batched_ = 0;
  return absl::OkStatus();
}

absl::Status PartitionWriter::Commit(PartitionMetadata metadata) {
  if (committed_) return absl::FailedPreconditionError("partition writer already committed");
  if (delta_) return absl::FailedPreconditionError("a delta writer commits with CommitDelta");
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
  metadata.delta.reset();  // a new complete CRL supersedes any delta
  KENSHO_RETURN_IF_ERROR(store_->CommitWriter(this, std::move(metadata)));
  committed_ = true;
  return absl::OkStatus();
}

absl::Status PartitionWriter::CommitDelta(PartitionMetadata::Delta delta) {
  if (committed_) return absl::FailedPreconditionError("partition writer already committed");
  if (!delta_) return absl::FailedPreconditionError("not a delta writer (BeginDelta)");
  KENSHO_RETURN_IF_ERROR(WriteBuffered());
  if (skipped_wal_) KENSHO_RETURN_IF_ERROR(store_->FlushEntries());
  delta.generation = generation_;
  delta.entry_count = entries_;
  KENSHO_RETURN_IF_ERROR(store_->CommitDeltaWriter(this, std::move(delta)));
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
  // What is live now: the partitions' current generations (no writer runs
  // yet). Everything else, e.g. what a writer killed mid-replace left, is
  // garbage from here on.
  KENSHO_ASSIGN_OR_RETURN(std::vector<PartitionMetadata> partitions, store->ListPartitions());
  LiveGenerations::Set live;
  absl::MutexLock lock(&store->mu_);
  for (const PartitionMetadata& p : partitions) {
    live.insert(p.generation);
    store->live_entries_ += p.entry_count;
    if (p.delta.has_value()) {
      live.insert(p.delta->generation);
      store->live_entries_ += p.delta->entry_count;
    }
  }
  rocks->live_generations()->Reset(std::move(live));
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
  return BeginWriter(partition_id, issuer_key_id, /*delta=*/false);
}

absl::StatusOr<std::unique_ptr<PartitionWriter>> RevocationStore::BeginDelta(
    absl::string_view partition_id, absl::string_view issuer_key_id) {
  return BeginWriter(partition_id, issuer_key_id, /*delta=*/true);
}

absl::StatusOr<std::unique_ptr<PartitionWriter>> RevocationStore::BeginWriter(
    absl::string_view partition_id, absl::string_view issuer_key_id, bool delta) {
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
  // Live before its first entry is written: no compaction may drop it.
  rocks_->live_generations()->Add(generation);
  return std::unique_ptr<PartitionWriter>(
      new PartitionWriter(this, std::string(partition_id), std::string(issuer_key_id), generation, delta));
}

absl::Status RevocationStore::CommitWriter(PartitionWriter* writer, PartitionMetadata metadata) {
  absl::MutexLock lock(&mu_);
  KENSHO_ASSIGN_OR_RETURN(std::optional<PartitionMetadata> old, GetPartition(metadata.partition_id));
  rocksdb::WriteBatch flip;
  KENSHO_RETURN_IF_ERROR(FromRocks(
      flip.Put(rocks_->family(kPartitionsFamily), metadata.partition_id, EncodePartition(metadata)),
      "batch"));
  KENSHO_RETURN_IF_ERROR(WriteBatch(&flip, Durability::kSynced));
  // Readers that started before the flip may still read the old generation:
  // the count moves before it becomes garbage (see Lookup).
  changes_.fetch_add(1, std::memory_order_release);
  live_entries_ += metadata.entry_count;
  if (old.has_value() && old->generation != writer->generation()) {
    live_entries_ -= old->entry_count;
    Retire(old->generation, old->entry_count);
  }
  if (old.has_value() && old->delta.has_value()) {
    live_entries_ -= old->delta->entry_count;
    Retire(old->delta->generation, old->delta->entry_count);
  }
  return absl::OkStatus();
}

absl::Status RevocationStore::CommitDeltaWriter(PartitionWriter* writer, PartitionMetadata::Delta delta) {
  absl::MutexLock lock(&mu_);
  KENSHO_ASSIGN_OR_RETURN(std::optional<PartitionMetadata> current, GetPartition(writer->partition_id_));
  if (!current.has_value() || current->issuer_key_id != writer->issuer_key_id_) {
    return absl::FailedPreconditionError(
        absl::StrCat("partition ", writer->partition_id_, ": no complete CRL of that issuer to apply a delta to"));
  }
  std::optional<PartitionMetadata::Delta> old = current->delta;
  current->delta = std::move(delta);
  rocksdb::WriteBatch flip;
  KENSHO_RETURN_IF_ERROR(FromRocks(
      flip.Put(rocks_->family(kPartitionsFamily), current->partition_id, EncodePartition(*current)),
      "batch"));
  KENSHO_RETURN_IF_ERROR(WriteBatch(&flip, Durability::kSynced));
  changes_.fetch_add(1, std::memory_order_release);
  live_entries_ += current->delta->entry_count;
  if (old.has_value()) {
    live_entries_ -= old->entry_count;
    Retire(old->generation, old->entry_count);
  }
  return absl::OkStatus();
}

void RevocationStore::AbandonWriter(PartitionWriter* writer) {
  absl::MutexLock lock(&mu_);
  Retire(writer->generation(), writer->entries_written());
}

void RevocationStore::Retire(uint64_t generation, int64_t entries) {
  rocks_->live_generations()->Remove(generation);
  // Garbage is dropped by compactions; when there is as much of it as live
  // data (and it is not tiny), ask RocksDB to compact the family in the
  // background, so the disk holds at most about twice the live entries.
  garbage_entries_ += entries;
  if (garbage_entries_ >= std::max<int64_t>(live_entries_, kCompactionGarbageFloor)) {
    garbage_entries_ = 0;
    rocksdb::experimental::SuggestCompactRange(rocks_->db(), revoked_, nullptr, nullptr)
        .PermitUncheckedError();
  }
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
  absl::MutexLock lock(&mu_);
  KENSHO_ASSIGN_OR_RETURN(std::optional<PartitionMetadata> old, GetPartition(partition_id));
  if (!old.has_value()) return absl::OkStatus();
  KENSHO_RETURN_IF_ERROR(rocks_->Commit({{kPartitionsFamily, std::string(partition_id), std::nullopt}}));
  changes_.fetch_add(1, std::memory_order_release);
  live_entries_ -= old->entry_count;
  Retire(old->generation, old->entry_count);
  if (old->delta.has_value()) {
    live_entries_ -= old->delta->entry_count;
    Retire(old->delta->generation, old->delta->entry_count);
  }
  return absl::OkStatus();
}

namespace {

// A miss is only sure if no replace or removal was committed while it was
// read: the generation it read may have been retired meanwhile, and its
// entries may go with any compaction after that (compaction filters do not
// spare snapshots). The change count moves before a generation is retired,
// so an unchanged count proves the miss; otherwise ask again.
template <typename Read>
absl::StatusOr<std::optional<RevocationHit>> SureAnswer(const std::atomic<uint64_t>& changes,
                                                        Read read) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    const uint64_t before = changes.load(std::memory_order_acquire);
    KENSHO_ASSIGN_OR_RETURN(std::optional<RevocationHit> hit, read());
    if (hit.has_value() || changes.load(std::memory_order_acquire) == before) return hit;
  }
  return absl::UnavailableError("revocation data kept changing during the lookup");
}

}  // namespace

absl::StatusOr<std::optional<RevocationHit>> RevocationStore::Lookup(absl::string_view issuer_key_id,
                                                                     absl::string_view serial) const {
  return SureAnswer(changes_, [&] { return LookupOnce(issuer_key_id, serial); });
}

absl::StatusOr<std::optional<RevocationHit>> RevocationStore::LookupInPartition(
    absl::string_view partition_id, absl::string_view serial) const {
  return SureAnswer(changes_, [&] { return LookupInPartitionOnce(partition_id, serial); });
}

absl::StatusOr<std::optional<RevocationHit>> RevocationStore::LookupOnce(absl::string_view issuer_key_id,
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
    const bool current = partition.generation == generation ||
                         (partition.delta.has_value() && partition.delta->generation == generation);
    if (!current) continue;  // not (or no longer) current
    // As the partition stands: its delta may release or restate the entry.
    KENSHO_ASSIGN_OR_RETURN(std::optional<StoredRevokedEntry> standing,
                            CurrentEntry(ro, partition, serial));
    if (!standing.has_value()) continue;
    return std::optional<RevocationHit>(RevocationHit{*std::move(standing), std::move(partition)});
  }
  KENSHO_RETURN_IF_ERROR(FromRocks(it->status(), "RocksDB iterate"));
  return std::optional<RevocationHit>();
}

absl::StatusOr<std::optional<RevocationHit>> RevocationStore::LookupInPartitionOnce(
    absl::string_view partition_id, absl::string_view serial) const {
  if (serial.size() > kMaxSerialBytes) return std::optional<RevocationHit>();
  rocksdb::DB* db = rocks_->db();
  // One snapshot for both reads (SureAnswer covers a generation retired
  // while they run).
  ScopedSnapshot snapshot(db);
  const rocksdb::ReadOptions ro = snapshot.Read();
  std::string value;
  rocksdb::Status s = db->Get(ro, partitions_, AsSlice(partition_id), &value);
  if (s.IsNotFound()) return std::optional<RevocationHit>();
  KENSHO_RETURN_IF_ERROR(FromRocks(s, "RocksDB read"));
  KENSHO_ASSIGN_OR_RETURN(PartitionMetadata partition, DecodePartition(value));
  KENSHO_ASSIGN_OR_RETURN(std::optional<StoredRevokedEntry> entry, CurrentEntry(ro, partition, serial));
  if (!entry.has_value()) return std::optional<RevocationHit>();
  return std::optional<RevocationHit>(RevocationHit{*std::move(entry), std::move(partition)});
}

absl::StatusOr<std::optional<StoredRevokedEntry>> RevocationStore::CurrentEntry(
    const rocksdb::ReadOptions& ro, const PartitionMetadata& partition, absl::string_view serial) const {
  if (partition.issuer_key_id.size() > kMaxKeyIdBytes) return absl::DataLossError("corrupt partition key id");
  // The delta CRL first: it restates an entry, or releases it (removeFromCRL).
  uint64_t generations[2] = {partition.generation, 0};
  int n = 1;
  if (partition.delta.has_value()) {
    generations[0] = partition.delta->generation;
    generations[1] = partition.generation;
    n = 2;
  }
  std::string value;
  for (int i = 0; i < n; ++i) {
    const std::string key = EntryKey(partition.issuer_key_id, serial, generations[i]);
    rocksdb::Status s = rocks_->db()->Get(ro, revoked_, AsSlice(key), &value);
    if (s.IsNotFound()) continue;
    KENSHO_RETURN_IF_ERROR(FromRocks(s, "RocksDB read"));
    KENSHO_ASSIGN_OR_RETURN(StoredRevokedEntry entry, DecodeEntryValue(value));
    if (entry.partition_id != partition.partition_id) {
      return absl::DataLossError("revoked entry of another partition");
    }
    if (entry.reason == crl::RevocationReason::kRemoveFromCrl) return std::optional<StoredRevokedEntry>();
    entry.serial = std::string(serial);
    return std::optional<StoredRevokedEntry>(std::move(entry));
  }
  return std::optional<StoredRevokedEntry>();
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

absl::Status RevocationStore::CompactGarbage() {
  rocksdb::CompactRangeOptions o;
  o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(rocks_->db()->CompactRange(o, revoked_, nullptr, nullptr), "RocksDB compact");
}

}  // namespace kensho::cache
