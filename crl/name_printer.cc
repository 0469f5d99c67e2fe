#include "crl/name_printer.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "crl/der_reader.h"
#include "jpki/utf8.h"

namespace kensho::crl {
namespace {

absl::string_view ShortName(absl::string_view oid) {
  struct Entry {
    const char* oid;
    const char* name;
  };
  static constexpr Entry kNames[] = {
      {"2.5.4.3", "CN"},
      {"2.5.4.6", "C"},
      {"2.5.4.7", "L"},
      {"2.5.4.8", "ST"},
      {"2.5.4.9", "STREET"},
      {"2.5.4.10", "O"},
      {"2.5.4.11", "OU"},
      {"2.5.4.5", "serialNumber"},
      {"0.9.2342.19200300.100.1.25", "DC"},
      {"0.9.2342.19200300.100.1.1", "UID"},
      {"1.2.840.113549.1.9.1", "emailAddress"},
  };
  for (const Entry& e : kNames) {
    if (oid == e.oid) return e.name;
  }
  return oid;
}


// Decodes `s` into code points; false if invalid for its string type.
bool Decode(uint8_t tag, absl::string_view s, std::vector<uint32_t>* cps) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  switch (tag) {
    case der::kPrintableString:
    case der::kIa5String:
    case der::kVisibleString:
    case der::kNumericString:
      for (size_t i = 0; i < n; ++i) {
        if (p[i] >= 0x80) return false;
        cps->push_back(p[i]);
      }
      return true;
    case der::kBmpString:
      if (n % 2) return false;
      for (size_t i = 0; i < n; i += 2) {
        const uint32_t cp = (p[i] << 8) | p[i + 1];
        if (cp >= 0xd800 && cp <= 0xdfff) return false;
        cps->push_back(cp);
      }
      return true;
    case der::kUniversalString:
      if (n % 4) return false;
      for (size_t i = 0; i < n; i += 4) {
        const uint32_t cp = (uint32_t{p[i]} << 24) | (p[i + 1] << 16) | (p[i + 2] << 8) | p[i + 3];
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        cps->push_back(cp);
      }
      return true;
    case der::kUtf8String:
      for (size_t i = 0; i < n;) {
        const uint8_t b = p[i];
        int len = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : (b & 0xf8) == 0xf0 ? 4 : 0;
        if (len == 0 || i + len > n) return false;
        uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1f) : len == 3 ? (b & 0x0f) : (b & 0x07);
        for (int k = 1; k < len; ++k) {
          if ((p[i + k] & 0xc0) != 0x80) return false;
          cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        cps->push_back(cp);
        i += len;
      }
      return true;
    default:
      return false;
  }
}

void AppendValue(const der::Tlv& value, std::string* out) {
  std::vector<uint32_t> cps;
  if (!Decode(value.tag, value.contents, &cps)) {
    absl::StrAppend(out, "#", absl::BytesToHexString(value.full));
    return;
  }
  for (size_t i = 0; i < cps.size(); ++i) {
    const uint32_t cp = cps[i];
    const bool edge_space = cp == ' ' && (i == 0 || i + 1 == cps.size());
    if (cp < 0x20 || cp == 0x7f) {
      absl::StrAppendFormat(out, "\\%02X", cp);
    } else if (edge_space || (cp == '#' && i == 0) || cp == '"' || cp == '+' || cp == ',' || cp == ';' ||
               cp == '<' || cp == '>' || cp == '\\' || cp == '=') {
      out->push_back('\\');
      out->push_back(static_cast<char>(cp));
    } else {
      jpki::AppendUtf8(cp, out);
    }
  }
}

}  // namespace

absl::StatusOr<std::string> NameToString(absl::string_view name_der) {
  der::Reader outer(name_der);
  KENSHO_ASSIGN_OR_RETURN(der::Reader rdns, outer.Enter(der::kSequence, "Name"));
  KENSHO_RETURN_IF_ERROR(outer.ExpectEnd("Name"));
  std::vector<std::string> printed;
  while (!rdns.empty()) {
    KENSHO_ASSIGN_OR_RETURN(der::Reader atvs, rdns.Enter(der::kSet, "RelativeDistinguishedName"));
    if (atvs.empty()) return absl::InvalidArgumentError("Name: empty RDN");
    std::string rdn;
    while (!atvs.empty()) {
      KENSHO_ASSIGN_OR_RETURN(der::Reader atv, atvs.Enter(der::kSequence, "AttributeTypeAndValue"));
      KENSHO_ASSIGN_OR_RETURN(der::Tlv type, atv.Read(der::kOid, "attribute type"));
      der::Tlv value;
      KENSHO_RETURN_IF_ERROR(atv.Next(&value));
      KENSHO_RETURN_IF_ERROR(atv.ExpectEnd("AttributeTypeAndValue"));
      KENSHO_ASSIGN_OR_RETURN(std::string oid, der::OidToString(type.contents));
      if (!rdn.empty()) rdn.push_back('+');
      absl::StrAppend(&rdn, ShortName(oid), "=");
      AppendValue(value, &rdn);
    }
    printed.push_back(std::move(rdn));
  }
  std::string out;
  for (auto it = printed.rbegin(); it != printed.rend(); ++it) {
    if (!out.empty()) out.append(", ");
    out.append(*it);
  }
  return out;
}

}  // namespace kensho::crl
