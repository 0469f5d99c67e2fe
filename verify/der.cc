#include "verify/der.h"

namespace kensho::verify::der {

bool Reader::Next(Element* out) {
  if (rest_.size() < 2) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(rest_.data());
  uint8_t tag = p[0];
  if ((tag & 0x1F) == 0x1F) return false;  // multi-byte tag numbers: not in CMS/X.509 here
  size_t header = 2;
  uint64_t length = p[1];
  if (length & 0x80) {
    size_t n = length & 0x7F;
    if (n == 0 || n > 4) return false;  // indefinite, or > 4 GiB
    if (rest_.size() < 2 + n) return false;
    length = 0;
    for (size_t i = 0; i < n; ++i) length = (length << 8) | p[2 + i];
    if (length < 0x80 || (n > 1 && p[2] == 0)) return false;  // not minimal: not DER
    header += n;
  }
  if (length > rest_.size() - header) return false;
  out->tag = tag;
  out->contents = rest_.substr(header, length);
  out->whole = rest_.substr(0, header + length);
  rest_.remove_prefix(header + length);
  return true;
}

bool Reader::Expect(uint8_t tag, Element* out) {
  if (PeekTag() != tag) return false;
  return Next(out);
}

bool Reader::Optional(uint8_t tag, Element* out, bool* present) {
  *present = false;
  if (PeekTag() != tag) return true;
  *present = Next(out);
  return *present;
}

}  // namespace kensho::verify::der
