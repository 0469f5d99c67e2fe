#include "cache/revocation_lookup_cache.h"

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace kensho::cache {
namespace {

const std::string kKeyId(20, '\xab');

std::string Serial(int i) { return std::string{'\x10', static_cast<char>(i >> 8), static_cast<char>(i)}; }

PartitionMetadata Meta(int number) {
  PartitionMetadata m;
  m.partition_id = "p";
  m.issuer_key_id = kKeyId;
  m.crl_number = std::string(1, static_cast<char>(number));
  m.this_update = absl::FromUnixSeconds(1772319600);
  return m;
}

absl::Status Fill(RevocationStore& store, int number, int from, int to) {
  return store.ReplacePartition(Meta(number), [&](crl::RevokedEntrySink& sink) {
    for (int i = from; i < to; ++i) {
      const std::string s = Serial(i);
      crl::RevokedEntry e;
      e.serial = s;
      e.revocation_date = absl::FromUnixSeconds(1700000000 + i);
      e.reason = crl::RevocationReason::kKeyCompromise;
      if (absl::Status st = sink.Add(e); !st.ok()) return st;
    }
    return absl::OkStatus();
  });
}

bool Revoked(const RevocationLookupCache& cache, int i) {
  auto hit = cache.Lookup("p", Serial(i));
  EXPECT_TRUE(hit.ok()) << hit.status();
  return hit.ok() && hit->has_value();
}

TEST(RevocationLookupCache, AnswersAsTheStoreAndFollowsReplaces) {
  auto rocks = RocksStore::Open(std::string(std::getenv("TEST_TMPDIR")) + "/lru");
  ASSERT_TRUE(rocks.ok()) << rocks.status();
  auto store = RevocationStore::Open(rocks->get());
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(Fill(**store, 1, 0, 100).ok());
  RevocationLookupCache::Options o;
  o.max_entries = 64;
  o.shards = 4;
  RevocationLookupCache cache(store->get(), o);
  for (int pass = 0; pass < 2; ++pass) {
    EXPECT_TRUE(Revoked(cache, 5));
    EXPECT_FALSE(Revoked(cache, 150));
  }
  auto hit = cache.Lookup("p", Serial(7));
  ASSERT_TRUE(hit.ok() && hit->has_value());
  EXPECT_EQ((*hit)->serial, Serial(7));
  EXPECT_EQ((*hit)->revocation_date, absl::FromUnixSeconds(1700000007));
  EXPECT_EQ((*hit)->reason, crl::RevocationReason::kKeyCompromise);
  EXPECT_EQ((*hit)->partition_id, "p");
  // The cached answer is the same as the first.
  auto again = cache.Lookup("p", Serial(7));
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->revocation_date, absl::FromUnixSeconds(1700000007));
  EXPECT_EQ((*again)->reason, crl::RevocationReason::kKeyCompromise);

  // A replace invalidates both kinds of cached answers.
  const uint64_t before = (*store)->change_count();
  ASSERT_TRUE(Fill(**store, 2, 100, 200).ok());
  EXPECT_GT((*store)->change_count(), before);
  EXPECT_FALSE(Revoked(cache, 5));
  EXPECT_TRUE(Revoked(cache, 150));
  ASSERT_TRUE((*store)->RemovePartition("p").ok());
  EXPECT_FALSE(Revoked(cache, 150));

  // Bounded.
  for (int i = 0; i < 1000; ++i) Revoked(cache, i);
  EXPECT_LE(cache.size(), 64u);
  EXPECT_GT(cache.size(), 0u);
}

}  // namespace
}  // namespace kensho::cache
