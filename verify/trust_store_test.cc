#include "verify/trust_store.h"

#include <string>

#include "gtest/gtest.h"
#include "testing/shared_dir.h"

namespace kensho::verify {
namespace {

std::string RootsDir() {
  std::string shared = kensho::testing::SharedDir();
  return shared.empty() ? "" : shared + "/data/jpki-roots";
}

TEST(TrustStoreTest, LoadsRealJpkiRootsOfTwoGenerationsWithOneDn) {
  std::string dir = RootsDir();
  ASSERT_FALSE(dir.empty()) << "../shared/data/jpki-roots not found";
  auto store = TrustStore::Create(
      {{"jpki-sign", {dir + "/sign_ca_2015.pem", dir + "/sign_ca_2023.pem"}, {}, false}});
  ASSERT_TRUE(store.ok()) << store.status();
  const TrustProfile* profile = (*store)->Find("jpki-sign");
  ASSERT_NE(profile, nullptr);
  ASSERT_EQ(profile->anchors.size(), 2u);
  // Same DN, different keys: the reason issuers are picked by key id.
  EXPECT_EQ(profile->anchors[0].certificate->subject(),
            profile->anchors[1].certificate->subject());
  EXPECT_NE(profile->anchors[0].certificate->subject_key_id(),
            profile->anchors[1].certificate->subject_key_id());
  EXPECT_FALSE(profile->anchors[0].test_hierarchy);
  EXPECT_EQ((*store)->Find("jpki-auth"), nullptr);
}

TEST(TrustStoreTest, MissingFileNamesProfileAndFile) {
  auto store = TrustStore::Create({{"custom", {"/nonexistent/root.pem"}, {}, false}});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("custom"), std::string::npos);
  EXPECT_NE(store.status().message().find("/nonexistent/root.pem"), std::string::npos);
}

TEST(TrustStoreTest, RejectsDuplicateAndEmptyProfiles) {
  std::string dir = RootsDir();
  ASSERT_FALSE(dir.empty());
  EXPECT_FALSE(TrustStore::Create({{"a", {dir + "/auth_ca_2015.pem"}, {}, false},
                                   {"a", {dir + "/auth_ca_2023.pem"}, {}, false}})
                   .ok());
  EXPECT_FALSE(TrustStore::Create({{"empty", {}, {}, false}}).ok());
}

TEST(TrustStoreTest, GarbageFileIsAnError) {
  std::string dir = RootsDir();
  ASSERT_FALSE(dir.empty());
  // The README is not a certificate.
  auto store = TrustStore::Create({{"bad", {dir + "/README.md"}, {}, false}});
  EXPECT_FALSE(store.ok());
}

}  // namespace
}  // namespace kensho::verify
