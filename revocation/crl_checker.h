// Revocation status from stored CRL partitions, for the verification engine.
//
// The certificate's CRL distribution point (a DirName in JPKI) and its
// issuer's key id pick the partition; the stored entries answer. Never
// fetches: what is not stored is UNKNOWN. A CRL past its nextUpdate still
// answers (marked stale) in soft-fail; in hard-fail a stale GOOD becomes
// UNKNOWN, while REVOKED stays REVOKED (revocation is final).
// Thread-safe.
#ifndef KENSHO_REVOCATION_CRL_CHECKER_H_
#define KENSHO_REVOCATION_CRL_CHECKER_H_

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/per_thread_cache.h"
#include "cache/revocation_lookup_cache.h"
#include "cache/revocation_store.h"
#include "revocation/ocsp_manager.h"
#include "revocation/partition_manager.h"
#include "verify/revocation_checker.h"

namespace kensho::revocation {

class CrlRevocationChecker final : public verify::RevocationChecker {
 public:
  // All must outlive the checker; `ocsp` may be null. `clock` is the real
  // time, for staleness.
  // `max_stale`: how long past nextUpdate a CRL may still prove GOOD in
  // soft-fail (hard-fail never accepts a stale GOOD).
  CrlRevocationChecker(const PartitionManager* partitions, const cache::RevocationStore* store,
                       OcspManager* ocsp, std::function<absl::Time()> clock,
                       absl::Duration max_stale = absl::Hours(24));

  verify::RevocationSummary Check(const verify::Certificate& leaf,
                                  const verify::Certificate& issuer, absl::Time validation_time,
                                  verify::RevocationMode mode) const override;

 private:
  // The certificate's CRL distribution points (DirNames printed, URIs as
  // written), memoized per certificate.
  std::shared_ptr<const std::vector<std::string>> DistributionPoints(
      const verify::Certificate& leaf) const;
  // The stored partition covering `leaf` from the issuer with `key_id`, by
  // the leaf's distribution points; null (and *first_point set, when it has
  // any) when none is stored. Remembered per thread and leaf while the
  // partitions' coverage is unchanged: a repeat signer costs one look-up
  // instead of one per distribution point.
  std::shared_ptr<const cache::PartitionMetadata> CoveringPartition(
      const verify::Certificate& leaf, const std::string& key_id, bool* has_points,
      std::string* first_point) const;
  verify::RevocationSummary FromCrl(const verify::Certificate& leaf,
                                    const verify::Certificate& issuer,
                                    absl::Time validation_time, verify::RevocationMode mode) const;
  // A current OCSP answer as a summary; nullopt when none is cached (a
  // background query is then queued, and *coming says whether an answer
  // may come soon: see OcspManager::Request).
  std::optional<verify::RevocationSummary> FromOcsp(const verify::Certificate& leaf,
                                                    const verify::Certificate& issuer,
                                                    absl::Time validation_time,
                                                    bool* coming) const;

  const PartitionManager* partitions_;
  OcspManager* ocsp_;
  const std::function<absl::Time()> clock_;
  const absl::Duration max_stale_;
  // The hot layer in front of the store: answers per (partition, serial),
  // valid until the store changes.
  cache::RevocationLookupCache lookups_;
  // Distribution points per certificate (a parse of an extension): a
  // bounded memo, cleared when full.
  mutable absl::Mutex mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const std::vector<std::string>>> dps_
      ABSL_GUARDED_BY(mu_);
  // In front of dps_, per thread: no lock for a repeat signer.
  PerThreadCache<std::string, const std::vector<std::string>> recent_dps_{2048};
  // CoveringPartition's answers, by leaf SHA-256 and issuer key id.
  struct RecentPartition {
    uint64_t changes;  // PartitionManager::covering_changes() when found
    std::shared_ptr<const cache::PartitionMetadata> partition;
  };
  PerThreadCache<std::string, const RecentPartition> recent_partitions_{2048};
};

// api.md's RevocationReason name for a CRL reason; empty for unspecified.
std::string ApiReasonName(std::optional<crl::RevocationReason> reason);

}  // namespace kensho::revocation

#endif  // KENSHO_REVOCATION_CRL_CHECKER_H_
