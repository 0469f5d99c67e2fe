#include "absl/strings/string_view.h"
#include "tools/jpki_sim/der.h"

namespace kensho::sim::der {

size_t LengthSize(size_t len) {
  if (len < 0x80) return 1;
  size_t n = 1;
  while (len > 0) {
    ++n;
    len >>= 8;
  }
  return n;
}

void AppendHeader(std::string* out, uint8_t tag, size_t len) {
  out->push_back(static_cast<char>(tag));
  if (len < 0x80) {
    out->push_back(static_cast<char>(len));
    return;
  }
  size_t bytes = LengthSize(len) - 1;
  out->push_back(static_cast<char>(0x80 | bytes));
  for (size_t i = bytes; i > 0; --i) out->push_back(static_cast<char>(len >> (8 * (i - 1))));
}

void AppendTlv(std::string* out, uint8_t tag, absl::string_view content) {
  AppendHeader(out, tag, content.size());
  out->append(content.data(), content.size());
}

std::string Tlv(uint8_t tag, absl::string_view content) {
  std::string out;
  AppendTlv(&out, tag, content);
  return out;
}

void AppendUint(std::string* out, uint64_t v) {
  char buf[9];
  int n = 0;
  do {
    buf[8 - n] = static_cast<char>(v & 0xFF);
    v >>= 8;
    ++n;
  } while (v > 0);
  bool pad = (static_cast<unsigned char>(buf[9 - n]) & 0x80) != 0;
  AppendHeader(out, kInteger, n + (pad ? 1 : 0));
  if (pad) out->push_back('\0');
  out->append(buf + 9 - n, n);
}

namespace {
void Digits(std::string* out, int64_t v, int width) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out->append(buf, width);
}
void AppendTimeAs(std::string* out, absl::Time t, bool generalized) {
  absl::CivilSecond c = absl::ToCivilSecond(t, absl::UTCTimeZone());
  out->push_back(static_cast<char>(generalized ? kGeneralizedTime : kUtcTime));
  out->push_back(static_cast<char>(generalized ? 15 : 13));
  if (generalized) {
    Digits(out, c.year(), 4);
  } else {
    Digits(out, c.year() % 100, 2);
  }
  Digits(out, c.month(), 2);
  Digits(out, c.day(), 2);
  Digits(out, c.hour(), 2);
  Digits(out, c.minute(), 2);
  Digits(out, c.second(), 2);
  out->push_back('Z');
}
}  // namespace

void AppendTime(std::string* out, absl::Time t) {
  int64_t year = absl::ToCivilSecond(t, absl::UTCTimeZone()).year();
  AppendTimeAs(out, t, year < 1950 || year > 2049);
}

void AppendGeneralizedTime(std::string* out, absl::Time t) { AppendTimeAs(out, t, true); }

}  // namespace kensho::sim::der
