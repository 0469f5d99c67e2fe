// Runs kensho's certificate validation (Engine::ValidateCertificate) over the
// x509-limbo path-validation cases, read in place from
// ../shared/conformance/x509-limbo/limbo.json.
//
// Each case maps to: a custom trust profile holding `trusted_certs` (test
// roots allowed), `untrusted_intermediates` as request intermediates,
// `peer_certificate` as the certificate, `validation_time` (the current time
// when null, as limbo specifies), IntendedUse kAny, soft-fail revocation;
// SUCCESS means TOTAL_PASSED. A trust store kensho refuses to build (e.g. a
// non-CA anchor) counts as a refusal.
//
// Skipped, with the reason printed, by feature or id, never by outcome:
// peer-name matching (DNS/IP/CN/wildcards; kensho validates signers and
// does not match server names), extended key usage (not checked by kensho),
// CRLs (revocation is not wired into verdicts yet), caller-chosen maximum
// depths (kensho's bound is fixed), Web PKI (CA/Browser Forum) rules beyond
// RFC 5280 and kensho's algorithm policy, and SUCCESS cases whose chain is
// outside that algorithm policy. Every case runs under a deadline: path
// building must stay bounded on the pathological cases.
// Failures must be listed in known_deviations.txt under "x509-limbo".
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "conformance/harness.h"
#include "conformance/json.h"
#include "gtest/gtest.h"

namespace kensho::conformance {
namespace {

constexpr char kSuite[] = "x509-limbo";
constexpr absl::Duration kCaseDeadline = absl::Seconds(20);

std::string StringOf(const JsonValue* v) { return v != nullptr && v->is_string() ? v->text() : ""; }

bool HasFeature(const JsonValue& tc, absl::string_view feature) {
  if (const JsonValue* f = tc.Find("features")) {
    for (const JsonValue& e : f->elements()) {
      if (e.text() == feature) return true;
    }
  }
  return false;
}

constexpr const char* kPeerName =
    "peer-name matching (DNS/IP/CN, wildcards, dNSName syntax): kensho validates signers' "
    "chains and does not match server names";
constexpr const char* kEku = "extended key usage: kensho does not check EKU";
constexpr const char* kWebPki =
    "Web PKI (CA/Browser Forum) profile rule beyond RFC 5280 and kensho's algorithm policy";

// Why a case is outside what kensho offers; empty when it runs.
std::string SkipReason(const JsonValue& tc, const std::string& id) {
  if (HasFeature(tc, "has-crl")) {
    return "CRL revocation: not wired into kensho verdicts yet (status UNKNOWN, soft-fail)";
  }
  if (HasFeature(tc, "max-chain-depth")) {
    return "caller-chosen maximum chain depth: kensho's bound is fixed (8)";
  }
  static const std::set<std::string> kPeerNameIds = {
      "rfc5280::ca-as-leaf-wrong-san", "rfc5280::san::underscore-dns",
      "rfc5280::san::ip-in-dns", "cve::cve-2025-61727", "cve::cve-2025-61727-nc-permits-variant"};
  if (absl::StartsWith(id, "webpki::san::") || absl::StartsWith(id, "webpki::cn::") ||
      kPeerNameIds.count(id) > 0) {
    return kPeerName;
  }
  if (absl::StartsWith(id, "webpki::eku::") || id == "rfc5280::eku::ee-wrong-eku" ||
      id == "rfc5280::eku::ee-eku-empty") {
    return kEku;
  }
  static const std::set<std::string> kWebPkiIds = {
      "webpki::v1-cert",
      "webpki::ee-basicconstraints-ca",
      "webpki::ca-as-leaf",
      "webpki::malformed-aia",
      "webpki::nc::permitted-dns-match-noncritical",
      "webpki::nc::intermediate-permitted-excluded-subtrees-both-null",
      "webpki::nc::intermediate-permitted-excluded-subtrees-both-empty-sequences",
      "webpki::forbidden-rsa-not-divisible-by-8-in-root",
      "webpki::forbidden-rsa-key-not-divisible-by-8-in-leaf"};
  if (absl::StartsWith(id, "webpki::aki::") || kWebPkiIds.count(id) > 0) return kWebPki;
  return "";
}

std::vector<std::string> CertificatesOf(const JsonValue* list) {
  std::vector<std::string> out;
  if (list == nullptr) return out;
  for (const JsonValue& pem : list->elements()) {
    for (PemBlock& b : ParsePemBlocks(pem.text())) {
      if (b.name == "CERTIFICATE") out.push_back(std::move(b.der));
    }
  }
  return out;
}

TEST(X509LimboTest, PathValidationConformance) {
  auto suite = LoadSuite("x509-limbo", "limbo.json");
  ASSERT_TRUE(suite.ok()) << suite.status();
  const JsonValue* cases = &suite->cases();
  KnownDeviations* deviations = &suite->deviations;

  SuiteTally tally(kSuite, deviations);
  int count = 0;
  std::string slowest_id;
  absl::Duration slowest;
  const absl::Time now = absl::Now();
  for (const JsonValue& tc : cases->elements()) {
    ++count;
    const std::string id = StringOf(tc.Find("id"));
    const std::string expected = StringOf(tc.Find("expected_result"));
    ASSERT_TRUE(!id.empty() && (expected == "SUCCESS" || expected == "FAILURE")) << id;
    if (std::string why = SkipReason(tc, id); !why.empty()) {
      tally.Skip(why);
      continue;
    }
    absl::Time at = now;
    if (const JsonValue* t = tc.Find("validation_time"); t != nullptr && t->is_string()) {
      std::optional<absl::Time> parsed = ParseRfc3339(t->text());
      ASSERT_TRUE(parsed.has_value()) << id << ": bad validation_time " << t->text();
      at = *parsed;
    }
    const std::vector<std::string> anchors = CertificatesOf(tc.Find("trusted_certs"));
    const std::vector<std::string> untrusted = CertificatesOf(tc.Find("untrusted_intermediates"));
    std::vector<PemBlock> peer = ParsePemBlocks(StringOf(tc.Find("peer_certificate")));
    ASSERT_EQ(peer.size(), 1u) << id << ": peer_certificate";

    if (expected == "SUCCESS") {
      std::string weak = AlgorithmPolicyViolation(peer[0].der, false);
      for (const std::string& c : untrusted) {
        if (weak.empty()) weak = AlgorithmPolicyViolation(c, false);
      }
      for (const std::string& c : anchors) {
        if (weak.empty()) weak = AlgorithmPolicyViolation(c, true);
      }
      if (!weak.empty()) {
        tally.Skip("SUCCESS case whose chain is outside kensho's algorithm policy: kensho "
                   "refuses it by design");
        continue;
      }
    }

    bool passed = false;
    std::string said;
    const absl::Duration took = RunWithDeadline(kCaseDeadline, "x509-limbo " + id, [&] {
      auto engine = MakeCaseEngine(anchors);
      if (!engine.ok()) {
        said = absl::StrCat("anchors refused by TrustStore::Create: ", engine.status().message());
        return;
      }
      std::vector<absl::string_view> intermediates(untrusted.begin(), untrusted.end());
      auto verdict = engine->engine->ValidateCertificate(peer[0].der, intermediates,
                                                         jpki::IntendedUse::kAny, CaseOptions(at));
      if (!verdict.ok()) {
        said = absl::StrCat("error: ", verdict.status().ToString());
        return;
      }
      passed = verdict->indication == verify::Indication::kTotalPassed;
      said = Describe(*verdict);
    });
    if (took > slowest) {
      slowest = took;
      slowest_id = id;
    }
    tally.Judge(id, passed == (expected == "SUCCESS"),
                absl::StrCat("expected ", expected, ", kensho says ", said));
  }
  EXPECT_EQ(count, 208) << "case count changed";
  std::printf("x509-limbo slowest case: %s (%s; deadline %s)\n", slowest_id.c_str(),
              absl::FormatDuration(slowest).c_str(), absl::FormatDuration(kCaseDeadline).c_str());
  tally.Finish();
}

}  // namespace
}  // namespace kensho::conformance
