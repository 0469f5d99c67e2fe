// Latency histogram and per-second time series for //bench:loadgen.
//
// LogHistogram: HDR-style log-linear buckets over nanoseconds: 32 linear
// sub-buckets per power of two (worst-case relative error ~3%), 1 ns .. 2^40
// ns (~18 min). Not thread-safe; loadgen guards it with a mutex.
#ifndef KENSHO_BENCH_LOADGEN_STATS_H_
#define KENSHO_BENCH_LOADGEN_STATS_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kensho::bench {

class LogHistogram {
 public:
  static constexpr int kSubBits = 5;
  static constexpr int kSub = 1 << kSubBits;
  static constexpr int kMaxExp = 40;
  static constexpr int kBuckets = (kMaxExp + 1) * kSub;

  LogHistogram() : counts_(kBuckets, 0) {}

  void Record(int64_t ns) {
    if (ns < 0) ns = 0;
    ++count_;
    sum_ += ns;
    max_ = std::max(max_, ns);
    min_ = count_ == 1 ? ns : std::min(min_, ns);
    ++counts_[Index(static_cast<uint64_t>(ns))];
  }
  void Merge(const LogHistogram& o) {
    for (int i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
    if (o.count_ > 0) {
      min_ = count_ == 0 ? o.min_ : std::min(min_, o.min_);
      max_ = std::max(max_, o.max_);
    }
    count_ += o.count_;
    sum_ += o.sum_;
  }
  uint64_t count() const { return count_; }
  int64_t max() const { return max_; }
  int64_t min() const { return min_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0; }

  // The value (upper edge of its bucket, capped at max) at quantile q in [0,1].
  int64_t Quantile(double q) const {
    if (count_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(count_) + 0.5);
    if (rank < 1) rank = 1;
    if (rank > count_) rank = count_;
    uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min<int64_t>(UpperEdge(i), max_);
    }
    return max_;
  }

 private:
  static int Index(uint64_t v) {
    if (v < static_cast<uint64_t>(kSub)) return static_cast<int>(v);
    int exp = 63 - __builtin_clzll(v);  // >= kSubBits
    if (exp > kMaxExp) return kBuckets - 1;
    int sub = static_cast<int>((v >> (exp - kSubBits)) & (kSub - 1));
    return (exp - kSubBits + 1) * kSub + sub;
  }
  static int64_t UpperEdge(int i) {
    if (i < kSub) return i;
    int block = i / kSub;  // >= 1
    int sub = i % kSub;
    int exp = block + kSubBits - 1;
    int64_t base = int64_t{1} << exp;
    int64_t step = int64_t{1} << (exp - kSubBits);
    return base + (sub + 1) * step - 1;
  }

  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  int64_t sum_ = 0;
  int64_t max_ = 0;
  int64_t min_ = 0;
};

// One second of the run.
struct SecondStats {
  LogHistogram latency;
  uint64_t completed = 0;   // items answered (verdict or item error)
  uint64_t sent = 0;        // items sent
  uint64_t errors = 0;      // gRPC / item errors
  uint64_t mismatches = 0;  // verdicts differing from the manifest
  uint64_t resource_exhausted = 0;
};

// Writes a self-contained SVG with two panels: throughput per second and
// p50/p99 latency (ms) per second.
std::string RenderSvg(const std::string& title, const std::vector<SecondStats>& seconds);

}  // namespace kensho::bench

#endif  // KENSHO_BENCH_LOADGEN_STATS_H_
