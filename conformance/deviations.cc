#include "conformance/deviations.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/file_io.h"

namespace kensho::conformance {

absl::StatusOr<KnownDeviations> KnownDeviations::Parse(absl::string_view text) {
  KnownDeviations out;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> parts = absl::StrSplit(line, absl::MaxSplits(' ', 2));
    if (parts.size() != 3 || parts[0].empty() || parts[1].empty() ||
        absl::StripAsciiWhitespace(parts[2]).empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "known_deviations.txt:", line_no, ": expected 'suite id reason', got: ", line));
    }
    auto [it, inserted] = out.entries_.emplace(
        std::make_pair(std::string(parts[0]), std::string(parts[1])),
        Entry{std::string(absl::StripAsciiWhitespace(parts[2])), false});
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat("known_deviations.txt:", line_no, ": duplicate entry ", line));
    }
  }
  return out;
}

absl::StatusOr<KnownDeviations> KnownDeviations::LoadFromRunfiles() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr || workspace == nullptr) {
    return absl::FailedPreconditionError("not a Bazel test (TEST_SRCDIR unset)");
  }
  const std::string path =
      absl::StrCat(srcdir, "/", workspace, "/conformance/known_deviations.txt");
  absl::StatusOr<std::string> text = ReadFileBounded(path);
  if (!text.ok()) return text.status();
  return Parse(*text);
}

const std::string* KnownDeviations::MatchFailure(absl::string_view suite, absl::string_view id) {
  auto it = entries_.find(std::make_pair(std::string(suite), std::string(id)));
  if (it == entries_.end()) return nullptr;
  it->second.matched = true;
  return &it->second.reason;
}

}  // namespace kensho::conformance
