#include "verify/certificate_cache.h"

#include <algorithm>

#include "absl/hash/hash.h"

namespace kensho::verify {
namespace {

// Certificates each thread keeps for itself: the signers and CAs of the
// moment (references to the shared cache's own objects, not copies).
constexpr size_t kRecentPerThread = 2048;

}  // namespace

CertificateCache::CertificateCache(size_t capacity)
    : capacity_(capacity),
      per_shard_(capacity / kShards + 1),
      recent_(std::min<size_t>(capacity, kRecentPerThread)) {}

absl::StatusOr<std::shared_ptr<const ParsedCertificate>> CertificateCache::Get(
    absl::string_view der) {
  // The key hashes the length and the last 64 bytes (inside the signature
  // value, as random as a hash) instead of the whole ~1.5 KB: the DER is
  // compared in full before a hit counts, and DERs with the same key only
  // take each other's slot (no chains), so crafted collisions cost a miss.
  const uint64_t key = absl::HashOf(
      der.size(), der.substr(der.size() > kKeyTailBytes ? der.size() - kKeyTailBytes : 0));
  if (auto recent = recent_.Find(key); recent != nullptr && recent->certificate->der() == der) {
    hits_.Add(1);
    return recent;
  }
  Shard& shard = shards_[(key >> 56) % kShards];
  {
    absl::ReaderMutexLock lock(&shard.mu);
    auto it = shard.map.find(key);
    if (it != shard.map.end() && it->second->certificate->der() == der) {
      hits_.Add(1);
      recent_.Put(key, it->second);
      return it->second;
    }
  }
  misses_.Add(1);
  // Parse outside the lock: it is the expensive part.
  auto cert = Certificate::ParseDer(der);
  if (!cert.ok()) return cert.status();
  auto parsed = std::make_shared<ParsedCertificate>();
  parsed->facts = ReadCertificateFacts(**cert);
  parsed->certificate = *std::move(cert);
  std::shared_ptr<const ParsedCertificate> result = std::move(parsed);
  if (capacity_ == 0) return result;
  recent_.Put(key, result);
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

int64_t CertificateCache::hits() const { return hits_.Sum(); }

int64_t CertificateCache::misses() const { return misses_.Sum(); }

size_t CertificateCache::size() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    absl::MutexLock lock(&s.mu);
    n += s.map.size();
  }
  return n;
}

}  // namespace kensho::verify
