// A rolling window of the last minute of verdicts, for the dashboard and
// /status.json: per second, how many verdicts of each indication, how many
// item/call errors, and a log-scale latency histogram. Prometheus histograms
// are cumulative since start; this answers "what is happening now" in process,
// without a Prometheus server to compute rates.
//
// Thread-safe. Record() takes one mutex per verdict, of a shard the calling
// thread keeps to itself (base/striped_counter.h's stripes), so two cores
// recording at once do not trade one lock's cache line; reading merges the
// shards.
#ifndef KENSHO_SERVER_LIVE_STATS_H_
#define KENSHO_SERVER_LIVE_STATS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace kensho::server {

class LiveStats {
 public:
  // Seconds kept; windows asked for are clamped to kSeconds - 1 completed
  // seconds.
  static constexpr int kSeconds = 64;
  // Latency buckets: bucket i holds [2^(i/8), 2^((i+1)/8)) microseconds, so a
  // percentile is exact to within 9%; the last bucket holds everything slower
  // (about 134 s and up).
  static constexpr int kBucketsPerOctave = 8;
  static constexpr int kBuckets = 27 * kBucketsPerOctave;
  // Indications as in kensho.v1.Indication (0 unspecified .. 3 indeterminate).
  static constexpr int kIndications = 4;

  // One answered item: a verdict (`indication` 0..3) or, with
  // `indication` < 0, an error (no verdict).
  void Record(absl::Time now, int indication, absl::Duration latency);
  // Many answered items at once, as (indication or -1, latency): one lock.
  void RecordMany(absl::Time now, const std::vector<std::pair<int, absl::Duration>>& items);

  struct Window {
    int seconds = 0;              // completed seconds summarized
    int64_t verdicts = 0;
    int64_t errors = 0;
    std::array<int64_t, kIndications> by_indication{};
    double per_second = 0;        // (verdicts + errors) / seconds
    // Upper bounds of the percentile's bucket, microseconds; unset when the
    // window is empty.
    std::optional<double> p50_us, p90_us, p99_us;
  };
  // The last `seconds` completed seconds before `now` (the current, partial
  // second is left out so that the numbers do not wobble).
  Window Summarize(absl::Time now, int seconds) const;
  // Answers (verdicts + errors) per completed second, oldest first.
  std::vector<int64_t> PerSecond(absl::Time now, int seconds) const;

  // Bucket index for a latency, and the upper bound of a bucket (µs).
  static int BucketOf(absl::Duration latency);
  static double BucketUpperMicros(int bucket);

 private:
  struct Slot {
    int64_t second = -1;  // unix second this slot holds, -1 none
    int64_t errors = 0;
    std::array<int64_t, kIndications> by_indication{};
    std::array<uint32_t, kBuckets> latency{};
    void Add(int indication, absl::Duration took);
  };
  static int Clamp(int seconds);
  struct Shard {
    mutable absl::Mutex mu;
    std::array<Slot, kSeconds> slots ABSL_GUARDED_BY(mu);
    // The slot for `second`, reset if it held an older one.
    Slot& SlotFor(int64_t second) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  };
  static constexpr int kShards = 8;
  Shard& Mine();

  std::array<Shard, kShards> shards_;
};

}  // namespace kensho::server

#endif  // KENSHO_SERVER_LIVE_STATS_H_
