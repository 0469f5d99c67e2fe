// The committed list of conformance cases kensho is known not to pass
// (conformance/known_deviations.txt), shared by every harness here.
//
// Format, one entry per line ('#' comments and blank lines are ignored):
//   <suite> <case id> <reason>
// e.g. "x509-limbo rfc5280::serial::zero OpenSSL accepts a zero serial".
// Suite and case id contain no spaces; the reason is free text and must not
// be empty. Each harness owns the suites it names and enforces both ways: a
// failing case that is not listed fails the test, and so does a listed case
// that did not fail (it passes now, was skipped, or names no case), so the
// list stays true.
//
// Thread-compatible: one harness thread uses it at a time.
#ifndef KENSHO_CONFORMANCE_DEVIATIONS_H_
#define KENSHO_CONFORMANCE_DEVIATIONS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kensho::conformance {

class KnownDeviations {
 public:
  // InvalidArgument naming the line for a malformed or duplicate entry.
  static absl::StatusOr<KnownDeviations> Parse(absl::string_view text);
  // Reads conformance/known_deviations.txt from the test's runfiles (the
  // cc_test must list it in `data`).
  static absl::StatusOr<KnownDeviations> LoadFromRunfiles();

  // The reason when (suite, id) is listed, and marks the entry as seen
  // failing; nullptr when it is not listed.
  const std::string* MatchFailure(absl::string_view suite, absl::string_view id);

  // "suite id (reason)" of every entry whose suite satisfies `owns` and that
  // MatchFailure never matched.
  template <typename Pred>
  std::vector<std::string> Unmatched(Pred owns) const {
    std::vector<std::string> out;
    for (const auto& [key, entry] : entries_) {
      if (owns(key.first) && !entry.matched) {
        out.push_back(key.first + " " + key.second + " (" + entry.reason + ")");
      }
    }
    return out;
  }

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string reason;
    bool matched = false;
  };
  std::map<std::pair<std::string, std::string>, Entry> entries_;
};

}  // namespace kensho::conformance

#endif  // KENSHO_CONFORMANCE_DEVIATIONS_H_
