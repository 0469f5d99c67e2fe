// Generates small worlds and checks completeness and byte-for-byte
// reproducibility (same seed + same key pool => identical output).
#include "tools/jpki_sim/world.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cstdlib>
#include <map>

#include "gtest/gtest.h"
#include "tools/jpki_sim/files.h"
#include "tools/jpki_sim/json.h"

namespace kensho::sim {
namespace {

const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 3, 1, 0, 0, 0), absl::UTCTimeZone());

std::string Tmp(const std::string& name) { return JoinPath(getenv("TEST_TMPDIR"), name); }

// All regular files under `dir`, relative path -> contents.
void ReadTree(const std::string& dir, const std::string& rel, std::map<std::string, std::string>* out) {
  DIR* d = opendir(JoinPath(dir, rel).c_str());
  if (d == nullptr) return;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string child = rel.empty() ? name : rel + "/" + name;
    struct stat st;
    stat(JoinPath(dir, child).c_str(), &st);
    if (S_ISDIR(st.st_mode)) {
      ReadTree(dir, child, out);
    } else {
      (*out)[child] = *ReadFile(JoinPath(dir, child));
    }
  }
  closedir(d);
}

WorldOptions Options(const std::string& out, uint64_t seed) {
  WorldOptions o;
  o.out_dir = out;
  o.people = 30;
  o.seed = seed;
  o.now = kNow;
  o.key_pool_dir = Tmp("pool");
  o.key_pool_size = 8;
  o.scale_crl_entries = 1000;
  return o;
}

TEST(WorldTest, SameSeedSamePoolIsByteIdentical) {
  WorldStats stats;
  ASSERT_TRUE(GenerateWorld(Options(Tmp("a"), 42), &stats).ok());
  EXPECT_GT(stats.certificates, 30);
  EXPECT_GT(stats.items, 30);
  EXPECT_GT(stats.partitions, 5);
  ASSERT_TRUE(GenerateWorld(Options(Tmp("b"), 42), &stats).ok());
  EXPECT_EQ(stats.keys_generated, 0) << "second run reuses the pool";
  std::map<std::string, std::string> a, b;
  ReadTree(Tmp("a"), "", &a);
  ReadTree(Tmp("b"), "", &b);
  ASSERT_EQ(a.size(), b.size());
  int compared = 0;
  for (const auto& [path, data] : a) {
    ASSERT_TRUE(b.count(path)) << path;
    EXPECT_EQ(data, b[path]) << path << " differs";
    ++compared;
  }
  EXPECT_GT(compared, 200);
  EXPECT_TRUE(a.count("manifest.json"));
  EXPECT_TRUE(a.count("crl/scale.crl"));
  EXPECT_TRUE(a.count("keypool/key-0007.pem")) << "items name keys relative to the world";

  ASSERT_TRUE(GenerateWorld(Options(Tmp("c"), 43)).ok());
  EXPECT_NE(*ReadFile(Tmp("c/manifest.json")), a["manifest.json"]);
}

TEST(WorldTest, CompletenessMarker) {
  const std::string dir = Tmp("d");
  EXPECT_FALSE(WorldIsComplete(dir));
  WorldOptions o = Options(dir, 7);
  o.with_workloads = false;
  o.scale_crl_entries = 0;
  ASSERT_TRUE(GenerateWorld(o).ok());
  EXPECT_TRUE(WorldIsComplete(dir));
  std::string manifest = *ReadFile(JoinPath(dir, "manifest.json"));
  EXPECT_TRUE(IsValidJson(manifest));
  ASSERT_TRUE(WriteFile(JoinPath(dir, "manifest.json"), manifest.substr(0, manifest.size() / 2)).ok());
  EXPECT_FALSE(WorldIsComplete(dir));
}

TEST(WorldTest, RegeneratingRemovesStaleFiles) {
  const std::string dir = Tmp("f");
  WorldOptions o = Options(dir, 9);
  ASSERT_TRUE(GenerateWorld(o).ok());
  o.people = 3;
  o.scale_crl_entries = 0;
  WorldStats stats;
  ASSERT_TRUE(GenerateWorld(o, &stats).ok());
  std::map<std::string, std::string> crl;
  ReadTree(JoinPath(dir, "crl"), "", &crl);
  EXPECT_EQ(crl.size(), static_cast<size_t>(stats.partitions) + 1) << "one CRL per partition + partitions.json";
  EXPECT_FALSE(FileExists(JoinPath(dir, "crl/scale.crl")));
  EXPECT_TRUE(WorldIsComplete(dir));
}

TEST(WorldTest, RejectsBadOptions) {
  WorldOptions o = Options(Tmp("e"), 1);
  o.now = absl::Time();
  EXPECT_EQ(GenerateWorld(o).code(), absl::StatusCode::kInvalidArgument);
  o = Options("", 1);
  EXPECT_EQ(GenerateWorld(o).code(), absl::StatusCode::kInvalidArgument);
  o = Options(Tmp("e"), 1);
  o.key_pool_size = 1;
  EXPECT_EQ(GenerateWorld(o).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kensho::sim
