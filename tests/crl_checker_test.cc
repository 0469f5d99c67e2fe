// revocation::CrlRevocationChecker over a real RocksDB store filled from a jpki_sim world,
// with the clock moved forward to see stale-while-revalidate and its bound.
#include "revocation/crl_checker.h"

#include <fstream>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "cache/revocation_store.h"
#include "cache/rocks_store.h"
#include "conformance/json.h"
#include "gtest/gtest.h"
#include "revocation/partition_manager.h"
#include "tests/e2e_util.h"
#include "tools/jpki_sim/world.h"
#include "verify/certificate.h"
#include "verify/trust_store.h"

namespace kensho::revocation {
namespace {

using ::kensho::testing::ReadFile;

TEST(CrlRevocationCheckerTest, StaleWhileRevalidateUpToItsBound) {
  const std::string tmp = std::getenv("TEST_TMPDIR");
  const absl::Time now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  sim::WorldOptions options;
  options.out_dir = tmp + "/world";
  options.people = 40;
  options.seed = 8;
  options.now = now;
  options.key_pool_size = 4;
  options.with_workloads = false;
  ASSERT_TRUE(sim::GenerateWorld(options).ok());
  auto manifest = conformance::ParseJson(ReadFile(options.out_dir + "/manifest.json"));
  ASSERT_TRUE(manifest.ok());
  std::string revoked_file, good_file;
  for (const auto& c : manifest->Find("certificates")->elements()) {
    if (c.Find("kind")->text() != "JPKI_SIGNATURE" ||
        c.Find("issuer")->text() != "roots/sign_gen3.pem") {
      continue;
    }
    if (c.Find("status")->text() == "revoked" && revoked_file.empty()) {
      revoked_file = c.Find("file")->text();
    }
    if (c.Find("status")->text() == "good" && good_file.empty()) good_file = c.Find("file")->text();
  }
  ASSERT_FALSE(revoked_file.empty());
  ASSERT_FALSE(good_file.empty());

  auto trust = verify::TrustStore::Create(
      {{"jpki-sign", {options.out_dir + "/trust/jpki-sign.pem"}, {}, false}});
  ASSERT_TRUE(trust.ok()) << trust.status();
  auto rocks = cache::RocksStore::Open(tmp + "/db");
  ASSERT_TRUE(rocks.ok());
  auto store = cache::RevocationStore::Open(rocks->get());
  ASSERT_TRUE(store.ok());
  auto partitions = PartitionManager::Create({}, options.out_dir + "/crl", *trust, store->get(),
                                             FetchPolicy(), tmp);
  ASSERT_TRUE(partitions.ok()) << partitions.status();
  for (const auto& v : (*partitions)->Snapshot(now)) {
    (*partitions)->Refresh(v.config.id, now).IgnoreError();  // other profiles' CRLs fail
  }
  auto issuer = verify::Certificate::ParseBundle(
      ReadFile(options.out_dir + "/roots/sign_gen3.pem"));
  ASSERT_TRUE(issuer.ok());
  auto revoked = verify::Certificate::ParseDer(ReadFile(options.out_dir + "/" + revoked_file));
  auto good = verify::Certificate::ParseDer(ReadFile(options.out_dir + "/" + good_file));
  ASSERT_TRUE(revoked.ok() && good.ok());

  absl::Time clock = now;
  CrlRevocationChecker checker(partitions->get(), store->get(), nullptr, [&] { return clock; },
                               absl::Hours(24));
  using verify::RevocationMode;
  using verify::RevocationStatus;
  const verify::Certificate& ca = *issuer->front();
  // Fresh (the world's CRLs are valid for 24 h).
  EXPECT_EQ(checker.Check(**good, ca, now, RevocationMode::kSoftFail).status,
            RevocationStatus::kGood);
  EXPECT_EQ(checker.Check(**revoked, ca, now, RevocationMode::kSoftFail).status,
            RevocationStatus::kRevoked);
  // One hour past nextUpdate: stale; soft-fail still believes GOOD, hard-fail does not.
  clock = now + absl::Hours(25);
  auto soft = checker.Check(**good, ca, clock, RevocationMode::kSoftFail);
  EXPECT_TRUE(soft.stale);
  EXPECT_EQ(soft.status, RevocationStatus::kGood);
  EXPECT_EQ(checker.Check(**good, ca, clock, RevocationMode::kHardFail).status,
            RevocationStatus::kUnknown);
  // Past the 24 h bound: no status, whatever the mode; REVOKED stays.
  clock = now + absl::Hours(49);
  EXPECT_EQ(checker.Check(**good, ca, clock, RevocationMode::kSoftFail).status,
            RevocationStatus::kUnknown);
  EXPECT_EQ(checker.Check(**revoked, ca, clock, RevocationMode::kSoftFail).status,
            RevocationStatus::kRevoked);
}

}  // namespace
}  // namespace kensho::revocation
