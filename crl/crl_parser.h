// A streaming reader of DER X.509 CRLs (RFC 5280 section 5) that never builds
// the CRL as OpenSSL objects: memory is O(1) beyond the input, whatever the
// number of entries (a 10M-entry CRL is ~400 MB; map the file, see
// mapped_file.h).
//
// ParseCrl walks the whole CertificateList once with der_reader.h, checks
// every entry, hashes the exact tbsCertList bytes with the digest of the
// signature algorithm and returns the header; ForEachRevokedEntry then
// streams the entries to a visitor. So a caller can verify the signature and
// check the header before it stores a single entry.
//
// Accepted: v1 (no version) or v2 CRLs, DER only, signature algorithms
// sha{256,384,512}WithRSAEncryption and ecdsa-with-SHA{256,384,512}, with
// the tbsCertList's AlgorithmIdentifier byte-identical to the outer one.
// Rejected (InvalidArgument unless noted): input that does not start with a
// SEQUENCE (HTML, text, PEM), BER, truncation, trailing bytes at any level,
// version other than v2 when present, extensions in a v1 CRL, an empty
// revokedCertificates or Extensions SEQUENCE, duplicate extensions, a
// critical extension not understood here (Unimplemented; includes entry
// extension certificateIssuer, i.e. indirect CRL entries), times not in
// RFC 5280 form (UTCTime YYMMDDHHMMSSZ / GeneralizedTime YYYYMMDDHHMMSSZ;
// GeneralizedTime is accepted for any year, as Chromium does), malformed
// reasonCode / invalidityDate / cRLNumber / deltaCRLIndicator / AKI / IDP,
// removeFromCRL entries outside a delta CRL, more than options.max_entries
// entries. Entry order does not matter.
//
// Not checked here (callers' duties): the signature (crl_signature.h),
// issuer/IDP/number/time policy (partition_ingest.h).
#ifndef KENSHO_CRL_CRL_PARSER_H_
#define KENSHO_CRL_CRL_PARSER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crl/revoked_entry.h"

namespace kensho::crl {

enum class CrlSignatureAlgorithm {
  kRsaPkcs1Sha256,
  kRsaPkcs1Sha384,
  kRsaPkcs1Sha512,
  kEcdsaSha256,
  kEcdsaSha384,
  kEcdsaSha512,
};

struct IssuingDistributionPoint {
  // The DistributionPointName CHOICE element exactly as encoded ([0] fullName
  // or [1] nameRelativeToCRLIssuer); empty when the IDP names no point.
  std::string distribution_point_name_der;
  // Printable forms (name_printer.h) of the fullName's directoryName
  // entries, and its URIs, in order.
  std::vector<std::string> full_name_dirnames;
  std::vector<std::string> full_name_uris;
  bool name_relative_to_crl_issuer = false;
  bool only_contains_user_certs = false;
  bool only_contains_ca_certs = false;
  bool only_some_reasons = false;
  bool indirect_crl = false;
  bool only_contains_attribute_certs = false;
};

struct CrlHeader {
  int version = 1;  // 1: no version field; 2: v2
  CrlSignatureAlgorithm signature_algorithm = CrlSignatureAlgorithm::kRsaPkcs1Sha256;
  std::string issuer_der;  // the issuer Name TLV
  std::string issuer;      // printable (name_printer.h)
  absl::Time this_update;
  std::optional<absl::Time> next_update;
  // cRLNumber: big-endian magnitude bytes (no sign octet) and decimal.
  std::optional<std::string> crl_number;
  std::string crl_number_decimal;  // empty when absent
  // deltaCRLIndicator's BaseCRLNumber (magnitude bytes): this is a delta CRL.
  std::optional<std::string> delta_base_crl_number;
  std::optional<IssuingDistributionPoint> issuing_distribution_point;
  std::optional<std::string> authority_key_id;  // AKI keyIdentifier bytes
  int64_t entry_count = 0;
};

struct ParsedCrl {
  CrlHeader header;
  // Digest of the exact tbsCertList bytes with the signature algorithm's hash.
  std::string tbs_digest;
  std::string signature;  // signatureValue bits (no unused-bits octet)
  // Aliases of the input: the whole input, and the revokedCertificates
  // contents (empty without entries). The input must outlive their use.
  absl::string_view input;
  absl::string_view revoked_certificates;
};

// Called with an offset into the input: bytes before it will not be read
// again by the current call. Meant for MappedFile::ReleaseBefore.
using ReleaseFn = std::function<void(size_t offset)>;

struct CrlParseOptions {
  int64_t max_entries = 20'000'000;
  ReleaseFn release_before;  // optional
};

absl::StatusOr<ParsedCrl> ParseCrl(absl::string_view der, const CrlParseOptions& options = {});

// Calls `visit` for each entry of a CRL returned by ParseCrl (entries are
// decoded again, with the same checks), in CRL order; stops at the first
// error `visit` returns and returns it.
absl::Status ForEachRevokedEntry(const ParsedCrl& crl,
                                 absl::FunctionRef<absl::Status(const RevokedEntry&)> visit,
                                 const ReleaseFn& release_before = nullptr);

absl::string_view SignatureAlgorithmName(CrlSignatureAlgorithm algorithm);

}  // namespace kensho::crl

#endif  // KENSHO_CRL_CRL_PARSER_H_
