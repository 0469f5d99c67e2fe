// Runs kensho's OCSP response reader (revocation::ReadOcspResponse) over
// OpenSSL's test/ocsp-tests responses, read in place from
// ../shared/conformance/openssl/ through ocsp.json.
//
// Upstream each case is `openssl ocsp -respin R -partial_chain -attime T
// -CAfile trusted -verify_other untrusted [-no_cert_checks]`: SUCCESS when
// the BasicOCSPResponse signature and the responder's authorization verify.
// The cases name no certificate whose status is asked, so the harness makes
// one: the issuer is the trusted/untrusted certificate whose name and key
// hash to the response's (first) CertID, else the trusted certificate (the
// WRONG ISSUERNAMEHASH / ISSUERKEYHASH / SUBJECT NAME / KEY cases); the leaf
// is a throwaway certificate carrying the CertID's serial number and that
// issuer's name (OCSP_cert_to_id reads only those from a leaf). Then
// ReadOcspResponse(R, leaf, issuer, T):
//   SUCCESS: the signature, the responder and the CertID are accepted: an
//            answer, or FailedPrecondition (ReadOcspResponse checks the
//            [thisUpdate, nextUpdate] window last, and upstream does not
//            judge it: most of these responses are stale at the case's time).
//   FAILURE: refused before the validity window: PermissionDenied (signature
//            or responder not trusted), InvalidArgument (no answer for this
//            CertID, malformed) or Unavailable (non-successful status).
//            FailedPrecondition means the signature and the CertID were
//            accepted and only the time window refused it, so it does not
//            count as refusing the case.
// Skipped: cases run with -no_cert_checks (OCSP_NOCHECKS: responder
// authorization off), which kensho never turns off.
// Failures must be listed in known_deviations.txt under "openssl/ocsp".
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "conformance/harness.h"
#include "conformance/json.h"
#include "gtest/gtest.h"
#include "revocation/ocsp_client.h"
#include "verify/certificate.h"

namespace kensho::conformance {
namespace {

constexpr char kSuite[] = "openssl/ocsp";

std::string StringOf(const JsonValue* v) { return v != nullptr && v->is_string() ? v->text() : ""; }

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct ResponseDeleter {
  void operator()(OCSP_RESPONSE* r) const { OCSP_RESPONSE_free(r); }
};
struct BasicDeleter {
  void operator()(OCSP_BASICRESP* b) const { OCSP_BASICRESP_free(b); }
};
struct CertIdDeleter {
  void operator()(OCSP_CERTID* id) const { OCSP_CERTID_free(id); }
};

// The first SingleResponse's CertID of a DER OCSPResponse, copied.
std::unique_ptr<OCSP_CERTID, CertIdDeleter> FirstCertId(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<OCSP_RESPONSE, ResponseDeleter> resp(
      d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
  if (resp == nullptr) return nullptr;
  std::unique_ptr<OCSP_BASICRESP, BasicDeleter> basic(OCSP_response_get1_basic(resp.get()));
  if (basic == nullptr || OCSP_resp_count(basic.get()) < 1) return nullptr;
  const OCSP_CERTID* id = OCSP_SINGLERESP_get0_id(OCSP_resp_get0(basic.get(), 0));
  return std::unique_ptr<OCSP_CERTID, CertIdDeleter>(OCSP_CERTID_dup(const_cast<OCSP_CERTID*>(id)));
}

// True when `issuer`'s name and key hash (with the CertID's hash) to `id`.
bool IssuerMatches(OCSP_CERTID* id, X509* issuer) {
  ASN1_OBJECT* md_oid = nullptr;
  ASN1_INTEGER* serial = nullptr;
  if (OCSP_id_get0_info(nullptr, &md_oid, nullptr, &serial, id) != 1) return false;
  const EVP_MD* md = EVP_get_digestbyobj(md_oid);
  if (md == nullptr) return false;
  std::unique_ptr<OCSP_CERTID, CertIdDeleter> mine(OCSP_cert_id_new(
      md, X509_get_subject_name(issuer), X509_get0_pubkey_bitstr(issuer), serial));
  return mine != nullptr && OCSP_id_issuer_cmp(mine.get(), id) == 0;
}

// A throwaway certificate with `id`'s serial, issued in `issuer`'s name.
absl::StatusOr<verify::CertificateRef> SyntheticLeaf(OCSP_CERTID* id, X509* issuer, EVP_PKEY* key) {
  ASN1_INTEGER* serial = nullptr;
  if (OCSP_id_get0_info(nullptr, nullptr, nullptr, &serial, id) != 1) {
    return absl::InternalError("CertID");
  }
  verify::X509Ptr x(X509_new());
  X509_set_version(x.get(), 2);
  X509_set_serialNumber(x.get(), serial);
  X509_set_issuer_name(x.get(), X509_get_subject_name(issuer));
  X509_NAME* subject = X509_NAME_new();
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("synthetic leaf"), -1, -1, 0);
  X509_set_subject_name(x.get(), subject);
  X509_NAME_free(subject);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600L * 24 * 365 * 30);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600L * 24 * 365 * 30);
  X509_set_pubkey(x.get(), key);
  if (X509_sign(x.get(), key, EVP_sha256()) <= 0) return absl::InternalError("X509_sign");
  unsigned char* der = nullptr;
  const int len = i2d_X509(x.get(), &der);
  if (len <= 0) return absl::InternalError("i2d_X509");
  std::string bytes(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return verify::Certificate::ParseDer(bytes);
}

TEST(OpensslOcspTest, OcspConformance) {
  auto suite = LoadSuite("openssl", "ocsp.json");
  ASSERT_TRUE(suite.ok()) << suite.status();
  const std::string& dir = suite->dir;
  const JsonValue* cases = &suite->cases();
  KnownDeviations* deviations = &suite->deviations;
  std::unique_ptr<EVP_PKEY, PkeyDeleter> leaf_key(EVP_EC_gen("P-256"));
  ASSERT_NE(leaf_key, nullptr);

  SuiteTally tally(kSuite, deviations);
  int count = 0;
  for (const JsonValue& tc : cases->elements()) {
    ++count;
    const std::string id = StringOf(tc.Find("id"));
    const std::string expected = StringOf(tc.Find("expected_result"));
    ASSERT_TRUE(expected == "SUCCESS" || expected == "FAILURE") << id;
    const JsonValue* no_checks = tc.Find("no_cert_checks");
    if (no_checks != nullptr && no_checks->bool_value()) {
      tally.Skip("-no_cert_checks (OCSP_NOCHECKS): the responder's authorization is not checked "
                 "upstream; kensho always checks it");
      continue;
    }
    std::optional<absl::Time> at = ParseRfc3339(StringOf(tc.Find("validation_time")));
    ASSERT_TRUE(at.has_value()) << id;
    auto b64 = ReadSuiteFile(dir + "/" + StringOf(tc.Find("response_b64")));
    ASSERT_TRUE(b64.has_value()) << id;
    std::string compact;
    for (char c : *b64) {
      if (!absl::ascii_isspace(static_cast<unsigned char>(c))) compact.push_back(c);
    }
    std::string response;
    ASSERT_TRUE(absl::Base64Unescape(compact, &response)) << id << ": response is not base64";
    std::vector<verify::CertificateRef> candidates;
    for (const char* key : {"trusted", "untrusted"}) {
      auto bundle_text = ReadSuiteFile(dir + "/" + StringOf(tc.Find(key)));
      ASSERT_TRUE(bundle_text.has_value()) << id << " " << key;
      auto bundle = verify::Certificate::ParseBundle(*bundle_text);
      ASSERT_TRUE(bundle.ok()) << id << " " << key << ": " << bundle.status();
      for (auto& c : *bundle) candidates.push_back(c);
    }
    ASSERT_FALSE(candidates.empty()) << id;
    auto cert_id = FirstCertId(response);
    if (cert_id == nullptr) {
      // Nothing to ask about: the harness cannot make a leaf.
      tally.Skip("response has no SingleResponse the harness can read a CertID from");
      continue;
    }
    verify::CertificateRef issuer = candidates.front();
    for (const auto& c : candidates) {
      if (IssuerMatches(cert_id.get(), c->x509())) {
        issuer = c;
        break;
      }
    }
    auto leaf = SyntheticLeaf(cert_id.get(), issuer->x509(), leaf_key.get());
    ASSERT_TRUE(leaf.ok()) << id << ": " << leaf.status();
    absl::StatusOr<revocation::OcspAnswer> answer =
        revocation::ReadOcspResponse(response, **leaf, *issuer, *at);
    bool ok;
    if (expected == "SUCCESS") {
      ok = answer.ok() || answer.status().code() == absl::StatusCode::kFailedPrecondition;
    } else {
      const absl::StatusCode code = answer.status().code();
      ok = code == absl::StatusCode::kPermissionDenied ||
           code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kUnavailable;
    }
    tally.Judge(id, ok,
                absl::StrCat("expected ", expected, " (", StringOf(tc.Find("group")), "; ",
                             StringOf(tc.Find("title")), "), kensho ",
                             answer.ok() ? "accepts" : "refuses: " + answer.status().ToString()));
  }
  EXPECT_EQ(count, 58) << "case count changed";
  tally.Finish();
}

}  // namespace
}  // namespace kensho::conformance
