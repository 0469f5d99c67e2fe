#include "verify/path_validator.h"

#include <string>
#include <thread>

#include "base/file_io.h"
#include "gtest/gtest.h"
#include "testing/shared_dir.h"
#include "verify/certificate_cache.h"

namespace kensho::verify {
namespace {

// The real JPKI roots: each is a chain of one to itself in its own profile,
// and a self-signed stranger (no chain) in the other.
class PathValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string shared = kensho::testing::SharedDir();
    ASSERT_FALSE(shared.empty()) << "../shared not found";
    dir_ = shared + "/data/jpki-roots";
    auto store = TrustStore::Create({{"jpki-sign", {dir_ + "/sign_ca_2023.pem"}, {}, false},
                                     {"jpki-auth", {dir_ + "/auth_ca_2023.pem"}, {}, false}});
    ASSERT_TRUE(store.ok()) << store.status();
    trust_ = *std::move(store);
  }

  std::shared_ptr<const ParsedCertificate> Root(const std::string& file) {
    auto pem = kensho::ReadFileBounded(dir_ + "/" + file, 1 << 20);
    EXPECT_TRUE(pem.ok()) << pem.status();
    auto certs = Certificate::ParseBundle(*pem);
    EXPECT_TRUE(certs.ok()) << certs.status();
    auto parsed = certs_.Get((*certs)[0]->der());
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    return *parsed;
  }

  std::string dir_;
  std::shared_ptr<const TrustStore> trust_;
  CertificateCache certs_{16};
};

TEST_F(PathValidatorTest, PassesAndFailuresAreBothCachedAndStayCorrect) {
  PathValidator paths(trust_, 8);
  const TrustProfile& sign = *trust_->Find("jpki-sign");
  auto sign_root = Root("sign_ca_2023.pem");
  auto auth_root = Root("auth_ca_2023.pem");
  bool cached = true;

  auto pass = paths.Validate(*sign_root, {}, sign, {}, &cached);
  EXPECT_EQ(pass->status, PathStatus::kOk) << pass->detail;
  EXPECT_FALSE(cached);
  auto fail = paths.Validate(*auth_root, {}, sign, {}, &cached);
  EXPECT_EQ(fail->status, PathStatus::kNoChain) << fail->detail;
  EXPECT_FALSE(cached);
  EXPECT_EQ(paths.cache_size(), 2);

  // Asked again: the same answers, from the caches.
  auto pass2 = paths.Validate(*sign_root, {}, sign, {}, &cached);
  EXPECT_TRUE(cached);
  EXPECT_EQ(pass2->status, PathStatus::kOk);
  auto fail2 = paths.Validate(*auth_root, {}, sign, {}, &cached);
  EXPECT_TRUE(cached);
  EXPECT_EQ(fail2->status, PathStatus::kNoChain);
  EXPECT_EQ(fail2->detail, fail->detail);
}

TEST_F(PathValidatorTest, FailuresNeverEvictPasses) {
  PathValidator paths(trust_, 4);  // room for 4 passes and 1 failure
  EXPECT_EQ(paths.cache_capacity(), 5);
  const TrustProfile& sign = *trust_->Find("jpki-sign");
  auto sign_root = Root("sign_ca_2023.pem");
  auto auth_root = Root("auth_ca_2023.pem");
  bool cached = false;
  ASSERT_EQ(paths.Validate(*sign_root, {}, sign, {}, &cached)->status, PathStatus::kOk);
  // More distinct failures (each policy input is another key) than there is
  // room for passes: they take turns in the one failure slot.
  for (int i = 0; i < 10; ++i) {
    PolicyInputs policy;
    policy.acceptable_policies = {"1.2.3." + std::to_string(i)};
    EXPECT_NE(paths.Validate(*auth_root, {}, sign, policy, &cached)->status, PathStatus::kOk);
  }
  EXPECT_LE(paths.cache_size(), 2);
  // Asked on a new thread, which has no table of its own yet: the answer
  // can only come from the shared cache of passes.
  std::thread([&] { paths.Validate(*sign_root, {}, sign, {}, &cached); }).join();
  EXPECT_TRUE(cached) << "a failure evicted a pass";
}

TEST_F(PathValidatorTest, CapacityZeroCachesNothing) {
  PathValidator paths(trust_, 0);
  const TrustProfile& sign = *trust_->Find("jpki-sign");
  auto auth_root = Root("auth_ca_2023.pem");
  bool cached = true;
  paths.Validate(*auth_root, {}, sign, {}, &cached);
  paths.Validate(*auth_root, {}, sign, {}, &cached);
  EXPECT_FALSE(cached);
  EXPECT_EQ(paths.cache_size(), 0);
}

}  // namespace
}  // namespace kensho::verify
