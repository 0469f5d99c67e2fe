#include "verify/challenge_store.h"

#include "gtest/gtest.h"

namespace kensho::verify {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1800000000);

TEST(ChallengeStoreTest, AcceptedOnceThenReplayed) {
  InMemoryChallengeStore store(absl::Minutes(5), 100);
  auto c = store.Issue(kT0);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->nonce.size(), kNonceBytes);
  EXPECT_EQ(c->expires_at, kT0 + absl::Minutes(5));
  EXPECT_EQ(store.Consume(c->nonce, kT0 + absl::Seconds(1)), ChallengeOutcome::kAccepted);
  EXPECT_EQ(store.Consume(c->nonce, kT0 + absl::Seconds(2)), ChallengeOutcome::kReplayed);
}

TEST(ChallengeStoreTest, ExpiryIsExclusive) {
  InMemoryChallengeStore store(absl::Minutes(5), 100);
  auto a = store.Issue(kT0);
  auto b = store.Issue(kT0);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->nonce, b->nonce);
  EXPECT_EQ(store.Consume(a->nonce, kT0 + absl::Minutes(5) - absl::Nanoseconds(1)),
            ChallengeOutcome::kAccepted);
  EXPECT_EQ(store.Consume(b->nonce, kT0 + absl::Minutes(5)), ChallengeOutcome::kExpired);
  EXPECT_EQ(store.Consume(b->nonce, kT0 + absl::Minutes(6)), ChallengeOutcome::kReplayed);
}

TEST(ChallengeStoreTest, UnknownAndForgotten) {
  InMemoryChallengeStore store(absl::Minutes(5), 100);
  EXPECT_EQ(store.Consume(std::string(32, 'x'), kT0), ChallengeOutcome::kUnknown);
  EXPECT_EQ(store.Consume("", kT0), ChallengeOutcome::kUnknown);
  auto c = store.Issue(kT0);
  ASSERT_TRUE(c.ok());
  // Forgotten a whole ttl after expiry: the store stays bounded.
  EXPECT_EQ(store.Consume(c->nonce, kT0 + absl::Minutes(11)), ChallengeOutcome::kUnknown);
  EXPECT_EQ(store.size(), 0u);
}

TEST(ChallengeStoreTest, BoundedWithResourceExhausted) {
  InMemoryChallengeStore store(absl::Minutes(5), 3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store.Issue(kT0).ok());
  auto over = store.Issue(kT0);
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  // Space comes back once old entries are forgotten.
  EXPECT_TRUE(store.Issue(kT0 + absl::Minutes(11)).ok());
}

}  // namespace
}  // namespace kensho::verify
