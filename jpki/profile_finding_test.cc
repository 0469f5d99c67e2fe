#include "jpki/profile_finding.h"

#include <vector>

#include "gtest/gtest.h"

namespace kensho::jpki {
namespace {

TEST(ProfileFindingTest, HasFindingAndViolation) {
  std::vector<ProfileFinding> none;
  EXPECT_FALSE(HasFinding(none, "X"));
  EXPECT_FALSE(HasProfileViolation(none));

  std::vector<ProfileFinding> info = {{"INFO", "fyi", true}};
  EXPECT_TRUE(HasFinding(info, "INFO"));
  EXPECT_FALSE(HasFinding(info, "INF"));
  EXPECT_FALSE(HasProfileViolation(info));

  info.push_back({"BAD", "broken", false});
  EXPECT_TRUE(HasProfileViolation(info));
}

TEST(ProfileFindingTest, DefaultIsAViolation) {
  ProfileFinding f;
  EXPECT_FALSE(f.informational);  // fail closed
}

}  // namespace
}  // namespace kensho::jpki
