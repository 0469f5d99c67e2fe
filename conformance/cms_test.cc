// Runs kensho's signed-document verification (Engine::VerifySignedDocument)
// over the CMS sets in ../shared/conformance/, read in place:
//  - cms-bouncycastle/manifest.json: the RFC 4134 examples (anchors Carl RSA
//    and Carl DSS, at 2005-01-01) and Bouncy Castle's S/MIME validator mails
//    (anchor validator.root.crt, at each message's listed signing time).
//    S/MIME (.eml) messages are unwrapped here: multipart/signed gives the
//    detached content (first part, CRLF-canonical) and the signature part;
//    application/pkcs7-mime gives the message.
//  - openssl/recipes/80-test_cms_data: the messages OpenSSL's 80-test_cms.t
//    requires to fail for their signed attributes (no contentType, no
//    messageDigest, two contentTypes, signingTime as an unsigned attribute),
//    with OpenSSL's test root smime-certs/smroot.pem as anchor. kensho must
//    refuse each with FORMAT_FAILURE (the attribute problem), not merely fail.
//
// Every message of the Bouncy Castle sets is made with SHA-1, DSA or
// RSA-1024, outside kensho's algorithm policy, so their upstream verdicts
// cannot be reached: those cases are counted as skipped, and what kensho
// must do instead is checked (not TOTAL_PASSED; for upstream-valid messages
// exactly CRYPTO_CONSTRAINTS_FAILURE, which shows the message parsed and the
// signer certificate was found, as FORMAT_FAILURE and
// NO_CERTIFICATE_CHAIN_FOUND take precedence). A certificates-only
// (degenerate) SignedData must be FORMAT_FAILURE.
// Failures must be listed in known_deviations.txt under "cms".
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "conformance/harness.h"
#include "conformance/json.h"
#include "gtest/gtest.h"
#include "testing/shared_dir.h"

namespace kensho::conformance {
namespace {

constexpr char kSuite[] = "cms";
using verify::Indication;
using verify::SubIndication;

std::string StringOf(const JsonValue* v) { return v != nullptr && v->is_string() ? v->text() : ""; }

// --- S/MIME unwrapping -----------------------------------------------------

struct Smime {
  std::string cms;
  std::string detached_content;  // empty for application/pkcs7-mime
};

std::string ToCrlf(absl::string_view text) {
  std::string lf = absl::StrReplaceAll(text, {{"\r\n", "\n"}});
  return absl::StrReplaceAll(lf, {{"\n", "\r\n"}});
}

// Splits a MIME entity (LF or CRLF) into its unfolded Content-Type value and
// body.
void SplitEntity(absl::string_view entity, std::string* content_type, std::string* body) {
  std::string text = absl::StrReplaceAll(entity, {{"\r\n", "\n"}});
  size_t end = text.find("\n\n");
  std::string headers = end == std::string::npos ? text : text.substr(0, end);
  *body = end == std::string::npos ? "" : text.substr(end + 2);
  headers = absl::StrReplaceAll(headers, {{"\n ", " "}, {"\n\t", " "}});
  content_type->clear();
  for (absl::string_view line : absl::StrSplit(headers, '\n')) {
    if (absl::StartsWithIgnoreCase(line, "content-type:")) {
      *content_type = std::string(absl::StripAsciiWhitespace(line.substr(13)));
    }
  }
}

std::optional<std::string> Base64Body(absl::string_view body) {
  std::string compact;
  for (char c : body) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) compact.push_back(c);
  }
  std::string out;
  if (!absl::Base64Unescape(compact, &out)) return std::nullopt;
  return out;
}

std::optional<Smime> ParseSmime(absl::string_view eml) {
  std::string type, body;
  SplitEntity(eml, &type, &body);
  Smime out;
  if (absl::StrContains(absl::AsciiStrToLower(type), "multipart/signed")) {
    size_t b = type.find("boundary=");
    if (b == std::string::npos) return std::nullopt;
    std::string boundary = type.substr(b + 9);
    if (!boundary.empty() && boundary[0] == '"') {
      boundary = boundary.substr(1, boundary.find('"', 1) - 1);
    } else {
      boundary = boundary.substr(0, boundary.find_first_of("; "));
    }
    const std::string delimiter = "\n--" + boundary;
    std::string text = "\n" + body;  // so a delimiter on the first line is found
    size_t first = text.find(delimiter);
    if (first == std::string::npos) return std::nullopt;
    size_t part1 = text.find('\n', first + 1);
    size_t second = text.find(delimiter, part1);
    if (part1 == std::string::npos || second == std::string::npos) return std::nullopt;
    // RFC 5751 3.5: the CRLF before the delimiter belongs to the delimiter.
    out.detached_content = ToCrlf(text.substr(part1 + 1, second - part1 - 1));
    size_t part2 = text.find('\n', second + 1);
    size_t third = text.find(delimiter, part2);
    if (part2 == std::string::npos || third == std::string::npos) return std::nullopt;
    std::string sig_type, sig_body;
    SplitEntity(text.substr(part2 + 1, third - part2 - 1), &sig_type, &sig_body);
    auto cms = Base64Body(sig_body);
    if (!cms.has_value()) return std::nullopt;
    out.cms = *cms;
    return out;
  }
  if (absl::StrContains(absl::AsciiStrToLower(type), "pkcs7-mime")) {
    auto cms = Base64Body(body);
    if (!cms.has_value()) return std::nullopt;
    out.cms = *cms;
    return out;
  }
  return std::nullopt;
}

// --- algorithm policy ------------------------------------------------------

// Why a message is outside kensho's algorithm policy (a signer digest other
// than SHA-256/384/512, or a certificate per AlgorithmPolicyViolation);
// empty when inside or when OpenSSL cannot parse it either.
std::string MessagePolicyViolation(absl::string_view cms_der,
                                   const std::vector<std::string>& anchors) {
  std::string why;
  for (const std::string& a : anchors) {
    if (why.empty()) why = AlgorithmPolicyViolation(a, true);
  }
  BIO* bio = BIO_new_mem_buf(cms_der.data(), static_cast<int>(cms_der.size()));
  CMS_ContentInfo* cms = bio != nullptr ? d2i_CMS_bio(bio, nullptr) : nullptr;
  BIO_free(bio);
  if (cms == nullptr) {
    ERR_clear_error();
    return why;
  }
  if (STACK_OF(X509)* certs = CMS_get1_certs(cms)) {
    for (int i = 0; i < sk_X509_num(certs) && why.empty(); ++i) {
      unsigned char* der = nullptr;
      int len = i2d_X509(sk_X509_value(certs, i), &der);
      if (len > 0) {
        why = AlgorithmPolicyViolation(
            absl::string_view(reinterpret_cast<char*>(der), static_cast<size_t>(len)), false);
      }
      OPENSSL_free(der);
    }
    sk_X509_pop_free(certs, X509_free);
  }
  if (STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms)) {
    for (int i = 0; i < sk_CMS_SignerInfo_num(signers) && why.empty(); ++i) {
      X509_ALGOR* digest = nullptr;
      CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(signers, i), nullptr, nullptr, &digest,
                               nullptr);
      const ASN1_OBJECT* oid = nullptr;
      if (digest != nullptr) X509_ALGOR_get0(&oid, nullptr, nullptr, digest);
      const int nid = OBJ_obj2nid(oid);
      if (nid != NID_sha256 && nid != NID_sha384 && nid != NID_sha512) {
        why = absl::StrCat("signer digest ", nid == NID_undef ? "unknown" : OBJ_nid2sn(nid));
      }
    }
  }
  CMS_ContentInfo_free(cms);
  ERR_clear_error();
  return why;
}

// --- the run ---------------------------------------------------------------

struct Case {
  std::string id;
  std::string expected;  // SUCCESS, FAILURE, N/A (not a signature)
  std::string cms;
  std::string detached_content;
  std::vector<std::string> anchors;  // DER
  absl::Time at;
  // Required sub-indication when set (kensho's answer for the case).
  std::optional<SubIndication> required;
};

std::vector<std::string> ReadAnchors(const std::string& path) {
  std::vector<std::string> out;
  auto bytes = ReadSuiteFile(path);
  if (!bytes.has_value()) return out;
  if (absl::StrContains(*bytes, "-----BEGIN")) {
    for (PemBlock& b : ParsePemBlocks(*bytes)) {
      if (b.name == "CERTIFICATE") out.push_back(std::move(b.der));
    }
  } else {
    out.push_back(*bytes);
  }
  return out;
}

void RunCase(const Case& c, SuiteTally* tally) {
  auto engine = MakeCaseEngine(c.anchors);
  ASSERT_TRUE(engine.ok()) << c.id << ": " << engine.status();
  verify::VerifyOptions options = CaseOptions(c.at);
  auto verdict = engine->engine->VerifySignedDocument(c.cms, c.detached_content, options);
  if (!verdict.ok()) {
    tally->Fail(c.id, absl::StrCat("expected ", c.expected, ", kensho returns the error ",
                                   verdict.status().ToString()));
    return;
  }
  const std::string said = Describe(*verdict);
  if (c.required.has_value()) {
    tally->Judge(c.id, verdict->sub_indication == *c.required,
                 absl::StrCat("expected ", verify::SubIndicationName(*c.required),
                              ", kensho says ", said));
    return;
  }
  const std::string policy = MessagePolicyViolation(c.cms, c.anchors);
  if (!policy.empty()) {
    // Upstream's verdict cannot be reached; check kensho's refusal instead.
    const bool ok = c.expected == "SUCCESS"
                        ? verdict->sub_indication == SubIndication::kCryptoConstraintsFailure
                        : verdict->indication != Indication::kTotalPassed;
    if (!ok) {
      tally->Fail(c.id, absl::StrCat("outside kensho's algorithm policy (", policy,
                                     "): expected ",
                                     c.expected == "SUCCESS" ? "CRYPTO_CONSTRAINTS_FAILURE"
                                                             : "a refusal",
                                     ", kensho says ", said));
      return;
    }
    tally->Skip(c.expected == "SUCCESS"
                    ? "upstream-valid message outside kensho's algorithm policy (SHA-1, DSA, "
                      "RSA-1024): refused as CRYPTO_CONSTRAINTS_FAILURE after parsing and "
                      "finding the signer, as required"
                    : "upstream-invalid message outside kensho's algorithm policy (SHA-1, DSA, "
                      "RSA-1024): refused, but not necessarily for the upstream reason");
    return;
  }
  const bool passed = verdict->indication == Indication::kTotalPassed;
  tally->Judge(c.id, passed == (c.expected == "SUCCESS"),
               absl::StrCat("expected ", c.expected, ", kensho says ", said));
}

TEST(CmsTest, SignedDataConformance) {
  const std::string shared = kensho::testing::SharedDir();
  ASSERT_FALSE(shared.empty()) << "../shared not found (set KENSHO_SHARED)";
  const std::string bc = shared + "/conformance/cms-bouncycastle";
  const std::string ossl = shared + "/conformance/openssl";
  auto deviations = KnownDeviations::LoadFromRunfiles();
  ASSERT_TRUE(deviations.ok()) << deviations.status();
  auto text = ReadSuiteFile(bc + "/manifest.json");
  ASSERT_TRUE(text.has_value());
  auto doc = ParseJson(*text);
  ASSERT_TRUE(doc.ok()) << doc.status();

  std::vector<Case> cases;
  auto load_message = [](const std::string& path, Case* c) {
    auto bytes = ReadSuiteFile(path);
    if (!bytes.has_value()) return false;
    if (absl::EndsWith(path, ".eml")) {
      auto smime = ParseSmime(*bytes);
      if (!smime.has_value()) return false;
      c->cms = smime->cms;
      c->detached_content = smime->detached_content;
    } else {
      c->cms = *bytes;
    }
    return true;
  };

  // RFC 4134 examples.
  const JsonValue* rfc = doc->Find("rfc4134");
  ASSERT_NE(rfc, nullptr);
  std::vector<std::string> rfc_anchors;
  for (const JsonValue& a : rfc->Find("trust_anchors")->elements()) {
    for (std::string& der : ReadAnchors(bc + "/" + a.text())) rfc_anchors.push_back(der);
  }
  ASSERT_EQ(rfc_anchors.size(), 2u);
  auto rfc_time = ParseRfc3339(StringOf(rfc->Find("validation_time")));
  ASSERT_TRUE(rfc_time.has_value());
  for (const JsonValue& tc : rfc->Find("testcases")->elements()) {
    Case c;
    c.id = StringOf(tc.Find("id"));
    c.expected = StringOf(tc.Find("expected_result"));
    c.anchors = rfc_anchors;
    c.at = *rfc_time;
    ASSERT_TRUE(load_message(bc + "/" + StringOf(tc.Find("file")), &c)) << c.id;
    if (const JsonValue* d = tc.Find("detached_content"); d != nullptr && d->is_string()) {
      auto content = ReadSuiteFile(bc + "/" + d->text());
      ASSERT_TRUE(content.has_value()) << c.id;
      c.detached_content = *content;
    }
    if (c.expected == "N/A") c.required = SubIndication::kFormatFailure;  // no signer
    cases.push_back(std::move(c));
  }

  // Bouncy Castle S/MIME validator mails.
  const JsonValue* smime = doc->Find("smime_validator");
  ASSERT_NE(smime, nullptr);
  const std::vector<std::string> smime_anchors =
      ReadAnchors(bc + "/" + StringOf(smime->Find("trust_anchor")));
  ASSERT_EQ(smime_anchors.size(), 1u);
  for (const JsonValue& tc : smime->Find("testcases")->elements()) {
    Case c;
    c.id = StringOf(tc.Find("id"));
    c.expected = StringOf(tc.Find("expected_result"));
    c.anchors = smime_anchors;
    auto at = ParseRfc3339(StringOf(tc.Find("validation_time")));
    ASSERT_TRUE(at.has_value()) << c.id;
    c.at = *at;
    ASSERT_TRUE(load_message(bc + "/" + StringOf(tc.Find("file")), &c)) << c.id;
    cases.push_back(std::move(c));
  }

  // OpenSSL's bad-attribute messages (test/recipes/80-test_cms.t).
  const std::vector<std::string> smroot = ReadAnchors(ossl + "/smime-certs/smroot.pem");
  ASSERT_EQ(smroot.size(), 1u);
  for (const char* name : {"no_ct_attr", "no_md_attr", "ct_multiple_attr", "bad_signtime_attr"}) {
    Case c;
    c.id = absl::StrCat("openssl::", name);
    c.expected = "FAILURE";
    c.anchors = smroot;
    c.at = absl::FromCivil(absl::CivilSecond(2019, 6, 1, 0, 0, 0), absl::UTCTimeZone());
    ASSERT_TRUE(load_message(absl::StrCat(ossl, "/recipes/80-test_cms_data/", name, ".cms"), &c))
        << c.id;
    c.required = SubIndication::kFormatFailure;
    cases.push_back(std::move(c));
  }

  SuiteTally tally(kSuite, &*deviations);
  for (const Case& c : cases) {
    RunWithDeadline(absl::Seconds(20), "cms " + c.id, [&] { RunCase(c, &tally); });
  }
  EXPECT_EQ(cases.size(), 25u) << "case count changed";
  tally.Finish();
}

}  // namespace
}  // namespace kensho::conformance
