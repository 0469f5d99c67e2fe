#include "crl/der_reader.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/der_time.h"

namespace kensho::crl::der {
namespace {

absl::Status Bad(absl::string_view what, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(what, ": ", why));
}

}  // namespace

absl::Status Reader::Next(Tlv* out) {
  const size_t n = rest_.size();
  if (n < 2) return Bad("DER", n == 0 ? "unexpected end of input" : "truncated header");
  const auto* p = reinterpret_cast<const uint8_t*>(rest_.data());
  const uint8_t tag = p[0];
  if ((tag & 0x1f) == 0x1f) return Bad("DER", "high tag numbers are not supported");
  size_t header = 2;
  size_t length = p[1];
  if (length == 0x80) return Bad("DER", "indefinite length (BER, not DER)");
  if (length > 0x80) {
    const size_t octets = length & 0x7f;
    if (octets > 4) return Bad("DER", "length too large");
    if (n < 2 + octets) return Bad("DER", "truncated length");
    if (p[2] == 0) return Bad("DER", "non-minimal length");
    length = 0;
    for (size_t i = 0; i < octets; ++i) length = (length << 8) | p[2 + i];
    if (length < 0x80) return Bad("DER", "non-minimal length");
    header += octets;
  }
  if (length > n - header) {
    return Bad("DER", absl::StrCat("truncated: element of ", length, " bytes, ", n - header, " left"));
  }
  out->tag = tag;
  out->full = rest_.substr(0, header + length);
  out->contents = rest_.substr(header, length);
  rest_.remove_prefix(header + length);
  return absl::OkStatus();
}

absl::StatusOr<Tlv> Reader::Read(uint8_t tag, absl::string_view what) {
  if (rest_.empty()) return Bad(what, "missing");
  if (static_cast<uint8_t>(rest_[0]) != tag) {
    return Bad(what,
               absl::StrFormat("expected tag 0x%02x, found 0x%02x", tag, static_cast<uint8_t>(rest_[0])));
  }
  Tlv tlv;
  absl::Status s = Next(&tlv);
  if (!s.ok()) return Bad(what, s.message());
  return tlv;
}

absl::StatusOr<std::optional<Tlv>> Reader::ReadOptional(uint8_t tag, absl::string_view what) {
  if (!Peek(tag)) return std::optional<Tlv>();
  absl::StatusOr<Tlv> tlv = Read(tag, what);
  if (!tlv.ok()) return tlv.status();
  return std::optional<Tlv>(*tlv);
}

absl::StatusOr<Reader> Reader::Enter(uint8_t tag, absl::string_view what) {
  if ((tag & 0x20) == 0) return Bad(what, "not a constructed tag");
  absl::StatusOr<Tlv> tlv = Read(tag, what);
  if (!tlv.ok()) return tlv.status();
  return Child(*this, tlv->contents, what);
}

absl::Status Reader::ExpectEnd(absl::string_view what) const {
  if (!rest_.empty()) return Bad(what, absl::StrCat(rest_.size(), " unexpected trailing bytes"));
  return absl::OkStatus();
}

absl::StatusOr<Reader> Child(const Reader& parent, absl::string_view contents, absl::string_view what) {
  if (parent.depth() + 1 > kMaxDepth) return Bad(what, "nested too deeply");
  return Reader(contents, parent.depth() + 1);
}

absl::Status CheckInteger(absl::string_view c, absl::string_view what) {
  if (c.empty()) return Bad(what, "empty INTEGER");
  if (c.size() > 1) {
    const auto b0 = static_cast<uint8_t>(c[0]);
    const auto b1 = static_cast<uint8_t>(c[1]);
    if ((b0 == 0x00 && b1 < 0x80) || (b0 == 0xff && b1 >= 0x80)) {
      return Bad(what, "non-minimal INTEGER");
    }
  }
  return absl::OkStatus();
}

absl::string_view StripSignOctet(absl::string_view c) {
  if (c.size() > 1 && c[0] == '\0') c.remove_prefix(1);
  return c;
}

std::string UnsignedToDecimal(absl::string_view magnitude) {
  std::vector<uint8_t> n(magnitude.begin(), magnitude.end());
  std::string digits;
  bool nonzero = true;
  while (nonzero) {
    nonzero = false;
    unsigned rem = 0;
    for (uint8_t& b : n) {
      const unsigned cur = (rem << 8) | b;
      b = static_cast<uint8_t>(cur / 10);
      rem = cur % 10;
      nonzero |= b != 0;
    }
    digits.push_back(static_cast<char>('0' + rem));
  }
  return std::string(digits.rbegin(), digits.rend());
}

absl::StatusOr<int> SmallInt(absl::string_view c, absl::string_view what) {
  if (absl::Status s = CheckInteger(c, what); !s.ok()) return s;
  if (IsNegative(c)) return Bad(what, "negative");
  c = StripSignOctet(c);
  if (c.size() > 4 || (c.size() == 4 && (static_cast<uint8_t>(c[0]) & 0x80))) {
    return Bad(what, "too large");
  }
  int v = 0;
  for (char ch : c) v = (v << 8) | static_cast<uint8_t>(ch);
  return v;
}

absl::StatusOr<bool> Boolean(absl::string_view c, absl::string_view what) {
  if (c.size() != 1) return Bad(what, "BOOLEAN must be one octet");
  if (c[0] == '\0') return false;
  if (static_cast<uint8_t>(c[0]) == 0xff) return true;
  return Bad(what, "BOOLEAN must be 0x00 or 0xFF");
}

absl::StatusOr<absl::Time> ParseTime(const Tlv& tlv, absl::string_view what) {
  absl::StatusOr<absl::Time> t = ParseDerTime(tlv.tag, tlv.contents);
  if (!t.ok()) return Bad(what, t.status().message());
  return t;
}

absl::StatusOr<std::string> OidToString(absl::string_view c) {
  if (c.empty()) return Bad("OID", "empty");
  std::string out;
  uint64_t arc = 0;
  bool first = true;
  bool start = true;
  for (size_t i = 0; i < c.size(); ++i) {
    const auto b = static_cast<uint8_t>(c[i]);
    if (start && b == 0x80) return Bad("OID", "non-minimal arc");
    if (arc > (UINT64_MAX >> 7)) return Bad("OID", "arc too large");
    arc = (arc << 7) | (b & 0x7f);
    start = false;
    if (b & 0x80) continue;
    if (first) {
      const uint64_t top = arc < 40 ? 0 : arc < 80 ? 1 : 2;
      absl::StrAppend(&out, top, ".", arc - top * 40);
      first = false;
    } else {
      absl::StrAppend(&out, ".", arc);
    }
    arc = 0;
    start = true;
  }
  if (!start) return Bad("OID", "truncated arc");
  return out;
}

}  // namespace kensho::crl::der
