// Shared plumbing of the conformance harnesses: reading suite files, PEM
// blocks, RFC 3339 times, per-suite bookkeeping against the known-deviations
// list, one-profile engines built from a case's anchors, and a per-case
// deadline.
#ifndef KENSHO_CONFORMANCE_HARNESS_H_
#define KENSHO_CONFORMANCE_HARNESS_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "conformance/deviations.h"
#include "conformance/json.h"
#include "verify/engine.h"
#include "verify/trust_store.h"
#include "verify/verdict.h"

namespace kensho::conformance {

// The whole file; nullopt when unreadable or larger than `max_bytes`.
std::optional<std::string> ReadSuiteFile(const std::string& path, size_t max_bytes = 64 << 20);

// One suite of ../shared/conformance, ready to run: its folder, its parsed
// JSON file with a "testcases" array, and the known-deviations list.
struct Suite {
  std::string dir;  // e.g. <shared>/conformance/chromium-pki
  JsonValue doc;
  KnownDeviations deviations;
  const JsonValue& cases() const { return *doc.Find("testcases"); }
};
// `folder` under ../shared/conformance and the suite `file` in it; an error
// says what is missing or malformed.
absl::StatusOr<Suite> LoadSuite(absl::string_view folder, absl::string_view file);

struct PemBlock {
  std::string name;  // "CERTIFICATE", "PUBLIC KEY", ...
  std::string der;
};
// Every PEM block of `text`, in order; text around the blocks is ignored.
std::vector<PemBlock> ParsePemBlocks(absl::string_view text);

// "2024-01-01T00:00:00Z", "...+00:00", or with fractional seconds.
std::optional<absl::Time> ParseRfc3339(absl::string_view text);

// Why a certificate falls outside kensho's algorithm policy (keys: RSA of at
// least 2048 bits, EC on P-256 or P-384; signatures made with SHA-256/384/512),
// e.g. "RSA-1024 key"; empty when inside or when it does not parse (kensho
// judges that). A trust anchor's own signature hash is not judged: its
// self-signature is never verified.
std::string AlgorithmPolicyViolation(absl::string_view der, bool is_anchor);

// Bookkeeping of one suite: counts, skip reasons, and the deviation list.
// A failing case is a known deviation when listed as (suite, id), else a
// test failure; Finish() fails for listed entries of this suite that did
// not fail.
class SuiteTally {
 public:
  SuiteTally(std::string suite, KnownDeviations* deviations)
      : suite_(std::move(suite)), deviations_(deviations) {}

  void Pass() { ++passed_; }
  void Skip(const std::string& reason) {
    ++skipped_;
    ++skip_reasons_[reason];
  }
  // `detail` says what was expected and what kensho said.
  void Fail(absl::string_view id, absl::string_view detail);
  void Judge(absl::string_view id, bool ok, absl::string_view detail) {
    if (ok) {
      Pass();
    } else {
      Fail(id, detail);
    }
  }

  // Prints "<suite>: P passed / F failed (K known deviations) / S skipped"
  // and one line per skip reason, then checks the list for this suite.
  void Finish() const;

  int passed() const { return passed_; }
  int failed() const { return failed_; }
  int skipped() const { return skipped_; }

 private:
  std::string suite_;
  KnownDeviations* deviations_;
  int passed_ = 0, failed_ = 0, skipped_ = 0, known_ = 0;
  std::map<std::string, int> skip_reasons_;
  std::vector<std::string> known_lines_;
};

// An engine with one custom trust profile named kCaseProfile holding
// `anchor_ders` (written as DER files under $TEST_TMPDIR), allowing test
// roots, soft-fail revocation, no revocation source. The error is
// TrustStore::Create's: kensho refused the anchors.
inline constexpr char kCaseProfile[] = "case";
struct CaseEngine {
  std::shared_ptr<const verify::TrustStore> trust;
  std::unique_ptr<verify::Engine> engine;
};
absl::StatusOr<CaseEngine> MakeCaseEngine(const std::vector<std::string>& anchor_ders);

// Options for a call against kCaseProfile at `at`.
verify::VerifyOptions CaseOptions(absl::Time at);

// The verdict's summary line, plus every failed check of its trace.
std::string Describe(const verify::Verdict& v);

// Runs `fn` on its own thread. If it has not returned after `limit`, prints
// `what` and ends the process with status 1 (a hung case cannot be
// cancelled, and the rest of the run would wait forever). Returns the time
// `fn` took.
absl::Duration RunWithDeadline(absl::Duration limit, const std::string& what,
                               const std::function<void()>& fn);

}  // namespace kensho::conformance

#endif  // KENSHO_CONFORMANCE_HARNESS_H_
