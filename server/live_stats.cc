#include "server/live_stats.h"

#include <algorithm>
#include <cmath>

#include "base/striped_counter.h"

namespace kensho::server {

int LiveStats::BucketOf(absl::Duration latency) {
  const double us = absl::ToDoubleMicroseconds(latency);
  if (!(us > 1.0)) return 0;
  const int b = static_cast<int>(std::log2(us) * kBucketsPerOctave);
  return std::min(b, kBuckets - 1);
}

double LiveStats::BucketUpperMicros(int bucket) {
  return std::exp2(static_cast<double>(bucket + 1) / kBucketsPerOctave);
}

int LiveStats::Clamp(int seconds) { return std::max(1, std::min(seconds, kSeconds - 1)); }

void LiveStats::Slot::Add(int indication, absl::Duration took) {
  if (indication < 0 || indication >= kIndications) {
    ++errors;
  } else {
    ++by_indication[indication];
  }
  ++latency[BucketOf(took)];
}

LiveStats::Slot& LiveStats::Shard::SlotFor(int64_t second) {
  Slot& slot = slots[static_cast<size_t>(second % kSeconds)];
  if (slot.second != second) slot = Slot{second};
  return slot;
}

LiveStats::Shard& LiveStats::Mine() { return shards_[ThreadStripe() % kShards]; }

void LiveStats::Record(absl::Time now, int indication, absl::Duration latency) {
  Shard& shard = Mine();
  absl::MutexLock lock(&shard.mu);
  shard.SlotFor(absl::ToUnixSeconds(now)).Add(indication, latency);
}

void LiveStats::RecordMany(absl::Time now,
                           const std::vector<std::pair<int, absl::Duration>>& items) {
  if (items.empty()) return;
  Shard& shard = Mine();
  absl::MutexLock lock(&shard.mu);
  Slot& slot = shard.SlotFor(absl::ToUnixSeconds(now));
  for (const auto& [indication, latency] : items) slot.Add(indication, latency);
}

LiveStats::Window LiveStats::Summarize(absl::Time now, int seconds) const {
  seconds = Clamp(seconds);
  const int64_t current = absl::ToUnixSeconds(now);
  Window w;
  w.seconds = seconds;
  std::array<uint64_t, kBuckets> latency{};
  for (const Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    for (const Slot& slot : shard.slots) {
      if (slot.second < current - seconds || slot.second >= current) continue;
      w.errors += slot.errors;
      for (int i = 0; i < kIndications; ++i) w.by_indication[i] += slot.by_indication[i];
      for (int b = 0; b < kBuckets; ++b) latency[b] += slot.latency[b];
    }
  }
  for (int64_t n : w.by_indication) w.verdicts += n;
  const int64_t total = w.verdicts + w.errors;
  w.per_second = static_cast<double>(total) / seconds;
  if (total == 0) return w;
  auto percentile = [&](double q) {
    const double rank = std::ceil(q * static_cast<double>(total));
    uint64_t seen = 0;
    for (int b = 0; b < kBuckets; ++b) {
      seen += latency[b];
      if (static_cast<double>(seen) >= rank) return BucketUpperMicros(b);
    }
    return BucketUpperMicros(kBuckets - 1);
  };
  w.p50_us = percentile(0.50);
  w.p90_us = percentile(0.90);
  w.p99_us = percentile(0.99);
  return w;
}

std::vector<int64_t> LiveStats::PerSecond(absl::Time now, int seconds) const {
  seconds = Clamp(seconds);
  const int64_t current = absl::ToUnixSeconds(now);
  std::vector<int64_t> out(static_cast<size_t>(seconds), 0);
  for (const Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    for (const Slot& slot : shard.slots) {
      const int64_t age = current - slot.second;  // 1 = the last completed second
      if (slot.second < 0 || age < 1 || age > seconds) continue;
      int64_t n = slot.errors;
      for (int64_t c : slot.by_indication) n += c;
      out[static_cast<size_t>(seconds - age)] += n;
    }
  }
  return out;
}

}  // namespace kensho::server
