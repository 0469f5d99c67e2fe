#include "crl/crl_parser.h"

#include <openssl/evp.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "crl/der_reader.h"
#include "crl/name_printer.h"

namespace kensho::crl {
namespace {

using der::Reader;
using der::Tlv;

// OID contents (no tag/length).
constexpr absl::string_view kOidReasonCode("\x55\x1d\x15", 3);
constexpr absl::string_view kOidInvalidityDate("\x55\x1d\x18", 3);
constexpr absl::string_view kOidCrlNumber("\x55\x1d\x14", 3);
constexpr absl::string_view kOidDeltaCrlIndicator("\x55\x1d\x1b", 3);
constexpr absl::string_view kOidIssuingDistributionPoint("\x55\x1d\x1c", 3);
constexpr absl::string_view kOidAuthorityKeyId("\x55\x1d\x23", 3);
constexpr absl::string_view kOidRsaSha256("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b", 9);
constexpr absl::string_view kOidRsaSha384("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0c", 9);
constexpr absl::string_view kOidRsaSha512("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0d", 9);
constexpr absl::string_view kOidEcdsaSha256("\x2a\x86\x48\xce\x3d\x04\x03\x02", 8);
constexpr absl::string_view kOidEcdsaSha384("\x2a\x86\x48\xce\x3d\x04\x03\x03", 8);
constexpr absl::string_view kOidEcdsaSha512("\x2a\x86\x48\xce\x3d\x04\x03\x04", 8);

constexpr int kMaxEntryExtensions = 16;
constexpr int kMaxCrlExtensions = 32;
constexpr size_t kMaxSerialBytes = 32;     // RFC 5280 says 20; be tolerant, stay bounded
constexpr size_t kMaxCrlNumberBytes = 20;  // RFC 5280 5.2.3
constexpr size_t kReleaseStride = 4 << 20;

absl::Status Bad(absl::string_view why) { return absl::InvalidArgumentError(absl::StrCat("CRL: ", why)); }

std::string OidForMessage(absl::string_view contents) {
  absl::StatusOr<std::string> s = der::OidToString(contents);
  return s.ok() ? *s : absl::BytesToHexString(contents);
}

struct Extension {
  absl::string_view oid;
  bool critical = false;
  absl::string_view value;  // extnValue contents
};

absl::Status ReadExtension(Reader& list, Extension* ext) {
  KENSHO_ASSIGN_OR_RETURN(Reader r, list.Enter(der::kSequence, "Extension"));
  KENSHO_ASSIGN_OR_RETURN(Tlv oid, r.Read(der::kOid, "extnID"));
  ext->oid = oid.contents;
  ext->critical = false;
  KENSHO_ASSIGN_OR_RETURN(std::optional<Tlv> critical, r.ReadOptional(der::kBoolean, "critical"));
  if (critical.has_value()) {
    KENSHO_ASSIGN_OR_RETURN(ext->critical, der::Boolean(critical->contents, "critical"));
    if (!ext->critical) return Bad("critical FALSE must be omitted in DER");
  }
  KENSHO_ASSIGN_OR_RETURN(Tlv value, r.Read(der::kOctetString, "extnValue"));
  ext->value = value.contents;
  return r.ExpectEnd("Extension");
}

// Rejects duplicates among seen[0..n).
absl::Status CheckUnique(const absl::string_view* seen, int n, absl::string_view oid) {
  for (int i = 0; i < n; ++i) {
    if (seen[i] == oid) return Bad(absl::StrCat("duplicate extension ", OidForMessage(oid)));
  }
  return absl::OkStatus();
}

absl::Status DecodeEntryExtensions(const Reader& parent, absl::string_view contents, RevokedEntry* e) {
  KENSHO_ASSIGN_OR_RETURN(Reader list, der::Child(parent, contents, "crlEntryExtensions"));
  if (list.empty()) return Bad("empty crlEntryExtensions");
  absl::string_view seen[kMaxEntryExtensions];
  int n = 0;
  while (!list.empty()) {
    if (n == kMaxEntryExtensions) return Bad("too many entry extensions");
    Extension ext;
    KENSHO_RETURN_IF_ERROR(ReadExtension(list, &ext));
    KENSHO_RETURN_IF_ERROR(CheckUnique(seen, n, ext.oid));
    seen[n++] = ext.oid;
    Reader value(ext.value, list.depth() + 1);
    if (ext.oid == kOidReasonCode) {
      KENSHO_ASSIGN_OR_RETURN(Tlv code, value.Read(der::kEnumerated, "reasonCode"));
      KENSHO_RETURN_IF_ERROR(value.ExpectEnd("reasonCode"));
      KENSHO_ASSIGN_OR_RETURN(int v, der::SmallInt(code.contents, "reasonCode"));
      if (!IsValidReasonCode(v)) return Bad(absl::StrCat("reasonCode ", v, " is not a CRLReason"));
      e->reason = static_cast<RevocationReason>(v);
    } else if (ext.oid == kOidInvalidityDate) {
      KENSHO_ASSIGN_OR_RETURN(Tlv t, value.Read(der::kGeneralizedTime, "invalidityDate"));
      KENSHO_RETURN_IF_ERROR(value.ExpectEnd("invalidityDate"));
      KENSHO_ASSIGN_OR_RETURN(absl::Time when, der::ParseTime(t, "invalidityDate"));
      e->invalidity_date = when;
    } else if (ext.critical) {
      // Includes certificateIssuer (2.5.29.29): indirect CRLs are not supported.
      return absl::UnimplementedError(
          absl::StrCat("CRL: unsupported critical entry extension ", OidForMessage(ext.oid)));
    }
  }
  return absl::OkStatus();
}

// Decodes the next revokedCertificates element of `entries`.
absl::Status DecodeEntry(Reader& entries, bool v2, bool delta, RevokedEntry* e) {
  KENSHO_ASSIGN_OR_RETURN(Reader r, entries.Enter(der::kSequence, "revoked entry"));
  KENSHO_ASSIGN_OR_RETURN(Tlv serial, r.Read(der::kInteger, "userCertificate"));
  KENSHO_RETURN_IF_ERROR(der::CheckInteger(serial.contents, "userCertificate"));
  e->serial = der::StripSignOctet(serial.contents);
  if (e->serial.size() > kMaxSerialBytes) return Bad("serial number too long");
  Tlv date;
  KENSHO_RETURN_IF_ERROR(r.Next(&date));
  KENSHO_ASSIGN_OR_RETURN(e->revocation_date, der::ParseTime(date, "revocationDate"));
  e->reason.reset();
  e->invalidity_date.reset();
  if (!r.empty()) {
    KENSHO_ASSIGN_OR_RETURN(Tlv exts, r.Read(der::kSequence, "crlEntryExtensions"));
    if (!v2) return Bad("entry extensions in a v1 CRL");
    KENSHO_RETURN_IF_ERROR(DecodeEntryExtensions(r, exts.contents, e));
    if (!delta && e->reason == RevocationReason::kRemoveFromCrl) {
      return Bad("removeFromCRL in a complete (non-delta) CRL");
    }
  }
  return r.ExpectEnd("revoked entry");
}

// Walks all entries; `visit` may be null (validation only).
absl::Status WalkEntries(absl::string_view base, absl::string_view contents, int depth, bool v2, bool delta,
                         int64_t max_entries, int64_t* count,
                         absl::FunctionRef<absl::Status(const RevokedEntry&)>* visit,
                         const ReleaseFn& release) {
  Reader entries(contents, depth);
  RevokedEntry e;
  int64_t n = 0;
  size_t next_release = kReleaseStride;
  while (!entries.empty()) {
    if (n == max_entries) return Bad(absl::StrCat("more than ", max_entries, " entries"));
    KENSHO_RETURN_IF_ERROR(DecodeEntry(entries, v2, delta, &e));
    ++n;
    if (visit != nullptr) KENSHO_RETURN_IF_ERROR((*visit)(e));
    if (release) {
      const size_t offset = entries.rest().data() - base.data();
      if (offset >= next_release) {
        release(offset);
        next_release = offset + kReleaseStride;
      }
    }
  }
  *count = n;
  return absl::OkStatus();
}

absl::StatusOr<std::string> NonNegativeInteger(absl::string_view ext_value, absl::string_view what) {
  Reader r(ext_value);
  KENSHO_ASSIGN_OR_RETURN(Tlv i, r.Read(der::kInteger, what));
  KENSHO_RETURN_IF_ERROR(r.ExpectEnd(what));
  KENSHO_RETURN_IF_ERROR(der::CheckInteger(i.contents, what));
  if (der::IsNegative(i.contents)) return Bad(absl::StrCat(what, " is negative"));
  absl::string_view magnitude = der::StripSignOctet(i.contents);
  if (i.contents.size() > kMaxCrlNumberBytes) return Bad(absl::StrCat(what, " longer than 20 octets"));
  return std::string(magnitude);
}

absl::StatusOr<std::string> AuthorityKeyId(absl::string_view ext_value) {
  Reader outer(ext_value);
  KENSHO_ASSIGN_OR_RETURN(Reader r, outer.Enter(der::kSequence, "authorityKeyIdentifier"));
  KENSHO_RETURN_IF_ERROR(outer.ExpectEnd("authorityKeyIdentifier"));
  KENSHO_ASSIGN_OR_RETURN(std::optional<Tlv> keyid,
                          r.ReadOptional(der::ContextPrimitive(0), "keyIdentifier"));
  KENSHO_ASSIGN_OR_RETURN(std::optional<Tlv> issuer,
                          r.ReadOptional(der::ContextConstructed(1), "authorityCertIssuer"));
  KENSHO_ASSIGN_OR_RETURN(std::optional<Tlv> serial,
                          r.ReadOptional(der::ContextPrimitive(2), "authorityCertSerialNumber"));
  KENSHO_RETURN_IF_ERROR(r.ExpectEnd("authorityKeyIdentifier"));
  if (issuer.has_value() != serial.has_value()) {
    return Bad("authorityKeyIdentifier: issuer and serial must come together");
  }
  return keyid.has_value() ? std::string(keyid->contents) : std::string();
}

// Optional IDP BOOLEAN [tag]: DER requires DEFAULT FALSE to be omitted.
absl::Status IdpFlag(Reader& r, int tag, const char* what, bool* out) {
  KENSHO_ASSIGN_OR_RETURN(std::optional<Tlv> t, r.ReadOptional(der::ContextPrimitive(tag), what));
  if (!t.has_value()) return absl::OkStatus();
  KENSHO_ASSIGN_OR_RETURN(bool v, der::Boolean(t->contents, what));
  if (!v) return Bad(absl::StrCat(what, ": FALSE must be omitted in DER"));
  *out = true;
  return absl::OkStatus();
}

absl::StatusOr<IssuingDistributionPoint> ParseIdp(absl::string_view ext_value) {
  IssuingDistributionPoint idp;
  Reader outer(ext_value);
  KENSHO_ASSIGN_OR_RETURN(Reader r, outer.Enter(der::kSequence, "issuingDistributionPoint"));
  KENSHO_RETURN_IF_ERROR(outer.ExpectEnd("issuingDistributionPoint"));
  if (r.empty()) return Bad("empty issuingDistributionPoint");
  KENSHO_ASSIGN_OR_RETURN(std::optional<Tlv> dp,
                          r.ReadOptional(der::ContextConstructed(0), "distributionPoint"));
  if (dp.has_value()) {
    KENSHO_ASSIGN_OR_RETURN(Reader choice, der::Child(r, dp->contents, "DistributionPointName"));
    Tlv name;
    KENSHO_RETURN_IF_ERROR(choice.Next(&name));
    KENSHO_RETURN_IF_ERROR(choice.ExpectEnd("DistributionPointName"));
    idp.distribution_point_name_der = std::string(name.full);
    if (name.tag == der::ContextConstructed(0)) {
      KENSHO_ASSIGN_OR_RETURN(Reader names, der::Child(choice, name.contents, "fullName"));
      if (names.empty()) return Bad("empty fullName");
      while (!names.empty()) {
        Tlv gn;
        KENSHO_RETURN_IF_ERROR(names.Next(&gn));
        if (gn.tag == der::ContextConstructed(4)) {  // directoryName [4] EXPLICIT Name
          KENSHO_ASSIGN_OR_RETURN(Reader dn, der::Child(names, gn.contents, "directoryName"));
          KENSHO_ASSIGN_OR_RETURN(Tlv seq, dn.Read(der::kSequence, "directoryName"));
          KENSHO_RETURN_IF_ERROR(dn.ExpectEnd("directoryName"));
          KENSHO_ASSIGN_OR_RETURN(std::string printed, NameToString(seq.full));
          idp.full_name_dirnames.push_back(std::move(printed));
        } else if (gn.tag == der::ContextPrimitive(6)) {  // uniformResourceIdentifier
          idp.full_name_uris.emplace_back(gn.contents);
        }
      }
    } else if (name.tag == der::ContextConstructed(1)) {
      idp.name_relative_to_crl_issuer = true;
    } else {
      return Bad("DistributionPointName: unknown choice");
    }
  }
  KENSHO_RETURN_IF_ERROR(IdpFlag(r, 1, "onlyContainsUserCerts", &idp.only_contains_user_certs));
  KENSHO_RETURN_IF_ERROR(IdpFlag(r, 2, "onlyContainsCACerts", &idp.only_contains_ca_certs));
  KENSHO_ASSIGN_OR_RETURN(std::optional<Tlv> reasons,
                          r.ReadOptional(der::ContextPrimitive(3), "onlySomeReasons"));
  idp.only_some_reasons = reasons.has_value();
  KENSHO_RETURN_IF_ERROR(IdpFlag(r, 4, "indirectCRL", &idp.indirect_crl));
  KENSHO_RETURN_IF_ERROR(IdpFlag(r, 5, "onlyContainsAttributeCerts", &idp.only_contains_attribute_certs));
  KENSHO_RETURN_IF_ERROR(r.ExpectEnd("issuingDistributionPoint"));
  if (idp.only_contains_user_certs + idp.only_contains_ca_certs + idp.only_contains_attribute_certs > 1) {
    return Bad("issuingDistributionPoint: more than one onlyContains* flag");
  }
  return idp;
}

absl::Status ParseCrlExtensions(const Reader& parent, absl::string_view contents, CrlHeader* h) {
  KENSHO_ASSIGN_OR_RETURN(Reader wrapper, der::Child(parent, contents, "crlExtensions"));
  KENSHO_ASSIGN_OR_RETURN(Reader list, wrapper.Enter(der::kSequence, "crlExtensions"));
  KENSHO_RETURN_IF_ERROR(wrapper.ExpectEnd("crlExtensions"));
  if (list.empty()) return Bad("empty crlExtensions");
  absl::string_view seen[kMaxCrlExtensions];
  int n = 0;
  while (!list.empty()) {
    if (n == kMaxCrlExtensions) return Bad("too many CRL extensions");
    Extension ext;
    KENSHO_RETURN_IF_ERROR(ReadExtension(list, &ext));
    KENSHO_RETURN_IF_ERROR(CheckUnique(seen, n, ext.oid));
    seen[n++] = ext.oid;
    if (ext.oid == kOidCrlNumber) {
      KENSHO_ASSIGN_OR_RETURN(std::string number, NonNegativeInteger(ext.value, "cRLNumber"));
      h->crl_number_decimal = der::UnsignedToDecimal(number);
      h->crl_number = std::move(number);
    } else if (ext.oid == kOidDeltaCrlIndicator) {
      KENSHO_ASSIGN_OR_RETURN(std::string base, NonNegativeInteger(ext.value, "deltaCRLIndicator"));
      h->delta_base_crl_number = std::move(base);
    } else if (ext.oid == kOidIssuingDistributionPoint) {
      KENSHO_ASSIGN_OR_RETURN(IssuingDistributionPoint idp, ParseIdp(ext.value));
      h->issuing_distribution_point = std::move(idp);
    } else if (ext.oid == kOidAuthorityKeyId) {
      KENSHO_ASSIGN_OR_RETURN(std::string keyid, AuthorityKeyId(ext.value));
      if (!keyid.empty()) h->authority_key_id = std::move(keyid);
    } else if (ext.critical) {
      return absl::UnimplementedError(
          absl::StrCat("CRL: unsupported critical extension ", OidForMessage(ext.oid)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<CrlSignatureAlgorithm> ParseAlgorithm(const Reader& parent, absl::string_view contents) {
  KENSHO_ASSIGN_OR_RETURN(Reader r, der::Child(parent, contents, "AlgorithmIdentifier"));
  KENSHO_ASSIGN_OR_RETURN(Tlv oid, r.Read(der::kOid, "algorithm"));
  bool rsa = true;
  CrlSignatureAlgorithm alg;
  if (oid.contents == kOidRsaSha256) {
    alg = CrlSignatureAlgorithm::kRsaPkcs1Sha256;
  } else if (oid.contents == kOidRsaSha384) {
    alg = CrlSignatureAlgorithm::kRsaPkcs1Sha384;
  } else if (oid.contents == kOidRsaSha512) {
    alg = CrlSignatureAlgorithm::kRsaPkcs1Sha512;
  } else if (oid.contents == kOidEcdsaSha256) {
    alg = CrlSignatureAlgorithm::kEcdsaSha256, rsa = false;
  } else if (oid.contents == kOidEcdsaSha384) {
    alg = CrlSignatureAlgorithm::kEcdsaSha384, rsa = false;
  } else if (oid.contents == kOidEcdsaSha512) {
    alg = CrlSignatureAlgorithm::kEcdsaSha512, rsa = false;
  } else {
    return absl::UnimplementedError(
        absl::StrCat("CRL: unsupported signature algorithm ", OidForMessage(oid.contents)));
  }
  if (rsa && r.Peek(der::kNull)) {
    KENSHO_ASSIGN_OR_RETURN(Tlv null, r.Read(der::kNull, "parameters"));
    if (!null.contents.empty()) return Bad("NULL parameters not empty");
  }
  KENSHO_RETURN_IF_ERROR(r.ExpectEnd("AlgorithmIdentifier parameters"));
  return alg;
}

const EVP_MD* Digest(CrlSignatureAlgorithm alg) {
  switch (alg) {
    case CrlSignatureAlgorithm::kRsaPkcs1Sha256:
    case CrlSignatureAlgorithm::kEcdsaSha256:
      return EVP_sha256();
    case CrlSignatureAlgorithm::kRsaPkcs1Sha384:
    case CrlSignatureAlgorithm::kEcdsaSha384:
      return EVP_sha384();
    case CrlSignatureAlgorithm::kRsaPkcs1Sha512:
    case CrlSignatureAlgorithm::kEcdsaSha512:
      return EVP_sha512();
  }
  return nullptr;
}

absl::StatusOr<std::string> HashTbs(absl::string_view base, absl::string_view tbs, CrlSignatureAlgorithm alg,
                                    const ReleaseFn& release) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, Digest(alg), nullptr) == 1;
  for (size_t pos = 0; ok && pos < tbs.size(); pos += kReleaseStride) {
    absl::string_view chunk = tbs.substr(pos, kReleaseStride);
    ok = EVP_DigestUpdate(ctx, chunk.data(), chunk.size()) == 1;
    if (release) release(chunk.data() + chunk.size() - base.data());
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  ok = ok && EVP_DigestFinal_ex(ctx, md, &md_len) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return absl::InternalError("CRL: digest failed");
  return std::string(reinterpret_cast<char*>(md), md_len);
}

absl::Status NotACrl(absl::string_view der) {
  if (der.empty()) return Bad("empty input");
  const auto b = static_cast<uint8_t>(der[0]);
  if (b == '<') return Bad("not DER: starts with '<' (an HTML or XML page?)");
  if (b == '-') return Bad("not DER: starts with '-' (PEM? DER is required)");
  if (b >= 0x20 && b < 0x7f) return Bad(absl::StrFormat("not DER: starts with text ('%c')", b));
  return Bad(absl::StrFormat("not a DER CertificateList: first octet 0x%02x", b));
}

}  // namespace

absl::StatusOr<ParsedCrl> ParseCrl(absl::string_view der, const CrlParseOptions& options) {
  if (der.empty() || static_cast<uint8_t>(der[0]) != der::kSequence) return NotACrl(der);
  ParsedCrl crl;
  crl.input = der;
  CrlHeader& h = crl.header;

  Reader top(der);
  KENSHO_ASSIGN_OR_RETURN(Reader cert_list, top.Enter(der::kSequence, "CertificateList"));
  KENSHO_RETURN_IF_ERROR(top.ExpectEnd("CertificateList"));
  KENSHO_ASSIGN_OR_RETURN(Tlv tbs_tlv, cert_list.Read(der::kSequence, "tbsCertList"));
  KENSHO_ASSIGN_OR_RETURN(Tlv outer_alg, cert_list.Read(der::kSequence, "signatureAlgorithm"));
  KENSHO_ASSIGN_OR_RETURN(Tlv sig, cert_list.Read(der::kBitString, "signatureValue"));
  KENSHO_RETURN_IF_ERROR(cert_list.ExpectEnd("CertificateList"));
  if (sig.contents.empty() || sig.contents[0] != '\0') return Bad("signatureValue has unused bits");
  crl.signature = std::string(sig.contents.substr(1));

  KENSHO_ASSIGN_OR_RETURN(Reader tbs, der::Child(cert_list, tbs_tlv.contents, "tbsCertList"));
  KENSHO_ASSIGN_OR_RETURN(std::optional<Tlv> version, tbs.ReadOptional(der::kInteger, "version"));
  if (version.has_value()) {
    if (version->contents != absl::string_view("\x01", 1)) {
      return Bad("version must be v2 when present");
    }
    h.version = 2;
  }
  KENSHO_ASSIGN_OR_RETURN(Tlv inner_alg, tbs.Read(der::kSequence, "signature"));
  if (inner_alg.full != outer_alg.full) return Bad("tbsCertList signature differs from signatureAlgorithm");
  KENSHO_ASSIGN_OR_RETURN(h.signature_algorithm, ParseAlgorithm(tbs, inner_alg.contents));
  KENSHO_ASSIGN_OR_RETURN(Tlv issuer, tbs.Read(der::kSequence, "issuer"));
  if (issuer.contents.empty()) return Bad("empty issuer name");
  h.issuer_der = std::string(issuer.full);
  KENSHO_ASSIGN_OR_RETURN(h.issuer, NameToString(issuer.full));
  Tlv t;
  KENSHO_RETURN_IF_ERROR(tbs.Next(&t));
  KENSHO_ASSIGN_OR_RETURN(h.this_update, der::ParseTime(t, "thisUpdate"));
  if (tbs.Peek(der::kUtcTime) || tbs.Peek(der::kGeneralizedTime)) {
    KENSHO_RETURN_IF_ERROR(tbs.Next(&t));
    KENSHO_ASSIGN_OR_RETURN(absl::Time next, der::ParseTime(t, "nextUpdate"));
    h.next_update = next;
  }
  KENSHO_ASSIGN_OR_RETURN(std::optional<Tlv> revoked,
                          tbs.ReadOptional(der::kSequence, "revokedCertificates"));
  if (revoked.has_value()) {
    if (revoked->contents.empty()) return Bad("empty revokedCertificates (omit it instead)");
    crl.revoked_certificates = revoked->contents;
  }
  KENSHO_ASSIGN_OR_RETURN(std::optional<Tlv> exts,
                          tbs.ReadOptional(der::ContextConstructed(0), "crlExtensions"));
  KENSHO_RETURN_IF_ERROR(tbs.ExpectEnd("tbsCertList"));
  if (exts.has_value()) {
    if (h.version != 2) return Bad("extensions in a v1 CRL");
    KENSHO_RETURN_IF_ERROR(ParseCrlExtensions(tbs, exts->contents, &h));
  }

  KENSHO_RETURN_IF_ERROR(WalkEntries(der, crl.revoked_certificates, tbs.depth() + 1, h.version == 2,
                                     h.delta_base_crl_number.has_value(), options.max_entries, &h.entry_count,
                                     nullptr, options.release_before));
  KENSHO_ASSIGN_OR_RETURN(crl.tbs_digest,
                          HashTbs(der, tbs_tlv.full, h.signature_algorithm, options.release_before));
  return crl;
}

absl::Status ForEachRevokedEntry(const ParsedCrl& crl,
                                 absl::FunctionRef<absl::Status(const RevokedEntry&)> visit,
                                 const ReleaseFn& release_before) {
  int64_t count = 0;
  return WalkEntries(crl.input, crl.revoked_certificates, 3, crl.header.version == 2,
                     crl.header.delta_base_crl_number.has_value(),
                     std::max<int64_t>(crl.header.entry_count, 0), &count, &visit, release_before);
}

absl::string_view SignatureAlgorithmName(CrlSignatureAlgorithm algorithm) {
  switch (algorithm) {
    case CrlSignatureAlgorithm::kRsaPkcs1Sha256:
      return "sha256WithRSAEncryption";
    case CrlSignatureAlgorithm::kRsaPkcs1Sha384:
      return "sha384WithRSAEncryption";
    case CrlSignatureAlgorithm::kRsaPkcs1Sha512:
      return "sha512WithRSAEncryption";
    case CrlSignatureAlgorithm::kEcdsaSha256:
      return "ecdsa-with-SHA256";
    case CrlSignatureAlgorithm::kEcdsaSha384:
      return "ecdsa-with-SHA384";
    case CrlSignatureAlgorithm::kEcdsaSha512:
      return "ecdsa-with-SHA512";
  }
  return "unknown";
}

}  // namespace kensho::crl
