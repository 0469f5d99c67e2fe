#include "cache/rocks_store.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cache/key_schema.h"
#include "rocksdb/cache.h"
#include "rocksdb/compaction_filter.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace kensho::cache {
namespace {

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(what, ": ", s.ToString());
  if (s.IsIOError() && s.subcode() == rocksdb::Status::kNoSpace) {
    return absl::ResourceExhaustedError(message);
  }
  if (s.IsIOError()) return absl::UnavailableError(message);
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsBusy() || s.IsTryAgain()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

// The revoked family's prefix: an entry key without its be64 generation
// (kRevokedEntryPrefix || u8 len || issuer key id || u8 len || serial, the
// lookup prefix of revocation_codec.h's EntryKeyPrefix). Generation-index
// keys and anything else are outside the domain, so they are never filtered.
size_t RevokedEntryPrefixSize(const rocksdb::Slice& key) {
  if (key.size() < 2 || key[0] != kRevokedEntryPrefix) return 0;
  const size_t id = static_cast<uint8_t>(key[1]);
  if (key.size() < 3 + id) return 0;
  const size_t serial = static_cast<uint8_t>(key[2 + id]);
  if (key.size() < 3 + id + serial) return 0;
  return 3 + id + serial;
}

class RevokedEntryPrefix : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "kensho.RevokedEntryPrefix.v1"; }
  bool InDomain(const rocksdb::Slice& key) const override { return RevokedEntryPrefixSize(key) > 0; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), RevokedEntryPrefixSize(key));
  }
};

// Drops what no reader believes any more (live_generations.h): entries of a
// generation that is neither current for a partition nor being written, and
// the generation index records of schema 1 stores (no longer read).
class RevokedGarbageFilter : public rocksdb::CompactionFilter {
 public:
  explicit RevokedGarbageFilter(std::shared_ptr<const LiveGenerations::Set> live)
      : live_(std::move(live)) {}
  const char* Name() const override { return "kensho.RevokedGarbageFilter.v1"; }
  bool Filter(int /*level*/, const rocksdb::Slice& key, const rocksdb::Slice& /*value*/,
              std::string* /*new_value*/, bool* /*value_changed*/) const override {
    if (live_ == nullptr || key.empty()) return false;
    if (key[0] == kRevokedGenerationPrefix) return true;
    if (key[0] != kRevokedEntryPrefix) return false;
    const size_t prefix = RevokedEntryPrefixSize(key);
    if (prefix == 0 || key.size() != prefix + 8) return false;  // not ours to judge
    uint64_t generation = 0;
    for (size_t i = prefix; i < key.size(); ++i) {
      generation = (generation << 8) | static_cast<uint8_t>(key[i]);
    }
    return live_->count(generation) == 0;
  }

 private:
  const std::shared_ptr<const LiveGenerations::Set> live_;
};

class RevokedGarbageFilterFactory : public rocksdb::CompactionFilterFactory {
 public:
  explicit RevokedGarbageFilterFactory(std::shared_ptr<LiveGenerations> live)
      : live_(std::move(live)) {}
  const char* Name() const override { return "kensho.RevokedGarbageFilterFactory.v1"; }
  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context& /*context*/) override {
    return std::make_unique<RevokedGarbageFilter>(live_->Snapshot());
  }

 private:
  const std::shared_ptr<LiveGenerations> live_;
};

// Options of the revoked family, sized for CRLs of millions of entries
// ingested with a bounded memory (issue 6): small memtables (entries are
// written without the WAL and flushed before their generation is flipped
// current, revocation_store.h), a prefix bloom filter per SST so a lookup of
// an unlisted serial reads no data block, index and filter blocks in a
// bounded block cache shared with the other families.
rocksdb::ColumnFamilyOptions RevokedFamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache,
                                                 std::shared_ptr<LiveGenerations> live) {
  rocksdb::ColumnFamilyOptions o;
  o.compaction_filter_factory = std::make_shared<RevokedGarbageFilterFactory>(std::move(live));
  // Garbage in files that no write pushes into a compaction still goes
  // within a day (RevocationStore also asks for compactions as it grows).
  o.periodic_compaction_seconds = 24 * 3600;
  o.write_buffer_size = RocksStore::kRevokedWriteBufferBytes;
  o.max_write_buffer_number = 3;
  o.min_write_buffer_number_to_merge = 1;
  o.prefix_extractor = std::make_shared<RevokedEntryPrefix>();
  o.level0_file_num_compaction_trigger = 4;
  o.level0_slowdown_writes_trigger = 40;
  o.level0_stop_writes_trigger = 60;
  o.target_file_size_base = 32 << 20;
  o.max_bytes_for_level_base = 256 << 20;
  o.level_compaction_dynamic_level_bytes = true;
  o.compression = rocksdb::kLZ4Compression;
  o.bottommost_compression = rocksdb::kLZ4Compression;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.whole_key_filtering = false;  // lookups seek by prefix; keys carry the generation
  // Partitioned index and filters: only their top levels stay pinned, the
  // partitions live in the bounded block cache (at 10M entries the whole
  // index and filters would be ~20 MB held outside any bound).
  t.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  t.partition_filters = true;
  t.metadata_block_size = 4096;
  t.cache_index_and_filter_blocks = true;
  t.cache_index_and_filter_blocks_with_high_priority = true;
  t.pin_top_level_index_and_filter = true;
  t.optimize_filters_for_memory = true;
  t.block_size = 4 << 10;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

rocksdb::ColumnFamilyOptions SmallFamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = 4 << 20;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksStore>> RocksStore::Open(const std::string& dir) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  // Keep the footprint of an idle validator small.
  options.max_open_files = 256;
  options.keep_log_file_num = 3;

  // Close() flushes memtables holding writes made without the WAL (the
  // revoked family's entries, revocation_store.h); the default, kept explicit.
  options.avoid_flush_during_shutdown = false;

  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(kBlockCacheBytes, /*num_shard_bits=*/4,
                                                               /*strict_capacity_limit=*/false,
                                                               /*high_pri_pool_ratio=*/0.5);
  std::unique_ptr<RocksStore> store(new RocksStore());
  store->dir_ = dir;
  store->live_generations_ = std::make_shared<LiveGenerations>();
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, SmallFamilyOptions(cache));
  for (const char* name : kFamilies) {
    descriptors.emplace_back(name, absl::string_view(name) == kRevokedFamily
                                       ? RevokedFamilyOptions(cache, store->live_generations_)
                                       : SmallFamilyOptions(cache));
  }
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, descriptors, &store->handles_, &db);
  if (!s.ok()) return FromRocks(s, absl::StrCat("cannot open RocksDB in ", dir));
  store->db_.reset(db);
  for (size_t i = 0; i < descriptors.size(); ++i) {
    store->families_[descriptors[i].name] = store->handles_[i];
  }

  auto version = store->Get(kMetaFamily, kSchemaVersionKey);
  if (!version.ok()) return version.status();
  if (!version->has_value()) {
    absl::Status w = store->Commit(
        {{kMetaFamily, kSchemaVersionKey, std::to_string(kSchemaVersion)}});
    if (!w.ok()) return w;
  } else {
    int stored = 0;
    if (!absl::SimpleAtoi(**version, &stored) || stored > kSchemaVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          "RocksDB in ", dir, " has schema version '", **version,
          "', this kensho understands up to ", kSchemaVersion));
    }
  }
  return store;
}

RocksStore::~RocksStore() {
  if (db_ == nullptr) return;
  for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h);
  db_->Close();
}

rocksdb::ColumnFamilyHandle* RocksStore::Family(absl::string_view name) const {
  auto it = families_.find(name);
  return it == families_.end() ? nullptr : it->second;
}

absl::StatusOr<std::optional<std::string>> RocksStore::Get(absl::string_view family,
                                                           absl::string_view key) const {
  rocksdb::ColumnFamilyHandle* cf = Family(family);
  if (cf == nullptr) return absl::InvalidArgumentError(absl::StrCat("no family ", family));
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf,
                               rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "RocksDB read");
  return std::optional<std::string>(std::move(value));
}

absl::Status RocksStore::Commit(const std::vector<Write>& writes) {
  rocksdb::WriteBatch batch;
  for (const Write& w : writes) {
    rocksdb::ColumnFamilyHandle* cf = Family(w.family);
    if (cf == nullptr) return absl::InvalidArgumentError(absl::StrCat("no family ", w.family));
    rocksdb::Status s = w.value.has_value() ? batch.Put(cf, w.key, *w.value)
                                            : batch.Delete(cf, w.key);
    if (!s.ok()) return FromRocks(s, "RocksDB batch");
  }
  rocksdb::WriteOptions options;
  options.sync = true;
  return FromRocks(db_->Write(options, &batch), "RocksDB write");
}

int64_t RocksStore::EstimateKeys(absl::string_view family) const {
  rocksdb::ColumnFamilyHandle* cf = Family(family);
  uint64_t n = 0;
  if (cf == nullptr || !db_->GetIntProperty(cf, "rocksdb.estimate-num-keys", &n)) return 0;
  return static_cast<int64_t>(n);
}

}  // namespace kensho::cache
