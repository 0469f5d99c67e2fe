#include "revocation/ocsp_client.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "verify/certificate.h"

namespace kensho::revocation {
namespace {

constexpr size_t kMaxResponseBytes = 64 * 1024;

struct CertIdDeleter {
  void operator()(OCSP_CERTID* id) const { OCSP_CERTID_free(id); }
};
using CertIdPtr = std::unique_ptr<OCSP_CERTID, CertIdDeleter>;

CertIdPtr MakeCertId(const verify::Certificate& leaf, const verify::Certificate& issuer) {
  return CertIdPtr(OCSP_cert_to_id(EVP_sha1(), leaf.x509(), issuer.x509()));
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  size_t n = size * count;
  if (body->size() + n > kMaxResponseBytes) return 0;
  body->append(data, n);
  return n;
}

}  // namespace

absl::StatusOr<std::string> OcspCacheKey(const verify::Certificate& leaf,
                                         const verify::Certificate& issuer) {
  CertIdPtr id = MakeCertId(leaf, issuer);
  if (id == nullptr) return absl::InvalidArgumentError("cannot build an OCSP CertID");
  unsigned char* der = nullptr;
  int len = i2d_OCSP_CERTID(id.get(), &der);
  if (len <= 0) return absl::InternalError("cannot encode the OCSP CertID");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  EVP_Digest(der, static_cast<size_t>(len), digest, &digest_len, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  return std::string(reinterpret_cast<char*>(digest), digest_len);
}

namespace {

// Whether the response's nonce extension carries `nonce`: its extnValue is
// DER OCTET STRING `nonce` (RFC 8954), or the bare bytes (older responders).
bool EchoesNonce(OCSP_BASICRESP* basic, absl::string_view nonce) {
  const int i = OCSP_BASICRESP_get_ext_by_NID(basic, NID_id_pkix_OCSP_Nonce, -1);
  if (i < 0) return false;
  const ASN1_OCTET_STRING* value =
      X509_EXTENSION_get_data(OCSP_BASICRESP_get_ext(basic, i));
  const absl::string_view raw(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                              static_cast<size_t>(ASN1_STRING_length(value)));
  if (raw == nonce) return true;
  const unsigned char* p = ASN1_STRING_get0_data(value);
  ASN1_OCTET_STRING* inner = d2i_ASN1_OCTET_STRING(nullptr, &p, ASN1_STRING_length(value));
  if (inner == nullptr) return false;
  const bool match =
      p == ASN1_STRING_get0_data(value) + ASN1_STRING_length(value) &&
      absl::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(inner)),
                        static_cast<size_t>(ASN1_STRING_length(inner))) == nonce;
  ASN1_OCTET_STRING_free(inner);
  return match;
}

}  // namespace

absl::StatusOr<OcspAnswer> ReadOcspResponse(absl::string_view der,
                                            const verify::Certificate& leaf,
                                            const verify::Certificate& issuer, absl::Time now,
                                            absl::string_view nonce) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  OCSP_RESPONSE* response = d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size()));
  if (response == nullptr || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    OCSP_RESPONSE_free(response);
    return absl::InvalidArgumentError("not a DER OCSP response");
  }
  std::unique_ptr<OCSP_RESPONSE, decltype(&OCSP_RESPONSE_free)> response_owner(
      response, OCSP_RESPONSE_free);
  int rs = OCSP_response_status(response);
  if (rs == OCSP_RESPONSE_STATUS_TRYLATER) {
    // RFC 6960 2.3: the responder works but cannot answer now.
    return absl::ResourceExhaustedError("OCSP responder says tryLater");
  }
  if (rs != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    return absl::UnavailableError(
        absl::StrCat("OCSP responder says ", OCSP_response_status_str(rs)));
  }
  OCSP_BASICRESP* basic = OCSP_response_get1_basic(response);
  if (basic == nullptr) return absl::InvalidArgumentError("OCSP response without basic response");
  std::unique_ptr<OCSP_BASICRESP, decltype(&OCSP_BASICRESP_free)> basic_owner(
      basic, OCSP_BASICRESP_free);
  // Trust: the issuer signs, or a responder certificate that the issuer
  // issued with id-kp-OCSPSigning, valid at `now`. TRUSTOTHER: the issuer
  // (in `extra`) may sign directly; any other signer must chain to it and
  // carry id-kp-OCSPSigning (never OCSP_NOCHECKS: that would let any
  // certificate the root issued, a citizen's included, sign).
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, issuer.x509());
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), absl::ToTimeT(now));
  STACK_OF(X509)* extra = sk_X509_new_null();
  sk_X509_push(extra, issuer.x509());
  int ok = OCSP_basic_verify(basic, extra, store, OCSP_TRUSTOTHER);
  sk_X509_free(extra);
  X509_STORE_free(store);
  if (ok != 1) return absl::PermissionDeniedError("OCSP response signature is not trusted");

  if (!nonce.empty() && !EchoesNonce(basic, nonce)) {
    return absl::InvalidArgumentError("OCSP response does not echo the request's nonce");
  }
  // An unknown critical extension means the response cannot be relied on.
  for (int i = 0; i < OCSP_BASICRESP_get_ext_count(basic); ++i) {
    X509_EXTENSION* ext = OCSP_BASICRESP_get_ext(basic, i);
    if (X509_EXTENSION_get_critical(ext) &&
        OBJ_obj2nid(X509_EXTENSION_get_object(ext)) != NID_id_pkix_OCSP_Nonce) {
      return absl::InvalidArgumentError("OCSP response has an unknown critical extension");
    }
  }

  // Every answer for this certificate: revoked wins; good and unknown
  // together are a contradiction, not a status.
  CertIdPtr id = MakeCertId(leaf, issuer);
  if (id == nullptr) return absl::InternalError("cannot build the OCSP CertID");
  int status = -1, reason = -1;
  ASN1_GENERALIZEDTIME *revoked = nullptr, *this_update = nullptr, *next_update = nullptr;
  bool any = false, saw_good = false, saw_unknown = false;
  for (int idx = OCSP_resp_find(basic, id.get(), -1); idx >= 0;
       idx = OCSP_resp_find(basic, id.get(), idx)) {
    OCSP_SINGLERESP* single = OCSP_resp_get0(basic, idx);
    for (int e = 0; e < OCSP_SINGLERESP_get_ext_count(single); ++e) {
      X509_EXTENSION* ext = OCSP_SINGLERESP_get_ext(single, e);
      if (X509_EXTENSION_get_critical(ext) &&
          OBJ_obj2nid(X509_EXTENSION_get_object(ext)) != NID_ct_cert_scts) {
        return absl::InvalidArgumentError("OCSP answer has an unknown critical extension");
      }
    }
    int r = -1;
    ASN1_GENERALIZEDTIME *rev = nullptr, *tu = nullptr, *nu = nullptr;
    int st = OCSP_single_get0_status(single, &r, &rev, &tu, &nu);
    saw_good |= st == V_OCSP_CERTSTATUS_GOOD;
    saw_unknown |= st == V_OCSP_CERTSTATUS_UNKNOWN;
    if (!any || st == V_OCSP_CERTSTATUS_REVOKED) {
      if (status != V_OCSP_CERTSTATUS_REVOKED) {
        status = st;
        reason = r;
        revoked = rev;
        this_update = tu;
        next_update = nu;
      }
    }
    any = true;
  }
  if (!any) return absl::InvalidArgumentError("OCSP response does not answer for this certificate");
  if (status != V_OCSP_CERTSTATUS_REVOKED && saw_good && saw_unknown) {
    return absl::InvalidArgumentError("OCSP response answers both good and unknown");
  }
  // The validity window at `now`, with 5 minutes of clock skew; without a
  // nextUpdate a response is believed for at most 7 days.
  absl::Time tu_time, nu_time;
  if (this_update == nullptr || !verify::Asn1TimeToAbsl(this_update, &tu_time)) {
    return absl::InvalidArgumentError("OCSP thisUpdate unreadable");
  }
  const absl::Duration skew = absl::Minutes(5);
  if (tu_time > now + skew) return absl::FailedPreconditionError("OCSP response is from the future");
  if (next_update != nullptr) {
    if (!verify::Asn1TimeToAbsl(next_update, &nu_time)) {
      return absl::InvalidArgumentError("OCSP nextUpdate unreadable");
    }
    if (now > nu_time + skew) return absl::FailedPreconditionError("OCSP response is past its nextUpdate");
  } else if (now > tu_time + absl::Hours(24 * 7)) {
    return absl::FailedPreconditionError("OCSP response without nextUpdate is older than 7 days");
  }
  OcspAnswer a;
  a.status = status == V_OCSP_CERTSTATUS_GOOD      ? OcspAnswer::Status::kGood
             : status == V_OCSP_CERTSTATUS_REVOKED ? OcspAnswer::Status::kRevoked
                                                   : OcspAnswer::Status::kUnknown;
  a.reason = reason;
  absl::Time t;
  if (revoked != nullptr && verify::Asn1TimeToAbsl(revoked, &t)) a.revoked_at = t;
  a.this_update = tu_time;
  if (next_update != nullptr) a.next_update = nu_time;
  a.fetched_at = now;
  return a;
}

absl::StatusOr<OcspAnswer> QueryOcsp(const std::string& url, const verify::Certificate& leaf,
                                     const verify::Certificate& issuer, absl::Time now,
                                     absl::Duration connect_timeout,
                                     absl::Duration total_timeout, bool nonce) {
  OCSP_REQUEST* request = OCSP_REQUEST_new();
  OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), leaf.x509(), issuer.x509());
  if (request == nullptr || id == nullptr || OCSP_request_add0_id(request, id) == nullptr) {
    OCSP_CERTID_free(id);
    OCSP_REQUEST_free(request);
    return absl::InternalError("cannot build the OCSP request");
  }
  std::string nonce_bytes;
  if (nonce) {
    nonce_bytes.resize(16);
    unsigned char* n = reinterpret_cast<unsigned char*>(nonce_bytes.data());
    if (RAND_bytes(n, 16) != 1 || OCSP_request_add1_nonce(request, n, 16) != 1) {
      OCSP_REQUEST_free(request);
      return absl::InternalError("cannot add a nonce to the OCSP request");
    }
  }
  unsigned char* der = nullptr;
  int len = i2d_OCSP_REQUEST(request, &der);
  OCSP_REQUEST_free(request);
  if (len <= 0) return absl::InternalError("cannot encode the OCSP request");
  std::string body;
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/ocsp-request");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(connect_timeout)));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(total_timeout)));
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, der);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(len));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  CURLcode rc = curl_easy_perform(curl);
  long http = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  OPENSSL_free(der);
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return absl::DeadlineExceededError(absl::StrCat(url, ": timed out"));
  }
  if (rc != CURLE_OK) return absl::UnavailableError(absl::StrCat(url, ": ", curl_easy_strerror(rc)));
  if (http != 200) return absl::UnavailableError(absl::StrCat(url, ": HTTP ", http));
  return ReadOcspResponse(body, leaf, issuer, now, nonce_bytes);
}

std::string EncodeOcspAnswer(const OcspAnswer& a) {
  auto secs = [](std::optional<absl::Time> t) {
    return t.has_value() ? absl::StrCat(absl::ToUnixSeconds(*t)) : std::string("-");
  };
  return absl::StrCat(static_cast<int>(a.status), " ", a.reason, " ", secs(a.revoked_at), " ",
                      absl::ToUnixSeconds(a.this_update), " ", secs(a.next_update), " ",
                      absl::ToUnixSeconds(a.fetched_at));
}

std::optional<OcspAnswer> DecodeOcspAnswer(absl::string_view s) {
  std::vector<absl::string_view> f = absl::StrSplit(s, ' ');
  if (f.size() != 6) return std::nullopt;
  auto opt = [](absl::string_view v, std::optional<absl::Time>* out) {
    if (v == "-") return true;
    int64_t n;
    if (!absl::SimpleAtoi(v, &n)) return false;
    *out = absl::FromUnixSeconds(n);
    return true;
  };
  OcspAnswer a;
  int status;
  int64_t this_update, fetched;
  if (!absl::SimpleAtoi(f[0], &status) || status < 0 || status > 2 ||
      !absl::SimpleAtoi(f[1], &a.reason) || !opt(f[2], &a.revoked_at) ||
      !absl::SimpleAtoi(f[3], &this_update) || !opt(f[4], &a.next_update) ||
      !absl::SimpleAtoi(f[5], &fetched)) {
    return std::nullopt;
  }
  a.status = static_cast<OcspAnswer::Status>(status);
  a.this_update = absl::FromUnixSeconds(this_update);
  a.fetched_at = absl::FromUnixSeconds(fetched);
  return a;
}

}  // namespace kensho::revocation
