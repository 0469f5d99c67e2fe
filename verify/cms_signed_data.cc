#include "verify/cms_signed_data.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/der_time.h"
#include "verify/der.h"

namespace kensho::verify {
namespace {

using der::Element;
using der::Reader;

absl::Status Bad(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("CMS: ", what));
}

// signingTime: RFC 5652 section 11.3 asks for the RFC 5280 forms (UTC,
// seconds, no fractions), which is what ParseDerTime accepts.
bool ParseTime(const Element& e, absl::Time* out) {
  absl::StatusOr<absl::Time> t = ParseDerTime(e.tag, e.contents);
  if (!t.ok()) return false;
  *out = *t;
  return true;
}

// AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }
bool ParseAlgorithm(Reader* r, absl::string_view* whole, absl::string_view* oid) {
  Element seq, id;
  if (!r->Expect(der::kSequence, &seq)) return false;
  Reader in(seq.contents);
  if (!in.Expect(der::kOid, &id)) return false;
  *whole = seq.whole;
  *oid = id.contents;
  return true;
}

absl::Status ParseSignedAttributes(const Element& attrs, SignedAttributes* out) {
  out->whole = attrs.whole;
  Reader r(attrs.contents);
  size_t count = 0;
  while (!r.empty()) {
    if (++count > kMaxSignedAttributes) return Bad("too many signed attributes");
    Element attr, type, values;
    if (!r.Expect(der::kSequence, &attr)) return Bad("malformed signed attribute");
    Reader a(attr.contents);
    if (!a.Expect(der::kOid, &type) || !a.Expect(der::kSet, &values) || !a.empty()) {
      return Bad("malformed signed attribute");
    }
    Reader v(values.contents);
    Element value;
    if (!v.Next(&value) || !v.empty()) {
      // RFC 5652 11.1-11.3: these attributes have exactly one value.
      if (type.contents == oid::kContentType || type.contents == oid::kMessageDigest ||
          type.contents == oid::kSigningTime) {
        return Bad("signed attribute must have exactly one value");
      }
      continue;
    }
    auto once = [&](auto& field, auto value) -> absl::Status {
      if (field.has_value()) return Bad("duplicate signed attribute");
      field = value;
      return absl::OkStatus();
    };
    if (type.contents == oid::kContentType) {
      if (value.tag != der::kOid) return Bad("contentType attribute is not an OID");
      if (absl::Status s = once(out->content_type, value.contents); !s.ok()) return s;
    } else if (type.contents == oid::kMessageDigest) {
      if (value.tag != der::kOctetString) return Bad("messageDigest is not an OCTET STRING");
      if (absl::Status s = once(out->message_digest, value.contents); !s.ok()) return s;
    } else if (type.contents == oid::kSigningTime) {
      absl::Time t;
      if (!ParseTime(value, &t)) return Bad("signingTime is not a valid time");
      if (absl::Status s = once(out->signing_time, t); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<SignerInfoView> ParseSignerInfo(const Element& e) {
  SignerInfoView s;
  Reader r(e.contents);
  Element version, sid;
  if (!r.Expect(der::kInteger, &version) || version.contents.size() != 1) {
    return Bad("signerInfo version");
  }
  s.version = static_cast<uint8_t>(version.contents[0]);
  if (!r.Next(&sid)) return Bad("signerInfo sid");
  if (sid.tag == der::kSequence) {
    Reader in(sid.contents);
    Element issuer, serial;
    if (!in.Expect(der::kSequence, &issuer) || !in.Expect(der::kInteger, &serial) ||
        !in.empty()) {
      return Bad("issuerAndSerialNumber");
    }
    s.issuer_der = issuer.whole;
    s.serial = serial.contents;
  } else if (sid.tag == der::kContext0Primitive) {
    s.subject_key_id = sid.contents;
  } else {
    return Bad("signerInfo sid");
  }
  if (!ParseAlgorithm(&r, &s.digest_algorithm, &s.digest_oid)) return Bad("digestAlgorithm");
  Element attrs;
  bool present = false;
  if (!r.Optional(der::kContext0Constructed, &attrs, &present)) return Bad("signedAttrs");
  if (present) {
    s.signed_attributes.emplace();
    if (absl::Status st = ParseSignedAttributes(attrs, &*s.signed_attributes); !st.ok()) {
      return st;
    }
  }
  absl::string_view sig_oid;
  if (!ParseAlgorithm(&r, &s.signature_algorithm, &sig_oid)) return Bad("signatureAlgorithm");
  Element signature;
  if (!r.Expect(der::kOctetString, &signature)) return Bad("signature");
  s.signature = signature.contents;
  Element unsigned_attrs;
  if (!r.Optional(der::kContext1Constructed, &unsigned_attrs, &present) || !r.empty()) {
    return Bad("trailing data in signerInfo");
  }
  if (present) {
    // RFC 5652 11.1-11.3: contentType, messageDigest and signingTime are
    // signed attributes; one among the unsigned ones is an attack or a bug.
    Reader u(unsigned_attrs.contents);
    size_t count = 0;
    while (!u.empty()) {
      Element attr, type;
      if (++count > kMaxSignedAttributes || !u.Expect(der::kSequence, &attr)) {
        return Bad("malformed unsigned attribute");
      }
      Reader a(attr.contents);
      if (!a.Expect(der::kOid, &type)) return Bad("malformed unsigned attribute");
      if (type.contents == oid::kContentType || type.contents == oid::kMessageDigest ||
          type.contents == oid::kSigningTime) {
        return Bad("contentType, messageDigest or signingTime among unsigned attributes");
      }
    }
  }
  return s;
}

}  // namespace

std::array<absl::string_view, 2> SignerInfoView::SignedPieces() const {
  static constexpr char kSetTag[1] = {static_cast<char>(der::kSet)};
  return {absl::string_view(kSetTag, 1), signed_attributes->whole.substr(1)};
}

absl::StatusOr<SignedDataView> ParseSignedData(absl::string_view input) {
  Reader top(input);
  Element content_info, type, explicit0, signed_data;
  if (!top.Expect(der::kSequence, &content_info) || !top.empty()) {
    return Bad("not a DER ContentInfo");
  }
  Reader ci(content_info.contents);
  if (!ci.Expect(der::kOid, &type)) return Bad("contentType missing");
  if (type.contents != oid::kSignedData) return Bad("contentType is not signedData");
  if (!ci.Expect(der::kContext0Constructed, &explicit0) || !ci.empty()) {
    return Bad("content missing");
  }
  Reader ex(explicit0.contents);
  if (!ex.Expect(der::kSequence, &signed_data) || !ex.empty()) return Bad("SignedData");

  SignedDataView view;
  Reader sd(signed_data.contents);
  Element version, digest_algorithms, encap, certs, crls, signer_infos;
  if (!sd.Expect(der::kInteger, &version)) return Bad("SignedData version");
  if (!sd.Expect(der::kSet, &digest_algorithms)) return Bad("digestAlgorithms");
  if (!sd.Expect(der::kSequence, &encap)) return Bad("encapContentInfo");
  {
    Reader en(encap.contents);
    Element etype, econtent0;
    if (!en.Expect(der::kOid, &etype)) return Bad("eContentType");
    view.content_type = etype.contents;
    bool present = false;
    if (!en.Optional(der::kContext0Constructed, &econtent0, &present) || !en.empty()) {
      return Bad("eContent");
    }
    if (present) {
      Reader oc(econtent0.contents);
      Element octets;
      if (!oc.Expect(der::kOctetString, &octets) || !oc.empty()) {
        return Bad("eContent is not a primitive OCTET STRING");
      }
      view.content = octets.contents;
    }
  }
  bool present = false;
  if (!sd.Optional(der::kContext0Constructed, &certs, &present)) return Bad("certificates");
  if (present) {
    Reader cr(certs.contents);
    while (!cr.empty()) {
      Element cert;
      if (!cr.Next(&cert)) return Bad("certificates");
      // Other CertificateChoices (attribute certificates...) are skipped.
      if (cert.tag != der::kSequence) continue;
      if (view.certificates.size() >= kMaxCmsCertificates) return Bad("too many certificates");
      view.certificates.push_back(cert.whole);
    }
  }
  if (!sd.Optional(der::kContext1Constructed, &crls, &present)) return Bad("crls");
  if (!sd.Expect(der::kSet, &signer_infos) || !sd.empty()) return Bad("signerInfos");
  Reader si(signer_infos.contents);
  while (!si.empty()) {
    Element e;
    if (!si.Expect(der::kSequence, &e)) return Bad("signerInfo");
    if (view.signers.size() >= kMaxCmsSigners) return Bad("too many signers");
    auto signer = ParseSignerInfo(e);
    if (!signer.ok()) return signer.status();
    view.signers.push_back(*std::move(signer));
  }
  if (view.signers.empty()) return Bad("no signerInfo");
  return view;
}

}  // namespace kensho::verify
