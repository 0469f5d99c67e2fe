#include "server/live_stats.h"

#include "gtest/gtest.h"

namespace kensho::server {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

TEST(LiveStatsTest, EmptyWindowHasNoPercentiles) {
  LiveStats stats;
  LiveStats::Window w = stats.Summarize(kT0, 10);
  EXPECT_EQ(w.verdicts, 0);
  EXPECT_EQ(w.per_second, 0);
  EXPECT_FALSE(w.p50_us.has_value());
}

TEST(LiveStatsTest, CountsCompletedSecondsOnly) {
  LiveStats stats;
  for (int i = 0; i < 10; ++i) stats.Record(kT0, 1, absl::Microseconds(100));
  for (int i = 0; i < 5; ++i) stats.Record(kT0 + absl::Seconds(1), 2, absl::Microseconds(100));
  stats.Record(kT0 + absl::Seconds(1), -1, absl::Microseconds(100));
  // At kT0 + 1.5 s only second kT0 is complete.
  LiveStats::Window w = stats.Summarize(kT0 + absl::Milliseconds(1500), 5);
  EXPECT_EQ(w.verdicts, 10);
  EXPECT_EQ(w.by_indication[1], 10);
  EXPECT_DOUBLE_EQ(w.per_second, 2.0);
  w = stats.Summarize(kT0 + absl::Seconds(2), 5);
  EXPECT_EQ(w.verdicts, 15);
  EXPECT_EQ(w.errors, 1);
  EXPECT_EQ(w.by_indication[2], 5);
  std::vector<int64_t> series = stats.PerSecond(kT0 + absl::Seconds(2), 4);
  EXPECT_EQ(series, (std::vector<int64_t>{0, 0, 10, 6}));
  // Seconds older than the window drop out.
  EXPECT_EQ(stats.Summarize(kT0 + absl::Seconds(20), 5).verdicts, 0);
}

TEST(LiveStatsTest, OldSlotsAreReusedNotAdded) {
  LiveStats stats;
  stats.Record(kT0, 1, absl::Microseconds(10));
  stats.Record(kT0 + absl::Seconds(LiveStats::kSeconds), 1, absl::Microseconds(10));
  EXPECT_EQ(stats.Summarize(kT0 + absl::Seconds(LiveStats::kSeconds + 1), 60).verdicts, 1);
}

TEST(LiveStatsTest, PercentilesWithinOneBucket) {
  LiveStats stats;
  // 1..1000 µs, one each: p50 ≈ 500 µs, p90 ≈ 900, p99 ≈ 990.
  for (int us = 1; us <= 1000; ++us) stats.Record(kT0, 1, absl::Microseconds(us));
  LiveStats::Window w = stats.Summarize(kT0 + absl::Seconds(1), 5);
  ASSERT_TRUE(w.p50_us.has_value());
  EXPECT_GE(*w.p50_us, 500);
  EXPECT_LE(*w.p50_us, 500 * 1.1);
  EXPECT_GE(*w.p90_us, 900);
  EXPECT_LE(*w.p90_us, 900 * 1.1);
  EXPECT_GE(*w.p99_us, 990);
  EXPECT_LE(*w.p99_us, 990 * 1.1);
}

TEST(LiveStatsTest, BucketsAreMonotonicAndBounded) {
  EXPECT_EQ(LiveStats::BucketOf(absl::ZeroDuration()), 0);
  EXPECT_EQ(LiveStats::BucketOf(absl::Hours(10)), LiveStats::kBuckets - 1);
  int last = 0;
  for (int us = 1; us < 1000000; us = us * 3 / 2 + 1) {
    int b = LiveStats::BucketOf(absl::Microseconds(us));
    EXPECT_GE(b, last);
    EXPECT_GE(LiveStats::BucketUpperMicros(b), us);
    last = b;
  }
}

}  // namespace
}  // namespace kensho::server
