#include "server/worker_pool.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace kensho::server {
namespace {

TEST(WorkerPoolTest, RunsEverythingSubmitted) {
  std::atomic<int> done{0};
  {
    WorkerPool pool(2, 1000);
    for (int i = 0; i < 500; ++i) {
      ASSERT_TRUE(pool.TrySubmit([&] { done.fetch_add(1); }));
    }
  }
  EXPECT_EQ(done.load(), 500);
}

TEST(WorkerPoolTest, FullQueueRefusesAtOnce) {
  absl::Notification release;
  WorkerPool pool(1, 2);
  ASSERT_TRUE(pool.TrySubmit([&] { release.WaitForNotification(); }));
  // The worker may or may not have taken the first task yet: fill until refused.
  int accepted = 0;
  while (pool.TrySubmit([] {}) && accepted < 10) ++accepted;
  EXPECT_LE(accepted, 3);
  EXPECT_FALSE(pool.TrySubmit([] {}));
  release.Notify();
}

}  // namespace
}  // namespace kensho::server
