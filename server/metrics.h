// Every metric kensho exports, declared in one place (names carry units,
// label sets are bounded), plus the in-process rolling window behind
// /status.json.
//
//   kensho_rpc_calls_total{method,code}              finished gRPC calls by status code
//   kensho_rpc_duration_seconds{method}              histogram, whole call (a stream: its life)
//   kensho_rpc_calls_in_flight{method}               gauge
//   kensho_verdicts_total{method,indication,sub_indication}
//                                                    verdicts (unary and batch/stream items)
//   kensho_item_errors_total{method,code}            batch/stream items answered with ItemError
//   kensho_item_duration_seconds{method}             histogram, batch/stream item incl. queueing
//   kensho_shed_total{method}                        calls/items refused RESOURCE_EXHAUSTED
//                                                    by kensho (queue full, batch too large)
//   kensho_certificate_cache_{hits,misses}_total     read from the engine at scrape time
//   kensho_certificate_cache_entries, kensho_certificate_cache_capacity_entries
//   kensho_challenge_store_entries                   outstanding login challenges
//   kensho_revocation_partition_age_seconds{partition}          now - thisUpdate
//   kensho_revocation_partition_next_update_seconds{partition}  nextUpdate - now (< 0: past)
//   kensho_revocation_partition_stale{partition}     1 when no CRL or past nextUpdate
//   kensho_revocation_partition_revoked_entries{partition}
//   kensho_revocation_fetch_errors_total{partition,kind}   kind = stage_code, e.g.
//                                                    fetch_unavailable, ingest_invalid_argument
//   kensho_revocation_ingest_duration_seconds{result}      histogram, result ok|error
//   kensho_serving                                   1 when gRPC health says SERVING
//   kensho_start_time_seconds, kensho_build_info{version}
//
// `method` is one of the six Validator RPC names; `code` a gRPC status code
// name; `partition` a configured or crl_dir partition id.
//
// Thread-safe. The hot path (BeginCall/EndCall/RecordVerdict) adds to
// tallies of the calling thread's own (a stripe: base/striped_counter.h),
// which Collect() and totals() sum; the Prometheus objects are brought up to
// date from them at each scrape. Two cores adding to shared counters on
// every call kept trading those cache lines (~1 µs a unary call).
#ifndef KENSHO_SERVER_METRICS_H_
#define KENSHO_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "proto/kensho.pb.h"
#include "revocation/partition_manager.h"
#include "server/live_stats.h"
#include "verify/engine.h"

namespace kensho::server {

enum class RpcMethod : int {
  kVerifySignedDocument = 0,
  kIssueChallenge,
  kVerifyAuthAssertion,
  kValidateCertificate,
  kVerifyBatch,
  kVerifyStream,
};
inline constexpr int kRpcMethods = 6;
const char* RpcMethodName(RpcMethod method);
// gRPC's name for a status code ("OK", "RESOURCE_EXHAUSTED", ...); "UNKNOWN"
// for a number outside 0..16.
const char* StatusCodeName(int code);

class ServerMetrics {
 public:
  using Clock = std::chrono::steady_clock;

  ServerMetrics(absl::Time started_at, const std::string& version);
  ~ServerMetrics();

  // Where scrape-time values come from. Set once, before the metrics port
  // serves; either may be null (the metric is then left out).
  // `engine` is asked for the current engine at each scrape (it changes on
  // a config reload).
  void SetScrapeSources(std::function<std::shared_ptr<verify::Engine>()> engine,
                        revocation::PartitionManager* partitions);

  // ---- hot path
  Clock::time_point BeginCall(RpcMethod method);
  // `code`: the gRPC status code number the call finished with.
  void EndCall(RpcMethod method, Clock::time_point began, int code);
  // A verdict answered `latency` after its call or item began.
  void RecordVerdict(RpcMethod method, const v1::Verdict& verdict, Clock::duration latency);
  // A batch/stream item answered with an ItemError (RESOURCE_EXHAUSTED also
  // counts as shed).
  void RecordItemError(RpcMethod method, int code, Clock::duration latency);
  // One call refused with RESOURCE_EXHAUSTED by kensho itself.
  void RecordShed(RpcMethod method);

  // ---- other events
  void SetServing(bool serving);
  void RecordRevocationAttempt(const revocation::AttemptReport& report);

  // ---- reading
  // The Prometheus text exposition of everything.
  std::string ScrapeText() const;
  std::vector<prometheus::MetricFamily> Collect() const;

  struct Totals {
    int64_t calls = 0;      // finished gRPC calls
    int64_t verdicts = 0;
    int64_t item_errors = 0;
    int64_t shed = 0;
    int64_t in_flight = 0;
    std::array<int64_t, LiveStats::kIndications> by_indication{};
    std::vector<std::pair<std::string, int64_t>> by_sub_indication;  // non-zero, not UNSPECIFIED
  };
  Totals totals() const;
  bool serving() const { return serving_.load(std::memory_order_relaxed); }
  const LiveStats& live() const { return live_; }
  absl::Time started_at() const { return started_at_; }
  std::shared_ptr<verify::Engine> engine() const { return engine_ ? engine_() : nullptr; }
  revocation::PartitionManager* partitions() const { return partitions_; }

  static constexpr int kCodes = 17;
  static constexpr int kSubIndications = 17;

  // A batch's items as one thread answered them, recorded by RecordTally
  // with one update of each shared counter instead of one per item (two
  // threads updating the same counters per item kept trading their cache
  // lines). Counts exactly what RecordVerdict / RecordItemError /
  // RecordShed would for each item.
  class ItemTally {
   public:
    void Verdict(const v1::Verdict& verdict, Clock::duration latency);
    void Error(int code, Clock::duration latency);

   private:
    friend class ServerMetrics;
    std::array<std::array<int64_t, kSubIndications>, LiveStats::kIndications> verdicts_{};
    std::array<int64_t, kCodes> errors_{};
    std::vector<std::pair<int, absl::Duration>> items_;  // (indication or -1, latency)
  };
  void RecordTally(RpcMethod method, const ItemTally& tally);

 private:
  class StateCollector;
  struct Stripe;
  // Brings the Prometheus counters, gauges and histograms fed by the
  // stripes up to date (at each scrape).
  void Publish() const;
  Stripe& Mine() const;
  struct Sums;
  Sums Sum(int method) const;  // one method's tallies over all stripes

  static int Index(int value, int size) { return value >= 0 && value < size ? value : 0; }
  // The counters RecordVerdict/RecordItemError/RecordShed and RecordTally
  // share; `ind`, `sub` and `code` already in range.
  void CountVerdicts(RpcMethod method, int ind, int sub, int64_t n);
  void CountItemErrors(RpcMethod method, int code, int64_t n);
  void CountShed(RpcMethod method, int64_t n);

  const absl::Time started_at_;
  const std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<StateCollector> state_collector_;
  std::function<std::shared_ptr<verify::Engine>()> engine_;
  revocation::PartitionManager* partitions_ = nullptr;

  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Histogram>& rpc_duration_;
  prometheus::Family<prometheus::Gauge>& in_flight_;
  prometheus::Family<prometheus::Counter>& verdicts_;
  prometheus::Family<prometheus::Counter>& item_errors_;
  prometheus::Family<prometheus::Histogram>& item_duration_;
  prometheus::Family<prometheus::Counter>& shed_;
  prometheus::Family<prometheus::Counter>& fetch_errors_;
  prometheus::Family<prometheus::Histogram>& ingest_duration_;
  prometheus::Gauge& serving_gauge_;

  // Label children made once per method (precomputed) or on first use
  // (cached: the family's own lookup hashes the labels under a lock).
  struct PerMethod {
    prometheus::Histogram* rpc_duration = nullptr;
    prometheus::Histogram* item_duration = nullptr;
    prometheus::Gauge* in_flight = nullptr;
    prometheus::Counter* shed = nullptr;
    std::array<std::atomic<prometheus::Counter*>, kCodes> calls{};
    std::array<std::atomic<prometheus::Counter*>, kCodes> item_errors{};
    std::array<std::array<std::atomic<prometheus::Counter*>, kSubIndications>,
               LiveStats::kIndications>
        verdicts{};
  };
  mutable std::array<PerMethod, kRpcMethods> methods_;

  // The hot path's tallies, one set per thread stripe, and what Publish
  // last handed to Prometheus.
  const std::unique_ptr<Stripe[]> stripes_;
  struct Published;
  mutable absl::Mutex publish_mu_;
  const std::unique_ptr<Published> published_ ABSL_PT_GUARDED_BY(publish_mu_);

  std::atomic<int64_t> item_errors_total_{0};
  std::atomic<int64_t> shed_total_{0};
  std::atomic<bool> serving_{false};
  LiveStats live_;
};

}  // namespace kensho::server

#endif  // KENSHO_SERVER_METRICS_H_
