#include "jpki/basic_four.h"

#include <memory>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "jpki/era.h"
#include "jpki/oids.h"
#include "jpki/utf8.h"

namespace kensho::jpki {
namespace {

struct Attribute {
  const char* oid;
  const char* label;
  std::string BasicFour::*field;
};

constexpr Attribute kAttributes[] = {
    {kNameOid, "name", &BasicFour::name},
    {kNameSubstituteFlagsOid, "name substitute flags",
     &BasicFour::name_substitute_flags},
    {kSexOid, "sex", &BasicFour::sex},
    {kBirthDateOid, "birth date", &BasicFour::birth_date_raw},
    {kAddressOid, "address", &BasicFour::address},
    {kAddressSubstituteFlagsOid, "address substitute flags",
     &BasicFour::address_substitute_flags},
};
constexpr size_t kAttributeCount = sizeof(kAttributes) / sizeof(kAttributes[0]);

struct GeneralNamesDeleter {
  void operator()(GENERAL_NAMES* p) const { GENERAL_NAMES_free(p); }
};

void Add(std::vector<ProfileFinding>* findings, const char* code,
         std::string detail, bool informational = false) {
  if (findings != nullptr) {
    findings->push_back({code, std::move(detail), informational});
  }
}

// Dotted OID text. Ours are ~22 characters; a hostile, longer OID is cut
// (it can then only be "unknown", which is what the report says anyway).
std::string OidText(const ASN1_OBJECT* obj) {
  if (obj == nullptr) return "<no OID>";
  char buf[96];
  const int len = OBJ_obj2txt(buf, sizeof(buf), obj, /*no_name=*/1);
  if (len <= 0) return "<unreadable OID>";
  if (static_cast<size_t>(len) >= sizeof(buf)) {
    return absl::StrCat(buf, "...");
  }
  return std::string(buf, len);
}

// Stores one known attribute's value and returns true, or reports why it
// cannot and returns false.
bool ReadAttribute(const Attribute& attr, const ASN1_TYPE* value,
                   BasicFour* out, std::vector<ProfileFinding>* findings) {
  if (value == nullptr || value->type != V_ASN1_UTF8STRING ||
      value->value.utf8string == nullptr) {
    const int type = value == nullptr ? -1 : value->type;
    Add(findings, kCodeBasicFourWrongType,
        absl::StrCat(attr.label, " (", attr.oid, ") is ",
                     type < 0 ? "absent" : ASN1_tag2str(type),
                     ", expected UTF8String"));
    return false;
  }
  const ASN1_STRING* s = value->value.utf8string;
  const int len = ASN1_STRING_length(s);
  const unsigned char* data = ASN1_STRING_get0_data(s);
  const absl::string_view text =
      (data == nullptr || len <= 0)
          ? absl::string_view()
          : absl::string_view(reinterpret_cast<const char*>(data), len);
  size_t bad_at = 0;
  if (!IsValidUtf8(text, &bad_at)) {
    Add(findings, kCodeBasicFourInvalidUtf8,
        absl::StrCat(attr.label, " (", attr.oid,
                     ") is not valid UTF-8 at byte ", bad_at));
    return false;
  }
  if (text.find('\0') != absl::string_view::npos) {
    // Valid UTF-8, but NUL truncates C strings downstream: a spoofing tool.
    Add(findings, kCodeBasicFourInvalidUtf8,
        absl::StrCat(attr.label, " (", attr.oid, ") contains U+0000"));
    return false;
  }
  out->*attr.field = std::string(text);
  return true;
}

}  // namespace

BasicFour ReadBasicFour(const X509* cert,
                        std::vector<ProfileFinding>* findings) {
  BasicFour out;
  bool seen[kAttributeCount] = {};
  bool birth_date_read = false;
  std::string missing_why;

  std::unique_ptr<GENERAL_NAMES, GeneralNamesDeleter> names;
  if (cert == nullptr) {
    missing_why = " (no certificate)";
  } else {
    int crit = 0;
    names.reset(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(cert, NID_subject_alt_name, &crit, nullptr)));
    if (names == nullptr) {
      // -1: absent; -2: more than one; otherwise present but undecodable.
      if (crit == -1) {
        missing_why = " (no subjectAltName)";
      } else {
        missing_why = " (subjectAltName unreadable)";
        Add(findings, kCodeSubjectAltNameUnreadable,
            crit == -2 ? "subjectAltName extension appears more than once"
                       : "subjectAltName extension cannot be decoded");
      }
    }
  }

  const int count = names == nullptr ? 0 : sk_GENERAL_NAME_num(names.get());
  for (int i = 0; i < count; ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (gn == nullptr || gn->type != GEN_OTHERNAME) continue;
    const OTHERNAME* other = gn->d.otherName;
    if (other == nullptr) continue;
    const std::string oid = OidText(other->type_id);

    size_t k = 0;
    while (k < kAttributeCount && oid != kAttributes[k].oid) ++k;
    if (k == kAttributeCount) {
      Add(findings, kCodeUnknownOtherName, oid, /*informational=*/true);
      continue;
    }
    const Attribute& attr = kAttributes[k];
    if (seen[k]) {
      Add(findings, kCodeBasicFourDuplicate,
          absl::StrCat(attr.label, " (", attr.oid,
                       ") appears more than once; the first is used"));
      continue;
    }
    seen[k] = true;
    const bool stored = ReadAttribute(attr, other->value, &out, findings);
    if (attr.field == &BasicFour::birth_date_raw) birth_date_read = stored;
  }

  for (size_t k = 0; k < kAttributeCount; ++k) {
    if (!seen[k]) {
      Add(findings, kCodeBasicFourMissing,
          absl::StrCat(kAttributes[k].label, " (", kAttributes[k].oid,
                       ") is missing", missing_why));
    }
  }

  // Parsed only when read cleanly: a wrongly typed or non-UTF-8 value was
  // already reported, and an empty one is a bad date like any other.
  if (birth_date_read) {
    absl::StatusOr<absl::CivilDay> birth =
        ParseJpkiBirthDate(out.birth_date_raw);
    if (birth.ok()) {
      out.birth_date = *birth;
    } else {
      Add(findings, kCodeBasicFourBadBirthDate,
          std::string(birth.status().message()));
    }
  }
  return out;
}

}  // namespace kensho::jpki
