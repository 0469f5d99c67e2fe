#include "cache/revocation_lookup_cache.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"

namespace kensho::cache {
namespace {

// u8 length || issuer key id || serial (lengths are bounded by the codec).
std::string CacheKey(absl::string_view issuer_key_id, absl::string_view serial) {
  std::string key;
  key.reserve(1 + issuer_key_id.size() + serial.size());
  key.push_back(static_cast<char>(issuer_key_id.size()));
  key.append(issuer_key_id.data(), issuer_key_id.size());
  key.append(serial.data(), serial.size());
  return key;
}

}  // namespace

RevocationLookupCache::RevocationLookupCache(const RevocationStore* store, Options options)
    : store_(store) {
  shard_count_ = static_cast<size_t>(std::max(1, options.shards));
  per_shard_ = std::max<size_t>(1, options.max_entries / shard_count_);
  shards_ = std::make_unique<Shard[]>(shard_count_);
}

absl::StatusOr<std::optional<RevocationHit>> RevocationLookupCache::Lookup(absl::string_view issuer_key_id,
                                                                           absl::string_view serial) const {
  if (issuer_key_id.size() > kMaxKeyIdBytes || serial.size() > kMaxSerialBytes) {
    return store_->Lookup(issuer_key_id, serial);
  }
  std::string key = CacheKey(issuer_key_id, serial);
  Shard& shard = shards_[absl::Hash<std::string>()(key) % shard_count_];
  const uint64_t now = store_->change_count();
  {
    absl::MutexLock lock(&shard.mu);
    auto it = shard.index.find(key);
    if (it != shard.index.end()) {
      if (it->second->change_count == now) {
        shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
        if (it->second->hit == nullptr) return std::optional<RevocationHit>();
        return std::optional<RevocationHit>(*it->second->hit);
      }
      shard.lru.erase(it->second);
      shard.index.erase(it);
    }
  }
  absl::StatusOr<std::optional<RevocationHit>> answer = store_->Lookup(issuer_key_id, serial);
  if (!answer.ok()) return answer;
  std::shared_ptr<const RevocationHit> hit;
  if (answer->has_value()) hit = std::make_shared<const RevocationHit>(**answer);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.index.find(key);
  if (it != shard.index.end()) {  // another thread filled it meanwhile
    shard.lru.erase(it->second);
    shard.index.erase(it);
  }
  shard.lru.push_front(Node{key, now, std::move(hit)});
  shard.index.emplace(std::move(key), shard.lru.begin());
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
