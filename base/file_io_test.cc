#include "base/file_io.h"

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace kensho {
namespace {

std::string TmpPath(const char* name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

TEST(FileIoTest, RoundTrip) {
  std::string path = TmpPath("round_trip");
  ASSERT_TRUE(WriteFileAtomically(path, std::string("a\0b", 3)).ok());
  auto read = ReadFileBounded(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, std::string("a\0b", 3));
}

TEST(FileIoTest, RefusesOversizeFile) {
  std::string path = TmpPath("big");
  ASSERT_TRUE(WriteFileAtomically(path, std::string(1000, 'x')).ok());
  auto read = ReadFileBounded(path, 999);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(FileIoTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadFileBounded(TmpPath("no_such_file")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(FileIoTest, DirectoryIsInvalidArgument) {
  EXPECT_EQ(ReadFileBounded("/").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kensho
