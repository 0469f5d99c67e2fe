// Runs kensho's CRL acceptance (crl::CheckPartitionCrl: crl::ParseCrl, issuer
// name, crl::VerifyCrlSignature over the configured generations, IDP and
// scope) and entry lookup (crl::ForEachRevokedEntry) over BoringSSL's
// pki/testdata crl_unittest cases, read in place from
// ../shared/conformance/chromium-pki/ through crl.json.
//
// Each case is a PEM file with the CRL, the CA CERTIFICATE (issuer of the
// CERTIFICATE and CRL signer), an optional CA CERTIFICATE 2 (the same CA's
// other key, for key-rollover cases) and the CERTIFICATE whose status is
// asked. It maps to one partition whose issuer generations are the CA
// certificate(s) (as JPKI's root generations: same name, different keys),
// with no configured IDP DirName (the cases' distribution points are URIs or
// absent), max_age = the manifest's max_age_seconds, checked at verify_time:
//   1. CheckPartitionCrl. Its checks run in order (partition_ingest.h) and
//      cRLNumber comes after parse, issuer, signature and IDP: none of these
//      CRLs has a cRLNumber, so kMissingCrlNumber means "everything before
//      it passed". Any earlier reason -> UNKNOWN.
//   2. The time rules that follow in CheckPartitionCrl, applied here with its
//      values: thisUpdate not beyond now + 5 min, nextUpdate (when present)
//      after now - 5 min, thisUpdate not older than max_age; else UNKNOWN.
//      Not applied: kensho's JPKI partition requirements of a cRLNumber (to
//      order CRLs of one partition) and of a nextUpdate (to schedule the
//      refresh); Chromium's cases have neither and do not test them.
//   3. The leaf's serial looked up with ForEachRevokedEntry: REVOKED if
//      listed, else GOOD.
// Skipped, with the reason printed: cases decided by which certificate the
// verification layer asks about (a CRLDP naming a cRLIssuer, i.e. an
// indirect CRL; the user-certs-only scope against a CA or v1 certificate).
// Failures must be listed in known_deviations.txt under "chromium-pki/crl".
#include <openssl/asn1.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "conformance/harness.h"
#include "conformance/json.h"
#include "crl/crl_parser.h"
#include "crl/partition_ingest.h"
#include "gtest/gtest.h"
#include "verify/certificate.h"

namespace kensho::conformance {
namespace {

constexpr char kSuite[] = "chromium-pki/crl";
constexpr absl::Duration kSkew = absl::Minutes(5);  // PartitionSpec's default

std::string StringOf(const JsonValue* v) { return v != nullptr && v->is_string() ? v->text() : ""; }

// True when the certificate's cRLDistributionPoints name a cRLIssuer.
bool CrldpHasCrlIssuer(X509* x) {
  auto* dps = static_cast<STACK_OF(DIST_POINT)*>(
      X509_get_ext_d2i(x, NID_crl_distribution_points, nullptr, nullptr));
  if (dps == nullptr) return false;
  bool found = false;
  for (int i = 0; i < sk_DIST_POINT_num(dps); ++i) {
    if (sk_DIST_POINT_value(dps, i)->CRLissuer != nullptr) found = true;
  }
  sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
  return found;
}

// The serial's magnitude bytes (as RevokedEntry::serial).
std::string SerialBytes(X509* x) {
  const ASN1_INTEGER* s = X509_get0_serialNumber(x);
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

TEST(ChromiumCrlTest, CrlConformance) {
  auto suite = LoadSuite("chromium-pki", "crl.json");
  ASSERT_TRUE(suite.ok()) << suite.status();
  const std::string& dir = suite->dir;
  const JsonValue* doc = &suite->doc;
  const JsonValue* cases = &suite->cases();
  KnownDeviations* deviations = &suite->deviations;
  std::optional<absl::Time> now = ParseRfc3339(StringOf(doc->Find("verify_time")));
  ASSERT_TRUE(now.has_value()) << "verify_time";
  const JsonValue* max_age_v = doc->Find("max_age_seconds");
  ASSERT_TRUE(max_age_v != nullptr && max_age_v->AsInt64().has_value());
  const absl::Duration max_age = absl::Seconds(*max_age_v->AsInt64());

  SuiteTally tally(kSuite, deviations);
  int count = 0;
  for (const JsonValue& tc : cases->elements()) {
    ++count;
    const std::string id = StringOf(tc.Find("id"));
    const std::string expected = StringOf(tc.Find("expected_revocation_status"));
    ASSERT_TRUE(expected == "GOOD" || expected == "REVOKED" || expected == "UNKNOWN") << id;
    auto pem = ReadSuiteFile(dir + "/" + StringOf(tc.Find("file")));
    ASSERT_TRUE(pem.has_value()) << id;
    std::optional<std::string> crl_der, ca_der, ca2_der, leaf_der;
    for (PemBlock& b : ParsePemBlocks(*pem)) {
      if (b.name == "CRL") crl_der = b.der;
      if (b.name == "CA CERTIFICATE") ca_der = b.der;
      if (b.name == "CA CERTIFICATE 2") ca2_der = b.der;
      if (b.name == "CERTIFICATE") leaf_der = b.der;
    }
    ASSERT_TRUE(crl_der && ca_der && leaf_der) << id << ": a PEM block is missing";
    auto ca = verify::Certificate::ParseDer(*ca_der);
    auto leaf = verify::Certificate::ParseDer(*leaf_der);
    ASSERT_TRUE(ca.ok()) << id << ": " << ca.status();
    ASSERT_TRUE(leaf.ok()) << id << ": " << leaf.status();
    std::optional<verify::CertificateRef> ca2;
    if (ca2_der.has_value()) {
      auto parsed = verify::Certificate::ParseDer(*ca2_der);
      ASSERT_TRUE(parsed.ok()) << id << ": " << parsed.status();
      ca2 = *parsed;
    }

    if (CrldpHasCrlIssuer((*leaf)->x509())) {
      tally.Skip("certificate's CRLDP names a cRLIssuer (indirect CRL): choosing the partition "
                 "from a certificate's CRLDP is the verification layer's (revocation/crl_checker)");
      continue;
    }

    crl::PartitionSpec spec;
    spec.partition_id = id;
    spec.issuer_generations.push_back((*ca)->x509());
    if (ca2.has_value()) spec.issuer_generations.push_back((*ca2)->x509());
    spec.max_age = max_age;
    crl::PartitionCrlDecision decision = crl::CheckPartitionCrl(spec, *crl_der, *now);

    std::string got, why;
    if (decision.ok() || decision.reason == crl::CrlRejectReason::kMissingCrlNumber) {
      // Parsed, issuer, signature and IDP passed; the time rules.
      auto parsed = crl::ParseCrl(*crl_der);
      ASSERT_TRUE(parsed.ok()) << id << ": accepted, then refused: " << parsed.status();
      const crl::CrlHeader& h = parsed->header;
      const auto& idp = h.issuing_distribution_point;
      if (idp.has_value() && idp->only_contains_user_certs &&
          ((*leaf)->is_ca() || X509_get_version((*leaf)->x509()) != 2)) {
        tally.Skip("user-certs-only CRL asked about a CA or v1 certificate: which certificates a "
                   "partition is asked about is the verification layer's (crl_checker asks "
                   "about end-entity certificates)");
        continue;
      }
      if (h.this_update > *now + kSkew) {
        got = "UNKNOWN", why = "thisUpdate in the future";
      } else if (h.next_update.has_value() && *h.next_update <= *now - kSkew) {
        got = "UNKNOWN", why = "nextUpdate passed";
      } else if (h.this_update < *now - max_age) {
        got = "UNKNOWN", why = "thisUpdate older than max_age";
      } else {
        const std::string serial = SerialBytes((*leaf)->x509());
        bool listed = false;
        absl::Status s = crl::ForEachRevokedEntry(*parsed, [&](const crl::RevokedEntry& e) {
          if (e.serial == serial) listed = true;
          return absl::OkStatus();
        });
        if (!s.ok()) {
          got = "UNKNOWN", why = absl::StrCat("entries: ", s.ToString());
        } else {
          got = listed ? "REVOKED" : "GOOD";
          why = absl::StrCat("accepted (", crl::RejectReasonName(decision.reason),
                             " not applied), serial ", listed ? "listed" : "not listed");
        }
      }
    } else {
      got = "UNKNOWN";
      why = absl::StrCat("refused ", crl::RejectReasonName(decision.reason), ": ",
                         decision.detail);
    }
    tally.Judge(id, got == expected,
                absl::StrCat("expected ", expected, ", kensho ", got, " (", why, ")"));
  }
  EXPECT_EQ(count, 66) << "case count changed";
  tally.Finish();
}

}  // namespace
}  // namespace kensho::conformance
