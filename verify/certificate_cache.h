// A bounded cache of parsed certificates keyed by their DER.
//
// Parsing a certificate costs several RSA verifies; a repeat signer then costs
// one fast (non-cryptographic) hash of the DER, one lookup and one compare of
// the DER with the cached certificate's: a colliding DER is simply a miss, so
// the hash needs no collision resistance (SHA-256 here cost ~5% of a
// verified document). Entries are evicted first-in first-out per shard when
// a shard is full. Each thread keeps the certificates it met lately in a
// table of its own in front of the shards (base/per_thread_cache.h), so a
// repeat signer takes no lock. Thread-safe.
#ifndef KENSHO_VERIFY_CERTIFICATE_CACHE_H_
#define KENSHO_VERIFY_CERTIFICATE_CACHE_H_

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "base/per_thread_cache.h"
#include "base/striped_counter.h"
#include "verify/certificate_facts.h"

namespace kensho::verify {

class CertificateCache {
 public:
  explicit CertificateCache(size_t capacity);

  // The parsed certificate for `der`, from the cache or parsed now.
  // A DER that does not parse is an InvalidArgument error (not cached).
  absl::StatusOr<std::shared_ptr<const ParsedCertificate>> Get(absl::string_view der);

  size_t size() const;
  size_t capacity() const { return capacity_; }
  int64_t hits() const;
  int64_t misses() const;

 private:
  static constexpr size_t kShards = 16;
  static constexpr size_t kKeyTailBytes = 64;
  struct Shard {
    mutable absl::Mutex mu;
    std::unordered_map<uint64_t, std::shared_ptr<const ParsedCertificate>> map
        ABSL_GUARDED_BY(mu);
    std::deque<uint64_t> order ABSL_GUARDED_BY(mu);
  };

  const size_t capacity_;
  const size_t per_shard_;
  std::array<Shard, kShards> shards_;
  // Keyed like the shards; a hit is checked against the DER all the same.
  PerThreadCache<uint64_t, const ParsedCertificate> recent_;
  StripedCounter hits_, misses_;
};

}  // namespace kensho::verify

#endif  // KENSHO_VERIFY_CERTIFICATE_CACHE_H_
