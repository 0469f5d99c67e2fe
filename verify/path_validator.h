// RFC 5280 path validation of one leaf against one trust profile, with
// OpenSSL's verifier doing the chain work and kensho owning the decisions.
//
// Time is deliberately NOT checked here: the result carries the window in
// which every certificate of the chain is valid, so one result serves every
// validation time inside it and the caller reports EXPIRED / NOT_YET_VALID.
// Results are cached per (leaf, profile, policy inputs, request
// intermediates): passes in one map, failures in a smaller one of their own,
// so that a client repeating a broken chain costs a look-up instead of a
// chain build (~40 µs), and a flood of distinct broken chains never evicts
// the passes. Each thread keeps the results it used lately in a table of its
// own in front of those maps (base/per_thread_cache.h), so a repeat signer
// takes no lock. Thread-safe.
#ifndef KENSHO_VERIFY_PATH_VALIDATOR_H_
#define KENSHO_VERIFY_PATH_VALIDATOR_H_

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/per_thread_cache.h"
#include "verify/certificate_facts.h"
#include "verify/trust_store.h"

namespace kensho::verify {

enum class PathStatus {
  kOk,
  kNoChain,            // no path to an anchor of the profile
  kConstraints,        // basic constraints, key usage, policy, name constraints...
  kSignature,          // a certificate's signature does not verify
  kCryptoConstraints,  // weak key or hash in the chain
};

// RFC 5280 policy inputs (all optional).
struct PolicyInputs {
  std::vector<std::string> acceptable_policies;
  bool require_explicit_policy = false;
  bool inhibit_policy_mapping = false;
  bool inhibit_any_policy = false;
  bool empty() const {
    return acceptable_policies.empty() && !require_explicit_policy &&
           !inhibit_policy_mapping && !inhibit_any_policy;
  }
};

struct PathResult {
  PathStatus status = PathStatus::kNoChain;
  std::string detail;
  // When kOk:
  const TrustAnchor* anchor = nullptr;
  CertificateRef issuer;     // the certificate directly above the leaf
  absl::Time window_start;   // latest notBefore along the chain
  absl::Time window_end;     // earliest notAfter along the chain
  int chain_length = 0;
  // The same inputs always give this result (not a transient failure such
  // as out-of-memory), so it may be cached.
  bool deterministic = false;
};

class PathValidator {
 public:
  // `trust` must outlive the validator; `cache_capacity` bounds the cache of
  // passes, a quarter of it (at least 1) the cache of failures; 0 caches none.
  PathValidator(std::shared_ptr<const TrustStore> trust, size_t cache_capacity);
  ~PathValidator();

  // `cached` is set when the result came from the cache. Shared, not
  // copied: a copy wrote the reference count of the issuing CA's certificate
  // (the same for every document from that CA) on every verification.
  std::shared_ptr<const PathResult> Validate(const ParsedCertificate& leaf,
                      const std::vector<std::shared_ptr<const ParsedCertificate>>& intermediates,
                      const TrustProfile& profile, const PolicyInputs& policy, bool* cached);

  const TrustStore& trust() const { return *trust_; }
  // Cached passes and failures together, and their bound.
  int64_t cache_size() const;
  int64_t cache_capacity() const {
    return static_cast<int64_t>(cache_capacity_ + failure_capacity_);
  }

 private:
  struct ProfileStore;
  PathResult Compute(const ParsedCertificate& leaf,
                     const std::vector<std::shared_ptr<const ParsedCertificate>>& intermediates,
                     const ProfileStore& store, const PolicyInputs& policy) const;

  std::shared_ptr<const TrustStore> trust_;
  std::vector<std::unique_ptr<ProfileStore>> stores_;  // parallel to trust_->profiles()
  using Cache = std::unordered_map<std::string, std::shared_ptr<const PathResult>>;
  const size_t cache_capacity_;
  const size_t failure_capacity_;
  mutable absl::Mutex mu_;
  Cache passes_ ABSL_GUARDED_BY(mu_);
  Cache failures_ ABSL_GUARDED_BY(mu_);
  PerThreadCache<std::string, const PathResult> recent_;
};

}  // namespace kensho::verify

#endif  // KENSHO_VERIFY_PATH_VALIDATOR_H_
