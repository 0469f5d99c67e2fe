#include "cache/rocks_store.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cache/key_schema.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
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

}  // namespace

absl::StatusOr<std::unique_ptr<RocksStore>> RocksStore::Open(const std::string& dir) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  // Keep the footprint of an idle validator small.
  options.max_open_files = 256;
  options.keep_log_file_num = 3;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (const char* name : kFamilies) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::unique_ptr<RocksStore> store(new RocksStore());
  store->dir_ = dir;
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
