#include "verify/certificate_cache.h"

#include "absl/hash/hash.h"

namespace kensho::verify {

CertificateCache::CertificateCache(size_t capacity)
    : capacity_(capacity), per_shard_(capacity / kShards + 1) {}

absl::StatusOr<std::shared_ptr<const ParsedCertificate>> CertificateCache::Get(
    absl::string_view der) {
  // The key hashes the length and the last 64 bytes (inside the signature
  // value, as random as a hash) instead of the whole ~1.5 KB: the DER is
  // compared in full before a hit counts, and DERs with the same key only
  // take each other's slot (no chains), so crafted collisions cost a miss.
  const uint64_t key = absl::HashOf(
      der.size(), der.substr(der.size() > kKeyTailBytes ? der.size() - kKeyTailBytes : 0));
  Shard& shard = shards_[(key >> 56) % kShards];
  {
    absl::ReaderMutexLock lock(&shard.mu);
    auto it = shard.map.find(key);
    if (it != shard.map.end() && it->second->certificate->der() == der) {
      shard.hits.fetch_add(1, std::memory_order_relaxed);
      return it->second;
    }
  }
  shard.misses.fetch_add(1, std::memory_order_relaxed);
  // Parse outside the lock: it is the expensive part.
  auto cert = Certificate::ParseDer(der);
  if (!cert.ok()) return cert.status();
  auto parsed = std::make_shared<ParsedCertificate>();
  parsed->facts = ReadCertificateFacts(**cert);
  parsed->certificate = *std::move(cert);
  std::shared_ptr<const ParsedCertificate> result = std::move(parsed);
  if (capacity_ == 0) return result;
  absl::MutexLock lock(&shard.mu);
  auto [it, inserted] = shard.map.emplace(key, result);
  if (!inserted) {
    // Another thread parsed it first, or another DER with the same hash is
    // cached: the newer one takes the slot (its place in the order stays).
    if (it->second->certificate->der() == der) return it->second;
    it->second = result;
    return result;
  }
  shard.order.push_back(key);
  while (shard.order.size() > per_shard_) {
    shard.map.erase(shard.order.front());
    shard.order.pop_front();
  }
  return result;
}

int64_t CertificateCache::hits() const {
  int64_t n = 0;
  for (const Shard& s : shards_) n += s.hits.load(std::memory_order_relaxed);
  return n;
}

int64_t CertificateCache::misses() const {
  int64_t n = 0;
  for (const Shard& s : shards_) n += s.misses.load(std::memory_order_relaxed);
  return n;
}

size_t CertificateCache::size() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    absl::MutexLock lock(&s.mu);
    n += s.map.size();
  }
  return n;
}

}  // namespace kensho::verify
