// Reads a CMS ContentInfo holding SignedData (RFC 5652) into views of its
// parts, without parsing the embedded certificates (they are looked up in
// the certificate cache by hash).
//
// All views alias `der`, which must outlive the result. DER only: a BER
// message (indefinite lengths, constructed OCTET STRINGs) is rejected here;
// the caller may re-encode it to DER with OpenSSL and try again.
#ifndef KENSHO_VERIFY_CMS_SIGNED_DATA_H_
#define KENSHO_VERIFY_CMS_SIGNED_DATA_H_

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kensho::verify {

// Bounds on hostile structure.
inline constexpr size_t kMaxCmsCertificates = 64;
inline constexpr size_t kMaxCmsSigners = 16;
inline constexpr size_t kMaxSignedAttributes = 64;

struct SignedAttributes {
  // The [0] IMPLICIT element as received; the signature covers it re-tagged
  // as a SET (0x31), see SignerInfoView::SignedPieces().
  absl::string_view whole;
  std::optional<absl::string_view> content_type;    // OID contents
  std::optional<absl::string_view> message_digest;  // OCTET STRING contents
  std::optional<absl::Time> signing_time;
};

struct SignerInfoView {
  int version = 0;
  // issuerAndSerialNumber (version 1): issuer Name DER and serial contents.
  absl::string_view issuer_der;
  absl::string_view serial;
  // subjectKeyIdentifier (version 3).
  absl::string_view subject_key_id;
  absl::string_view digest_algorithm;     // whole AlgorithmIdentifier
  absl::string_view digest_oid;           // its OID contents
  std::optional<SignedAttributes> signed_attributes;
  absl::string_view signature_algorithm;  // whole AlgorithmIdentifier
  absl::string_view signature;

  // What the signature covers when signed attributes are present, as two
  // pieces to hash in order without copying: the SET tag (0x31) that
  // replaces their [0] tag, then the rest of their DER.
  std::array<absl::string_view, 2> SignedPieces() const;
};

struct SignedDataView {
  absl::string_view content_type;            // eContentType OID contents
  std::optional<absl::string_view> content;  // eContent; absent = detached
  std::vector<absl::string_view> certificates;  // whole DER of each
  std::vector<SignerInfoView> signers;
};

// FORMAT problems are InvalidArgument with a message saying which part.
absl::StatusOr<SignedDataView> ParseSignedData(absl::string_view der);

// OID contents (DER value bytes) of the algorithms and attributes used.
namespace oid {
inline constexpr absl::string_view kSignedData("\x2A\x86\x48\x86\xF7\x0D\x01\x07\x02", 9);
inline constexpr absl::string_view kData("\x2A\x86\x48\x86\xF7\x0D\x01\x07\x01", 9);
inline constexpr absl::string_view kContentType("\x2A\x86\x48\x86\xF7\x0D\x01\x09\x03", 9);
inline constexpr absl::string_view kMessageDigest("\x2A\x86\x48\x86\xF7\x0D\x01\x09\x04", 9);
inline constexpr absl::string_view kSigningTime("\x2A\x86\x48\x86\xF7\x0D\x01\x09\x05", 9);
inline constexpr absl::string_view kSha256("\x60\x86\x48\x01\x65\x03\x04\x02\x01", 9);
inline constexpr absl::string_view kSha384("\x60\x86\x48\x01\x65\x03\x04\x02\x02", 9);
inline constexpr absl::string_view kSha512("\x60\x86\x48\x01\x65\x03\x04\x02\x03", 9);
inline constexpr absl::string_view kSha1("\x2B\x0E\x03\x02\x1A", 5);
}  // namespace oid

}  // namespace kensho::verify

#endif  // KENSHO_VERIFY_CMS_SIGNED_DATA_H_
