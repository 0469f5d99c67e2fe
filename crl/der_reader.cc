#include "crl/der_reader.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kensho::crl::der {
namespace {

absl::Status Bad(absl::string_view what, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(what, ": ", why));
}

bool Digits(absl::string_view s, size_t pos, size_t n, int* out) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
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
  absl::string_view s = tlv.contents;
  int64_t year = 0;
  size_t pos = 0;
  if (tlv.tag == kUtcTime) {
    if (s.size() != 13) return Bad(what, "UTCTime must be YYMMDDHHMMSSZ");
    int yy = 0;
    if (!Digits(s, 0, 2, &yy)) return Bad(what, "bad UTCTime");
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    pos = 2;
  } else if (tlv.tag == kGeneralizedTime) {
    if (s.size() != 15) return Bad(what, "GeneralizedTime must be YYYYMMDDHHMMSSZ");
    int yyyy = 0;
    if (!Digits(s, 0, 4, &yyyy)) return Bad(what, "bad GeneralizedTime");
    year = yyyy;
    pos = 4;
  } else {
    return Bad(what, absl::StrFormat("expected UTCTime or GeneralizedTime, found tag 0x%02x", tlv.tag));
  }
  int mon, day, hour, min, sec;
  if (!Digits(s, pos, 2, &mon) || !Digits(s, pos + 2, 2, &day) || !Digits(s, pos + 4, 2, &hour) ||
      !Digits(s, pos + 6, 2, &min) || !Digits(s, pos + 8, 2, &sec) || s[pos + 10] != 'Z') {
    return Bad(what, "bad time digits or missing Z");
  }
  if (mon < 1 || mon > 12 || day < 1 || day > DaysInMonth(year, mon) || hour > 23 || min > 59 || sec > 59) {
    return Bad(what, "time field out of range");
  }
  const int64_t seconds = DaysFromCivil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
  return absl::FromUnixSeconds(seconds);
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
