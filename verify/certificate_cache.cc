#include "verify/certificate_cache.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace kensho::verify {

CertificateCache::CertificateCache(size_t capacity)
    : capacity_(capacity), per_shard_(capacity / kShards + 1) {}

absl::StatusOr<std::shared_ptr<const ParsedCertificate>> CertificateCache::Get(
    absl::string_view der) {
  // Fetched once: the one-shot SHA256() looks the implementation up per call.
  static const EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  EVP_Digest(der.data(), der.size(), digest, nullptr, sha256, nullptr);
  std::string key(reinterpret_cast<char*>(digest), sizeof digest);
  Shard& shard = shards_[digest[0] % kShards];
  {
    absl::MutexLock lock(&shard.mu);
    auto it = shard.map.find(key);
    if (it != shard.map.end()) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      return it->second;
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
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
  if (!inserted) return it->second;  // another thread parsed it first
  shard.order.push_back(std::move(key));
  while (shard.order.size() > per_shard_) {
    shard.map.erase(shard.order.front());
    shard.order.pop_front();
  }
  return result;
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
