// A minimal, bounded DER reader over a non-owning view.
//
// Used where OpenSSL's d2i_* would do too much work (CMS SignedData: d2i
// parses every embedded certificate at ~130 µs each, while kensho looks them
// up by hash in its certificate cache). Only definite lengths; lengths are
// checked against the remaining input before use; the element views alias
// the input, which must outlive them.
#ifndef KENSHO_VERIFY_DER_H_
#define KENSHO_VERIFY_DER_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace kensho::verify::der {

// Universal and context tags (the full identifier octet).
inline constexpr uint8_t kInteger = 0x02;
inline constexpr uint8_t kOctetString = 0x04;
inline constexpr uint8_t kNull = 0x05;
inline constexpr uint8_t kOid = 0x06;
inline constexpr uint8_t kUtcTime = 0x17;
inline constexpr uint8_t kGeneralizedTime = 0x18;
inline constexpr uint8_t kSequence = 0x30;
inline constexpr uint8_t kSet = 0x31;
inline constexpr uint8_t kContext0Constructed = 0xA0;
inline constexpr uint8_t kContext1Constructed = 0xA1;
inline constexpr uint8_t kContext0Primitive = 0x80;

struct Element {
  uint8_t tag = 0;
  absl::string_view contents;  // the value octets
  absl::string_view whole;     // tag, length and value
};

class Reader {
 public:
  explicit Reader(absl::string_view input) : rest_(input) {}

  bool empty() const { return rest_.empty(); }
  // The next element's tag without consuming it; 0 when empty.
  uint8_t PeekTag() const { return rest_.empty() ? 0 : static_cast<uint8_t>(rest_[0]); }

  // Reads the next element (single-byte tags only; multi-byte tags, indefinite
  // or non-minimal lengths fail). False leaves the reader unchanged.
  bool Next(Element* out);
  // Reads the next element only if it has `tag`.
  bool Expect(uint8_t tag, Element* out);
  // Reads the next element if it has `tag`; true (and *present=false) if the
  // next tag differs.
  bool Optional(uint8_t tag, Element* out, bool* present);

 private:
  absl::string_view rest_;
};

}  // namespace kensho::verify::der

#endif  // KENSHO_VERIFY_DER_H_
