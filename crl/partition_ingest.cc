#include "crl/partition_ingest.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "crl/crl_signature.h"
#include "crl/der_reader.h"

namespace kensho::crl {
namespace {

PartitionCrlDecision Reject(CrlRejectReason reason, std::string detail) {
  PartitionCrlDecision d;
  d.reason = reason;
  d.detail = std::move(detail);
  return d;
}

std::string KeyId(const X509* cert) {
  X509* c = const_cast<X509*>(cert);  // OpenSSL 3.0's getters are not const-correct
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(c); ski != nullptr) {
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ski)), ASN1_STRING_length(ski));
  }
  // RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING.
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_pubkey_digest(c, EVP_sha1(), md, &len) != 1) return "";
  return std::string(reinterpret_cast<char*>(md), len);
}

// Compares non-negative big-endian magnitudes without leading zeros.
int CompareNumbers(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : a.compare(b) > 0 ? 1 : 0;
}

bool IssuerMatches(const std::string& issuer_der, const X509* cert) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(issuer_der.data());
  X509_NAME* name = d2i_X509_NAME(nullptr, &p, issuer_der.size());
  if (name == nullptr) {
    ERR_clear_error();
    return false;
  }
  const bool same = X509_NAME_cmp(name, X509_get_subject_name(cert)) == 0;
  X509_NAME_free(name);
  return same;
}

}  // namespace

absl::string_view RejectReasonName(CrlRejectReason reason) {
  switch (reason) {
    case CrlRejectReason::kNone:
      return "accepted";
    case CrlRejectReason::kNotACrl:
      return "not a CRL";
    case CrlRejectReason::kUnsupported:
      return "unsupported CRL";
    case CrlRejectReason::kWrongKind:
      return "wrong kind of CRL (complete or delta)";
    case CrlRejectReason::kNoBaseForDelta:
      return "delta CRL for a complete CRL not held";
    case CrlRejectReason::kWrongIssuer:
      return "wrong issuer";
    case CrlRejectReason::kBadSignature:
      return "signature does not verify";
    case CrlRejectReason::kWrongPartition:
      return "CRL of another partition";
    case CrlRejectReason::kScopeMismatch:
      return "CRL scope does not cover the partition";
    case CrlRejectReason::kMissingCrlNumber:
      return "no CRL number";
    case CrlRejectReason::kSameCrlNumber:
      return "same CRL number as the accepted CRL";
    case CrlRejectReason::kCrlNumberNotIncreasing:
      return "CRL number not increasing";
    case CrlRejectReason::kThisUpdateNotIncreasing:
      return "thisUpdate older than the accepted CRL's";
    case CrlRejectReason::kThisUpdateInFuture:
      return "thisUpdate in the future";
    case CrlRejectReason::kTooOld:
      return "CRL too old";
    case CrlRejectReason::kMissingNextUpdate:
      return "no nextUpdate";
    case CrlRejectReason::kExpired:
      return "CRL expired (nextUpdate passed)";
    case CrlRejectReason::kEntriesFailed:
      return "storing entries failed";
  }
  return "unknown";
}

absl::Status PartitionCrlDecision::status(absl::string_view partition_id) const {
  if (ok()) return absl::OkStatus();
  const std::string message = absl::StrCat("partition ", partition_id, ": ", RejectReasonName(reason),
                                           detail.empty() ? "" : ": ", detail);
  switch (reason) {
    case CrlRejectReason::kNotACrl:
    case CrlRejectReason::kMissingCrlNumber:
    case CrlRejectReason::kMissingNextUpdate:
      return absl::InvalidArgumentError(message);
    case CrlRejectReason::kUnsupported:
      return absl::UnimplementedError(message);
    case CrlRejectReason::kWrongIssuer:
    case CrlRejectReason::kBadSignature:
    case CrlRejectReason::kWrongPartition:
    case CrlRejectReason::kScopeMismatch:
      return absl::PermissionDeniedError(message);
    case CrlRejectReason::kEntriesFailed:
      return absl::UnavailableError(message);
    default:
      return absl::FailedPreconditionError(message);
  }
}

PartitionCrlDecision CheckPartitionCrl(const PartitionSpec& spec, absl::string_view der, absl::Time now,
                                       const CrlParseOptions& options) {
  absl::StatusOr<ParsedCrl> parsed = ParseCrl(der, options);
  if (!parsed.ok()) {
    return Reject(
        absl::IsUnimplemented(parsed.status()) ? CrlRejectReason::kUnsupported : CrlRejectReason::kNotACrl,
        std::string(parsed.status().message()));
  }
  const CrlHeader& h = parsed->header;
  if (h.delta_base_crl_number.has_value() != spec.delta) {
    return Reject(CrlRejectReason::kWrongKind, spec.delta ? "a complete CRL where a delta CRL is expected"
                                                          : "a delta CRL where a complete CRL is expected");
  }

  // Issuer and signature: generations named like the CRL's issuer, those
  // whose key id is the CRL's AKI keyid first.
  std::vector<int> candidates;
  for (int i = 0; i < static_cast<int>(spec.issuer_generations.size()); ++i) {
    X509* generation = const_cast<X509*>(spec.issuer_generations[i]);
    // RFC 5280 6.3.3(f): a key whose keyUsage lacks cRLSign signs no CRL.
    const bool may_sign_crls = !(X509_get_extension_flags(generation) & EXFLAG_KUSAGE) ||
                               (X509_get_key_usage(generation) & KU_CRL_SIGN);
    if (may_sign_crls && IssuerMatches(h.issuer_der, spec.issuer_generations[i])) {
      candidates.push_back(i);
    }
  }
  if (candidates.empty()) {
    return Reject(CrlRejectReason::kWrongIssuer, absl::StrCat("CRL issued by ", h.issuer));
  }
  std::stable_partition(candidates.begin(), candidates.end(), [&](int i) {
    return h.authority_key_id.has_value() && KeyId(spec.issuer_generations[i]) == *h.authority_key_id;
  });
  int signer = -1;
  std::string last_error;
  for (int i : candidates) {
    absl::Status s = VerifyCrlSignature(*parsed, X509_get0_pubkey(spec.issuer_generations[i]));
    if (s.ok()) {
      signer = i;
      break;
    }
    last_error = std::string(s.message());
  }
  if (signer < 0) {
    return Reject(CrlRejectReason::kBadSignature,
                  absl::StrCat("no configured issuer generation verifies it (AKI keyid ",
                               h.authority_key_id ? absl::BytesToHexString(*h.authority_key_id) : "absent",
                               "): ", last_error));
  }

  // Partition identity and scope.
  const auto& idp = h.issuing_distribution_point;
  if (spec.expected_idp_dirname.empty()) {
    if (idp.has_value()) {
      return Reject(CrlRejectReason::kWrongPartition,
                    "a partitioned CRL (with issuingDistributionPoint) for a complete-CRL partition");
    }
  } else {
    if (!idp.has_value()) {
      return Reject(CrlRejectReason::kWrongPartition, "no issuingDistributionPoint");
    }
    std::vector<std::string> names = idp->full_name_dirnames;
    names.insert(names.end(), idp->full_name_uris.begin(), idp->full_name_uris.end());
    if (std::find(names.begin(), names.end(), spec.expected_idp_dirname) == names.end()) {
      return Reject(CrlRejectReason::kWrongPartition,
                    absl::StrCat("issuingDistributionPoint names [", absl::StrJoin(names, "; "),
                                 "], expected ", spec.expected_idp_dirname));
    }
  }
  if (idp.has_value() && (idp->only_contains_ca_certs || idp->only_contains_attribute_certs ||
                          idp->only_some_reasons || idp->indirect_crl)) {
    return Reject(CrlRejectReason::kScopeMismatch,
                  "issuingDistributionPoint limits the CRL to CA or attribute certificates, some "
                  "reasons, or makes it indirect");
  }

  // Freshness and order.
  if (!h.crl_number.has_value()) return Reject(CrlRejectReason::kMissingCrlNumber, "");
  if (spec.last_crl_number.has_value()) {
    const int c = CompareNumbers(*h.crl_number, *spec.last_crl_number);
    if (c == 0) {
      return Reject(CrlRejectReason::kSameCrlNumber, absl::StrCat("cRLNumber ", h.crl_number_decimal));
    }
    if (c < 0) {
      return Reject(CrlRejectReason::kCrlNumberNotIncreasing,
                    absl::StrCat("cRLNumber ", h.crl_number_decimal, " < accepted ",
                                 der::UnsignedToDecimal(*spec.last_crl_number)));
    }
  }
  if (spec.delta) {
    if (!spec.complete_crl_number.has_value()) {
      return Reject(CrlRejectReason::kNoBaseForDelta, "no complete CRL held to apply it to");
    }
    if (CompareNumbers(*h.delta_base_crl_number, *spec.complete_crl_number) > 0) {
      return Reject(CrlRejectReason::kNoBaseForDelta,
                    absl::StrCat("it needs complete CRL number ", der::UnsignedToDecimal(*h.delta_base_crl_number),
                                 " or later; held ", der::UnsignedToDecimal(*spec.complete_crl_number)));
    }
    if (CompareNumbers(*h.crl_number, *spec.complete_crl_number) <= 0) {
      return Reject(CrlRejectReason::kCrlNumberNotIncreasing,
                    absl::StrCat("delta cRLNumber ", h.crl_number_decimal, " is not after the complete CRL held (",
                                 der::UnsignedToDecimal(*spec.complete_crl_number), ")"));
    }
  }
  if (spec.last_this_update.has_value() && h.this_update < *spec.last_this_update) {
    return Reject(CrlRejectReason::kThisUpdateNotIncreasing,
                  absl::StrCat("thisUpdate ", absl::FormatTime(h.this_update), " < accepted ",
                               absl::FormatTime(*spec.last_this_update)));
  }
  if (h.this_update > now + spec.max_clock_skew) {
    return Reject(CrlRejectReason::kThisUpdateInFuture, absl::FormatTime(h.this_update));
  }
  if (spec.max_age.has_value() && h.this_update < now - *spec.max_age) {
    return Reject(CrlRejectReason::kTooOld, absl::FormatTime(h.this_update));
  }
  if (!h.next_update.has_value()) return Reject(CrlRejectReason::kMissingNextUpdate, "");
  if (*h.next_update <= now - spec.max_clock_skew) {
    return Reject(CrlRejectReason::kExpired, absl::StrCat("nextUpdate ", absl::FormatTime(*h.next_update)));
  }

  PartitionCrlDecision d;
  d.accepted.emplace();
  d.accepted->issuer_key_id = KeyId(spec.issuer_generations[signer]);
  d.accepted->issuer_generation = signer;
  d.accepted->crl = *std::move(parsed);
  return d;
}

absl::Status StreamAcceptedEntries(const AcceptedCrl& accepted, RevokedEntrySink& sink,
                                   const ReleaseFn& release_before, int64_t* streamed) {
  int64_t n = 0;
  absl::Status s = ForEachRevokedEntry(
      accepted.crl,
      [&](const RevokedEntry& e) {
        ++n;
        return sink.Add(e);
      },
      release_before);
  if (streamed != nullptr) *streamed = n;
  return s;
}

PartitionCrlDecision IngestPartitionCrl(const PartitionSpec& spec, absl::string_view der, absl::Time now,
                                        RevokedEntrySink& sink, const CrlParseOptions& options) {
  PartitionCrlDecision d = CheckPartitionCrl(spec, der, now, options);
  if (!d.ok()) return d;
  absl::Status s = StreamAcceptedEntries(*d.accepted, sink, options.release_before, &d.entries_streamed);
  if (!s.ok()) {
    d.accepted.reset();
    d.reason = CrlRejectReason::kEntriesFailed;
    d.detail = std::string(s.message());
  }
  return d;
}

}  // namespace kensho::crl
