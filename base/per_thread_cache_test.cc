#include "base/per_thread_cache.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/per_thread_snapshot.h"
#include "base/striped_counter.h"
#include "gtest/gtest.h"

namespace kensho {
namespace {

using Cache = PerThreadCache<std::string, const int>;

TEST(PerThreadCacheTest, FindsWhatThisThreadPut) {
  Cache cache(8);
  EXPECT_EQ(cache.Find(std::string("a")), nullptr);
  cache.Put("a", std::make_shared<const int>(1));
  auto hit = cache.Find(std::string("a"));
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(*hit, 1);
  cache.Put("a", std::make_shared<const int>(2));
  EXPECT_EQ(*cache.Find(std::string("a")), 2);
}

TEST(PerThreadCacheTest, OtherThreadsDoNotSeeIt) {
  Cache cache(8);
  cache.Put("a", std::make_shared<const int>(1));
  std::shared_ptr<const int> seen = std::make_shared<const int>(-1);
  std::thread([&] { seen = cache.Find(std::string("a")); }).join();
  EXPECT_EQ(seen, nullptr);
}

TEST(PerThreadCacheTest, EachOwnerHasItsOwnTable) {
  Cache a(8), b(8);
  a.Put("k", std::make_shared<const int>(1));
  EXPECT_EQ(b.Find(std::string("k")), nullptr);
  b.Put("k", std::make_shared<const int>(2));
  EXPECT_EQ(*a.Find(std::string("k")), 1);
  EXPECT_EQ(*b.Find(std::string("k")), 2);
}

TEST(PerThreadCacheTest, AReplacedOwnerIsNeverServedToItsSuccessor) {
  // Owners come and go (an engine per config reload); a new one starts
  // empty even where the old one's table is recycled.
  for (int i = 0; i < 20; ++i) {
    Cache c(8);
    EXPECT_EQ(c.Find(std::string("k")), nullptr) << i;
    c.Put("k", std::make_shared<const int>(i));
    EXPECT_EQ(*c.Find(std::string("k")), i);
  }
}

TEST(PerThreadCacheTest, BoundedAndHeldValuesOutliveEviction) {
  Cache cache(2);
  cache.Put("a", std::make_shared<const int>(1));
  std::shared_ptr<const int> held = cache.Find(std::string("a"));
  cache.Put("b", std::make_shared<const int>(2));
  cache.Put("c", std::make_shared<const int>(3));  // full: starts over
  EXPECT_EQ(cache.Find(std::string("a")), nullptr);
  EXPECT_EQ(*cache.Find(std::string("c")), 3);
  EXPECT_EQ(*held, 1);
}

TEST(PerThreadCacheTest, CapacityZeroKeepsNothing) {
  Cache cache(0);
  cache.Put("a", std::make_shared<const int>(1));
  EXPECT_EQ(cache.Find(std::string("a")), nullptr);
}

TEST(PerThreadSnapshotTest, AThreadThatHoldsTheOldValueSeesTheNewOneAfterSet) {
  PerThreadSnapshot<const int> snapshot(std::make_shared<const int>(1));
  EXPECT_EQ(*snapshot.Get(), 1);  // now this thread holds 1
  std::thread([&] {
    EXPECT_EQ(*snapshot.Get(), 1);
    snapshot.Set(std::make_shared<const int>(2));
    EXPECT_EQ(*snapshot.Get(), 2);
  }).join();
  EXPECT_EQ(*snapshot.Get(), 2);
  snapshot.Set(std::make_shared<const int>(3));
  EXPECT_EQ(*snapshot.Get(), 3);
}

TEST(StripedCounterTest, SumsEveryThreadsAdds) {
  StripedCounter counter;
  std::vector<std::thread> threads;
  for (int t = 0; t < 20; ++t) {  // more threads than stripes
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) counter.Add(1);
    });
  }
  for (auto& t : threads) t.join();
  counter.Add(-5);
  EXPECT_EQ(counter.Sum(), 20 * 1000 - 5);
}

}  // namespace
}  // namespace kensho
