#include "tools/jpki_sim/key_pool.h"

#include <cstdlib>

#include "gtest/gtest.h"
#include "tools/jpki_sim/files.h"

namespace kensho::sim {
namespace {

TEST(KeyPoolTest, GeneratesOnceThenReuses) {
  const std::string dir = JoinPath(getenv("TEST_TMPDIR"), "pool");
  auto cold = KeyPool::LoadOrCreate(dir, 2, 1);
  ASSERT_TRUE(cold.ok()) << cold.status();
  EXPECT_EQ(cold->generated(), 3);
  EXPECT_TRUE(FileExists(JoinPath(dir, "key-0001.pem")));
  EXPECT_TRUE(FileExists(JoinPath(dir, "ca-00.pem")));
  EXPECT_EQ(EVP_PKEY_get_bits(cold->ee(0)), 2048);
  EXPECT_NE(EVP_PKEY_eq(cold->ee(0), cold->ee(1)), 1);

  auto warm = KeyPool::LoadOrCreate(dir, 3, 1);  // one more key
  ASSERT_TRUE(warm.ok()) << warm.status();
  EXPECT_EQ(warm->generated(), 1);
  EXPECT_EQ(EVP_PKEY_eq(cold->ee(0), warm->ee(0)), 1);
  EXPECT_EQ(EVP_PKEY_eq(cold->ca(0), warm->ca(0)), 1);
  EXPECT_EQ(KeyPool::EeFileName(7), "key-0007.pem");

  EXPECT_FALSE(KeyPool::LoadOrCreate(dir, 1, 0).ok());
}

}  // namespace
}  // namespace kensho::sim
