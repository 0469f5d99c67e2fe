#include "cache/revocation_lookup_cache.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"
#include "base/status_macros.h"

namespace kensho::cache {
namespace {

// Answers each thread keeps for itself (see the header).
constexpr size_t kRecentPerThread = 2048;

// be16 length || partition id || serial, into *key (reused: a hit then
// allocates nothing).
void SetCacheKey(absl::string_view partition_id, absl::string_view serial, std::string* key) {
  key->clear();
  key->push_back(static_cast<char>(partition_id.size() >> 8));
  key->push_back(static_cast<char>(partition_id.size() & 0xff));
  key->append(partition_id.data(), partition_id.size());
  key->append(serial.data(), serial.size());
}

}  // namespace

RevocationLookupCache::RevocationLookupCache(const RevocationStore* store, Options options)
    : store_(store), recent_(std::min<size_t>(options.max_entries, kRecentPerThread)) {
  shard_count_ = static_cast<size_t>(std::max(1, options.shards));
  per_shard_ = std::max<size_t>(1, options.max_entries / shard_count_);
  shards_ = std::make_unique<Shard[]>(shard_count_);
}

absl::StatusOr<std::optional<StoredRevokedEntry>> RevocationLookupCache::Lookup(
    absl::string_view partition_id, absl::string_view serial) const {
  auto entry_of = [&](const Node& n) {
    if (!n.revoked) return std::optional<StoredRevokedEntry>();
    StoredRevokedEntry e;
    e.serial = std::string(serial);
    e.partition_id = std::string(partition_id);
    e.revocation_date = n.revocation_date;
    e.reason = n.reason;
    e.invalidity_date = n.invalidity_date;
    return std::optional<StoredRevokedEntry>(std::move(e));
  };
  if (partition_id.size() > 0xffff || serial.size() > kMaxSerialBytes) {
    KENSHO_ASSIGN_OR_RETURN(std::optional<RevocationHit> hit, store_->LookupInPartition(partition_id, serial));
    if (!hit.has_value()) return std::optional<StoredRevokedEntry>();
    return std::optional<StoredRevokedEntry>(std::move(hit->entry));
  }
  thread_local std::string key;
  SetCacheKey(partition_id, serial, &key);
  Shard& shard = shards_[absl::Hash<std::string>()(key) % shard_count_];
  // Read before the store lookup: an answer is tagged with a count no newer
  // than the state it was read from, so a change in between invalidates it.
  const uint64_t now = store_->change_count();
  if (auto recent = recent_.Find(key); recent != nullptr && recent->change_count == now) {
    return entry_of(*recent);
  }
  {
    absl::MutexLock lock(&shard.mu);
    auto it = shard.index.find(key);
    if (it != shard.index.end()) {
      if (it->second->change_count == now) {
        shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
        recent_.Put(key, std::make_shared<const Node>(*it->second));
        return entry_of(*it->second);
      }
      shard.lru.erase(it->second);
      shard.index.erase(it);
    }
  }
  KENSHO_ASSIGN_OR_RETURN(std::optional<RevocationHit> hit, store_->LookupInPartition(partition_id, serial));
  Node node{key, now, hit.has_value(), absl::InfinitePast(), std::nullopt, std::nullopt};
  if (hit.has_value()) {
    node.revocation_date = hit->entry.revocation_date;
    node.reason = hit->entry.reason;
    node.invalidity_date = hit->entry.invalidity_date;
  }
  std::optional<StoredRevokedEntry> answer = entry_of(node);
  recent_.Put(key, std::make_shared<const Node>(node));
  absl::MutexLock lock(&shard.mu);
  auto it = shard.index.find(key);
  if (it != shard.index.end()) {  // another thread filled it meanwhile
    shard.lru.erase(it->second);
    shard.index.erase(it);
  }
  shard.lru.push_front(std::move(node));
  shard.index.emplace(key, shard.lru.begin());  // a copy: key is this thread's buffer
  while (shard.lru.size() > per_shard_) {
    shard.index.erase(shard.lru.back().key);
    shard.lru.pop_back();
  }
  return answer;
}

size_t RevocationLookupCache::size() const {
  size_t n = 0;
  for (size_t i = 0; i < shard_count_; ++i) {
    absl::MutexLock lock(&shards_[i].mu);
    n += shards_[i].lru.size();
  }
  return n;
}

}  // namespace kensho::cache
