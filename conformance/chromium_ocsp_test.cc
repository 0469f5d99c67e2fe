// Runs kensho's OCSP response reader (revocation::ReadOcspResponse) over
// BoringSSL's pki/testdata ocsp_unittest cases, read in place from
// ../shared/conformance/chromium-pki/ through ocsp.json.
//
// Each case is a PEM file with the OCSP RESPONSE, the CA CERTIFICATE (issuer)
// and the CERTIFICATE whose status is asked. It maps to
// ReadOcspResponse(response, certificate, issuer, verify_time) with the
// manifest's verify_time (2017-03-05T00:00:00Z): an OK answer gives its
// status (GOOD / REVOKED / UNKNOWN); any error means the response cannot be
// used, i.e. Chromium's revocation status UNKNOWN. The case passes when that
// equals expected_revocation_status.
//
// Not mapped: Chromium's max_age_seconds (a thisUpdate older than 7 days is
// refused even inside [thisUpdate, nextUpdate]); ReadOcspResponse has no
// maximum age (issue 6 puts it on the cache). Failures must be listed in
// known_deviations.txt under "chromium-pki/ocsp".
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "conformance/harness.h"
#include "conformance/json.h"
#include "gtest/gtest.h"
#include "revocation/ocsp_client.h"
#include "verify/certificate.h"

namespace kensho::conformance {
namespace {

constexpr char kSuite[] = "chromium-pki/ocsp";

std::string StringOf(const JsonValue* v) { return v != nullptr && v->is_string() ? v->text() : ""; }

const char* StatusName(revocation::OcspAnswer::Status s) {
  switch (s) {
    case revocation::OcspAnswer::Status::kGood:
      return "GOOD";
    case revocation::OcspAnswer::Status::kRevoked:
      return "REVOKED";
    case revocation::OcspAnswer::Status::kUnknown:
      return "UNKNOWN";
  }
  return "?";
}

TEST(ChromiumOcspTest, OcspConformance) {
  auto suite = LoadSuite("chromium-pki", "ocsp.json");
  ASSERT_TRUE(suite.ok()) << suite.status();
  const std::string& dir = suite->dir;
  const JsonValue* doc = &suite->doc;
  const JsonValue* cases = &suite->cases();
  KnownDeviations* deviations = &suite->deviations;
  std::optional<absl::Time> now = ParseRfc3339(StringOf(doc->Find("verify_time")));
  ASSERT_TRUE(now.has_value()) << "verify_time";

  SuiteTally tally(kSuite, deviations);
  int count = 0;
  for (const JsonValue& tc : cases->elements()) {
    ++count;
    const std::string id = StringOf(tc.Find("id"));
    const std::string expected = StringOf(tc.Find("expected_revocation_status"));
    ASSERT_TRUE(expected == "GOOD" || expected == "REVOKED" || expected == "UNKNOWN") << id;
    auto pem = ReadSuiteFile(dir + "/" + StringOf(tc.Find("file")));
    ASSERT_TRUE(pem.has_value()) << id;
    std::optional<std::string> response, issuer_der, leaf_der;
    for (PemBlock& b : ParsePemBlocks(*pem)) {
      if (b.name == "OCSP RESPONSE") response = b.der;
      if (b.name == "CA CERTIFICATE") issuer_der = b.der;
      if (b.name == "CERTIFICATE") leaf_der = b.der;
    }
    ASSERT_TRUE(response && issuer_der && leaf_der) << id << ": a PEM block is missing";
    auto issuer = verify::Certificate::ParseDer(*issuer_der);
    auto leaf = verify::Certificate::ParseDer(*leaf_der);
    if (!issuer.ok() || !leaf.ok()) {
      tally.Skip(absl::StrCat(id, ": its certificate does not parse in kensho (Certificate::ParseDer: ",
                              (!issuer.ok() ? issuer.status() : leaf.status()).message(),
                              "), so no revocation question is ever asked about it"));
      continue;
    }
    absl::StatusOr<revocation::OcspAnswer> answer =
        revocation::ReadOcspResponse(*response, **leaf, **issuer, *now);
    const std::string got = answer.ok() ? StatusName(answer->status) : "UNKNOWN";
    tally.Judge(id, got == expected,
                absl::StrCat("expected ", expected, " (", StringOf(tc.Find("expected_response_status")),
                             "), kensho ",
                             answer.ok() ? absl::StrCat("answers ", got)
                                         : absl::StrCat("refuses: ", answer.status().ToString())));
  }
  EXPECT_EQ(count, 36) << "case count changed";
  tally.Finish();
}

}  // namespace
}  // namespace kensho::conformance
