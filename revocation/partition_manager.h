// The CRL partitions kensho knows: where each comes from, what is stored for
// it, and keeping it fresh.
//
// Fetching never happens on a request path: a background refresher fetches
// each partition before its nextUpdate (refresh_margin early), backs off with
// jitter after failures (remembering the error, so a dead source is not
// hammered), and one fetch per partition runs at a time (concurrent requests
// for the same partition share it). Anything that is not a valid CRL for the
// partition is rejected and the previous good data is kept.
//
// Thread-safe.
#ifndef KENSHO_REVOCATION_PARTITION_MANAGER_H_
#define KENSHO_REVOCATION_PARTITION_MANAGER_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/per_thread_cache.h"
#include "cache/revocation_codec.h"
#include "cache/revocation_store.h"
#include "verify/trust_store.h"

namespace kensho::revocation {

struct PartitionSource {
  std::string id;
  std::string source;              // http://, https://, file://
  std::string distribution_point;  // DirName (printable) or URL the CRL's IDP must name
  std::string trust_profile;       // whose anchors may sign it; empty: any profile
  bool required = true;
  std::string delta_source;        // delta CRLs (optional), as `source`
};

struct FetchPolicy {
  absl::Duration connect_timeout = absl::Seconds(3);
  absl::Duration total_timeout = absl::Seconds(60);
  int64_t max_bytes = 512LL << 20;
  absl::Duration refresh_margin = absl::Hours(1);
  absl::Duration retry_min = absl::Seconds(30);
  absl::Duration retry_max = absl::Hours(1);
};

// What status pages and readiness see of one partition.
struct PartitionView {
  PartitionSource config;
  std::optional<cache::PartitionMetadata> stored;
  std::string last_error;  // empty after a success
  absl::Time last_attempt;
  absl::Time next_attempt;
  bool stale = false;      // no CRL, or past its nextUpdate
};

// What one fetch or import attempt did, for metrics. `stage` is "fetch" when
// the download failed, "ingest" when a CRL was read (accepted or rejected).
struct AttemptReport {
  std::string partition_id;
  const char* stage = "fetch";
  absl::Status status;
  absl::Duration ingest_duration;  // time spent reading and storing the CRL
};

class PartitionManager {
 public:
  // `store` must outlive the manager. `tmp_dir` receives downloads.
  // Partitions found in `crl_dir` (if not empty) are added as file://
  // sources checked against their own IDP, not required for readiness.
  static absl::StatusOr<std::unique_ptr<PartitionManager>> Create(
      std::vector<PartitionSource> sources, const std::string& crl_dir,
      std::shared_ptr<const verify::TrustStore> trust, cache::RevocationStore* store,
      FetchPolicy policy, std::string tmp_dir);
  ~PartitionManager();

  // Fetches and ingests one partition now (deduplicated with the refresher).
  absl::Status Refresh(const std::string& id, absl::Time now);
  // Ingests pushed CRL bytes (air-gapped feeds). `id` may be empty: the
  // partition is then found from the CRL's issuingDistributionPoint.
  absl::StatusOr<PartitionView> Import(std::string id, absl::string_view der, absl::Time now);

  // The partition whose CRL covers certificates with this CRL distribution
  // point from the issuer with this key id; null when none is stored. Shared,
  // not copied: the checker asks on every verification.
  std::shared_ptr<const cache::PartitionMetadata> Covering(const std::string& distribution_point,
                                                           const std::string& issuer_key_id) const;
  // Grows whenever what Covering answers may change: an answer remembered
  // with this count stays right while the count is unchanged.
  uint64_t covering_changes() const { return covering_changes_.load(std::memory_order_acquire); }

  // Called after every Refresh() and Import() attempt, on the thread that
  // made it. Optional; set before the first Refresh/Import/StartRefresher.
  void set_attempt_observer(std::function<void(const AttemptReport&)> observer) {
    observer_ = std::move(observer);
  }

  std::vector<PartitionView> Snapshot(absl::Time now) const;
  // True when every required partition has a CRL that is not past nextUpdate.
  bool Ready(absl::Time now, std::vector<std::string>* reasons) const;

  // Runs the background refresher until Stop(); `on_change` is called about
  // once a second and after each pass of attempts (e.g. to update health,
  // which also changes with the clock as nextUpdate passes).
  void StartRefresher(std::function<absl::Time()> clock, std::function<void()> on_change);
  void Stop();

 private:
  struct State {
    PartitionSource config;
    std::shared_ptr<const cache::PartitionMetadata> stored;  // null: no CRL yet
    std::string last_error;
    absl::Time last_attempt = absl::InfinitePast();
    absl::Time next_attempt = absl::InfinitePast();
    int failures = 0;
    bool busy = false;  // a fetch is running
  };

  PartitionManager(std::shared_ptr<const verify::TrustStore> trust, cache::RevocationStore* store,
                   FetchPolicy policy, std::string tmp_dir);
  // Checks and stores the CRL in `path` for partition `id`: a complete CRL,
  // or with `delta` a delta CRL over the complete one held.
  absl::Status IngestFile(const std::string& id, const std::string& path,
                          const std::string& source, const std::string& etag,
                          const std::string& last_modified, absl::Time now, bool delta = false);
  // Fetches and applies the partition's delta CRL (after its complete one).
  absl::Status RefreshDelta(const std::string& id, const std::string& delta_source, absl::Time now);
  void ScheduleNext(State* s, absl::Time now, bool failed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RefresherLoop(std::function<absl::Time()> clock, std::function<void()> on_change);

  const std::shared_ptr<const verify::TrustStore> trust_;
  cache::RevocationStore* const store_;
  const FetchPolicy policy_;
  const std::string tmp_dir_;
  std::function<void(const AttemptReport&)> observer_;

  mutable absl::Mutex mu_;
  std::map<std::string, State> partitions_ ABSL_GUARDED_BY(mu_);
  // Stored CRLs by distribution point (as certificates name it), then issuer
  // key id: read on every verification, so one hash look-up by the name and
  // the partition's metadata right there (no second look-up by id).
  struct Cover {
    std::string issuer_key_id;
    std::string partition_id;
    std::shared_ptr<const cache::PartitionMetadata> stored;
  };
  absl::flat_hash_map<std::string, std::vector<Cover>> covering_ ABSL_GUARDED_BY(mu_);
  // Bumped by every SetCovering. Each thread keeps the answers it gave in a
  // table of its own, tagged with this count and used only while it is
  // unchanged: a repeat look-up takes no lock (base/per_thread_cache.h).
  std::atomic<uint64_t> covering_changes_{0};
  struct RecentCover {
    uint64_t changes;
    std::shared_ptr<const cache::PartitionMetadata> stored;
  };
  PerThreadCache<std::string, const RecentCover> recent_covers_{1024};
  // Points covering_ at `stored` (replacing what partition `id` had there).
  void SetCovering(const std::string& id, const std::string& distribution_point,
                   std::shared_ptr<const cache::PartitionMetadata> stored)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // The refresher's pause between passes, cut short by Stop(). A CondVar,
  // not Mutex::Await: a waiter's condition on mu_ would send every unlock of
  // it (one per verification, in Covering) through absl's slow path.
  absl::CondVar stop_;
  std::thread refresher_;
};

}  // namespace kensho::revocation

#endif  // KENSHO_REVOCATION_PARTITION_MANAGER_H_
