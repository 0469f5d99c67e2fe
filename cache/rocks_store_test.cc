#include "cache/rocks_store.h"

#include <cstdlib>
#include <string>

#include "cache/key_schema.h"
#include "gtest/gtest.h"

namespace kensho::cache {
namespace {

std::string TmpDir(const std::string& name) {
  return std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
}

TEST(RocksStoreTest, CommitIsDurableAcrossReopen) {
  std::string dir = TmpDir("reopen");
  {
    auto store = RocksStore::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Commit({{kRevokedFamily, "k1", "v1"},
                                  {kPartitionsFamily, "p", "meta"}}).ok());
  }
  auto store = RocksStore::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status();
  auto v = (*store)->Get(kRevokedFamily, "k1");
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ(**v, "v1");
  ASSERT_TRUE((*store)->Commit({{kRevokedFamily, "k1", std::nullopt}}).ok());
  v = (*store)->Get(kRevokedFamily, "k1");
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->has_value());
}

TEST(RocksStoreTest, SecondOpenOfSameFolderFailsClearly) {
  std::string dir = TmpDir("locked");
  auto first = RocksStore::Open(dir);
  ASSERT_TRUE(first.ok());
  auto second = RocksStore::Open(dir);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find(dir), std::string::npos);
}

TEST(RocksStoreTest, RefusesNewerSchema) {
  std::string dir = TmpDir("newer");
  {
    auto store = RocksStore::Open(dir);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Commit({{kMetaFamily, kSchemaVersionKey, "999"}}).ok());
  }
  auto store = RocksStore::Open(dir);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(RocksStoreTest, UnknownFamilyIsAnError) {
  auto store = RocksStore::Open(TmpDir("family"));
  ASSERT_TRUE(store.ok());
  EXPECT_FALSE((*store)->Get("nope", "k").ok());
  EXPECT_FALSE((*store)->Commit({{"nope", "k", "v"}}).ok());
}

TEST(RocksStoreTest, UnwritableFolderFails) {
  auto store = RocksStore::Open("/proc/kensho-cannot-create-this");
  EXPECT_FALSE(store.ok());
}

}  // namespace
}  // namespace kensho::cache
