// Runs kensho's certificate validation (Engine::ValidateCertificate) over
// BoringSSL's pki/testdata verify_certificate_chain cases, read in place from
// ../shared/conformance/chromium-pki/ through verify_certificate_chain.json.
//
// Each case is a chain.pem (target first, trust anchor last), the anchor's
// trust type, a validation time (from the case's .test file, "DEFAULT" being
// BoringSSL's 2021-10-05T12:00:00Z) and a key purpose. It maps to: a custom
// trust profile holding the last certificate (test roots allowed), the
// certificates between as request intermediates, IntendedUse kAny,
// soft-fail revocation; SUCCESS means TOTAL_PASSED.
//
// Skipped, with the reason printed: trust types kensho has no equivalent
// for (anchor "with constraints", trusted leaves, distrusted/unspecified
// entries), and cases whose outcome is decided by the extended key usage
// (kensho does not check EKU) or by a Chromium-specific key-purpose profile.
// Failures must be listed in known_deviations.txt under
// "chromium-pki/verify_certificate_chain".
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "conformance/harness.h"
#include "conformance/json.h"
#include "gtest/gtest.h"

namespace kensho::conformance {
namespace {

constexpr char kSuite[] = "chromium-pki/verify_certificate_chain";

std::string StringOf(const JsonValue* v) { return v != nullptr && v->is_string() ? v->text() : ""; }

// The "utc_time:" of a .test file: "DEFAULT" or YYMMDDhhmmssZ.
std::optional<absl::Time> TestFileTime(absl::string_view test_text) {
  for (absl::string_view line : absl::StrSplit(test_text, '\n')) {
    if (!absl::ConsumePrefix(&line, "utc_time: ")) continue;
    line = absl::StripAsciiWhitespace(line);
    if (line == "DEFAULT") line = "211005120000Z";  // BoringSSL pki/test_helpers.cc
    // UTCTime YYMMDDhhmmssZ: YY 50..99 -> 19YY, 00..49 -> 20YY (RFC 5280 4.1.2.5.1).
    if (line.size() != 13 || line.back() != 'Z') return std::nullopt;
    int f[6];
    for (int i = 0; i < 6; ++i) {
      if (!absl::SimpleAtoi(line.substr(2 * i, 2), &f[i])) return std::nullopt;
    }
    const absl::Time t = absl::FromCivil(
        absl::CivilSecond(f[0] >= 50 ? 1900 + f[0] : 2000 + f[0], f[1], f[2], f[3], f[4], f[5]),
        absl::UTCTimeZone());
    return t;
  }
  return std::nullopt;
}

// Why a case is outside what kensho offers; empty when it runs.
std::string SkipReason(const std::string& id, const std::string& trust,
                       const std::string& purpose) {
  if (trust == "TRUSTED_ANCHOR_WITH_CONSTRAINTS" ||
      trust == "TRUSTED_ANCHOR_WITH_EXPIRATION_AND_CONSTRAINTS" ||
      trust == "TRUSTED_ANCHOR_WITH_CONSTRAINTS_REQUIRE_BASIC_CONSTRAINTS" ||
      trust == "TRUSTED_ANCHOR_WITH_REQUIRE_BASIC_CONSTRAINTS") {
    return "trust anchor with constraints: kensho anchors are plain configured roots, "
           "no per-anchor constraint enforcement mode";
  }
  if (absl::StrContains(trust, "LEAF")) {
    return "trusted leaf: kensho trusts only CA certificates named in a profile, never a "
           "leaf directly";
  }
  if (trust == "DISTRUSTED" || trust == "UNSPECIFIED") {
    return "distrusted/unspecified trust entry: kensho has no such entries (a "
           "certificate is an anchor or is not configured)";
  }
  if (purpose != "ANY_EKU" && purpose != "SERVER_AUTH" && purpose != "CLIENT_AUTH") {
    return "Chromium key-purpose profile (strict/MLS/C2PA): kensho checks no extended key "
           "usage";
  }
  // "chromium-chain::<dir>/<name>": the EKU test directories decide by EKU.
  if (purpose != "ANY_EKU" && absl::StrContains(id, "eku")) {
    return "outcome decided by extended key usage for SERVER_AUTH/CLIENT_AUTH: kensho "
           "does not check EKU";
  }
  return "";
}

TEST(ChromiumChainTest, VerifyCertificateChainConformance) {
  auto suite = LoadSuite("chromium-pki", "verify_certificate_chain.json");
  ASSERT_TRUE(suite.ok()) << suite.status();
  const std::string& dir = suite->dir;
  const JsonValue* cases = &suite->cases();
  KnownDeviations* deviations = &suite->deviations;

  SuiteTally tally(kSuite, deviations);
  int count = 0;
  for (const JsonValue& tc : cases->elements()) {
    ++count;
    const std::string id = StringOf(tc.Find("id"));
    const std::string expected = StringOf(tc.Find("expected_result"));
    const std::string trust = StringOf(tc.Find("last_cert_trust"));
    const std::string purpose = StringOf(tc.Find("key_purpose"));
    ASSERT_TRUE(!id.empty() && (expected == "SUCCESS" || expected == "FAILURE")) << id;

    if (std::string why = SkipReason(id, trust, purpose); !why.empty()) {
      tally.Skip(why);
      continue;
    }
    auto test_text = ReadSuiteFile(dir + "/" + StringOf(tc.Find("test_file")));
    auto chain_text = ReadSuiteFile(dir + "/" + StringOf(tc.Find("chain_pem")));
    ASSERT_TRUE(test_text.has_value() && chain_text.has_value()) << id << ": files missing";
    std::optional<absl::Time> at = TestFileTime(*test_text);
    ASSERT_TRUE(at.has_value()) << id << ": no utc_time in the .test file";

    std::vector<std::string> certs;
    for (PemBlock& b : ParsePemBlocks(*chain_text)) {
      if (b.name == "CERTIFICATE") certs.push_back(std::move(b.der));
    }
    ASSERT_FALSE(certs.empty()) << id << ": no certificates";
    const std::string& target = certs.front();
    const std::string& anchor = certs.back();
    std::vector<absl::string_view> intermediates;
    for (size_t i = 1; i + 1 < certs.size(); ++i) intermediates.push_back(certs[i]);

    // A chain kensho's algorithm policy refuses cannot show the property a
    // SUCCESS case is about; FAILURE cases still run (kensho must refuse).
    if (expected == "SUCCESS") {
      std::string weak;
      for (size_t i = 0; i < certs.size() && weak.empty(); ++i) {
        weak = AlgorithmPolicyViolation(certs[i], i + 1 == certs.size());
      }
      if (!weak.empty()) {
        tally.Skip("SUCCESS case whose chain is outside kensho's algorithm policy (SHA-1 "
                   "signatures, RSA < 2048): kensho refuses it by design");
        continue;
      }
    }
    bool passed = false;
    std::string said;
    auto engine = MakeCaseEngine({anchor});
    if (!engine.ok()) {
      said = absl::StrCat("anchor refused by TrustStore::Create: ", engine.status().message());
    } else {
      auto verdict = engine->engine->ValidateCertificate(target, intermediates,
                                                         jpki::IntendedUse::kAny, CaseOptions(*at));
      ASSERT_TRUE(verdict.ok()) << id << ": " << verdict.status();
      passed = verdict->indication == verify::Indication::kTotalPassed;
      said = Describe(*verdict);
    }
    tally.Judge(id, passed == (expected == "SUCCESS"),
                absl::StrCat("expected ", expected, ", kensho says ", said, " [",
                             absl::FormatTime(*at), "]"));
  }
  EXPECT_EQ(count, 197) << "case count changed";
  tally.Finish();
}

}  // namespace
}  // namespace kensho::conformance
