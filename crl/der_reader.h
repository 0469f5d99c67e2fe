// A small bounded DER reader for the CRL and OCSP parsers: no allocation,
// views into the caller's buffer.
//
// Accepts only what DER allows and what RFC 5280 structures need:
// low-tag-number tags (< 31), definite lengths in minimal form (long form up
// to 4 length octets), every length checked against the bytes left, and a
// nesting depth bound (kMaxDepth). Anything else is InvalidArgument.
//
// Aliasing: every string_view returned points into the input given to the
// Reader; the input must outlive them.
#ifndef KENSHO_CRL_DER_READER_H_
#define KENSHO_CRL_DER_READER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kensho::crl::der {

inline constexpr uint8_t kBoolean = 0x01;
inline constexpr uint8_t kInteger = 0x02;
inline constexpr uint8_t kBitString = 0x03;
inline constexpr uint8_t kOctetString = 0x04;
inline constexpr uint8_t kNull = 0x05;
inline constexpr uint8_t kOid = 0x06;
inline constexpr uint8_t kEnumerated = 0x0a;
inline constexpr uint8_t kUtf8String = 0x0c;
inline constexpr uint8_t kNumericString = 0x12;
inline constexpr uint8_t kPrintableString = 0x13;
inline constexpr uint8_t kTeletexString = 0x14;
inline constexpr uint8_t kIa5String = 0x16;
inline constexpr uint8_t kUtcTime = 0x17;
inline constexpr uint8_t kGeneralizedTime = 0x18;
inline constexpr uint8_t kVisibleString = 0x1a;
inline constexpr uint8_t kUniversalString = 0x1c;
inline constexpr uint8_t kBmpString = 0x1e;
inline constexpr uint8_t kSequence = 0x30;
inline constexpr uint8_t kSet = 0x31;
constexpr uint8_t ContextPrimitive(int n) { return static_cast<uint8_t>(0x80 | n); }
constexpr uint8_t ContextConstructed(int n) { return static_cast<uint8_t>(0xa0 | n); }

// Deep enough for every CRL/OCSP structure (IDP DirNames reach ~12).
inline constexpr int kMaxDepth = 24;

struct Tlv {
  uint8_t tag = 0;
  absl::string_view full;      // tag, length and contents
  absl::string_view contents;  // contents only
};

class Reader {
 public:
  explicit Reader(absl::string_view input, int depth = 0) : rest_(input), depth_(depth) {}

  bool empty() const { return rest_.empty(); }
  size_t remaining() const { return rest_.size(); }
  int depth() const { return depth_; }
  // The unread input (for offsets: its data() pointer).
  absl::string_view rest() const { return rest_; }
  // True if the next element has `tag` (false at the end).
  bool Peek(uint8_t tag) const { return !rest_.empty() && static_cast<uint8_t>(rest_[0]) == tag; }

  // Reads the next element, whatever its tag.
  absl::Status Next(Tlv* out);
  // Reads the next element and fails unless its tag is `tag`.
  absl::StatusOr<Tlv> Read(uint8_t tag, absl::string_view what);
  // nullopt (consuming nothing) when the next tag is not `tag`.
  absl::StatusOr<std::optional<Tlv>> ReadOptional(uint8_t tag, absl::string_view what);
  // Reads a constructed element with `tag` and returns a reader over its
  // contents one level deeper; fails past kMaxDepth.
  absl::StatusOr<Reader> Enter(uint8_t tag, absl::string_view what);
  // Fails unless everything was read.
  absl::Status ExpectEnd(absl::string_view what) const;

 private:
  absl::string_view rest_;
  int depth_;
};

// A reader over `contents` one level below `parent`, or an error past kMaxDepth.
absl::StatusOr<Reader> Child(const Reader& parent, absl::string_view contents, absl::string_view what);

// INTEGER contents: checks minimal encoding (DER) and non-emptiness.
absl::Status CheckInteger(absl::string_view contents, absl::string_view what);
// True if a checked INTEGER's contents are negative.
inline bool IsNegative(absl::string_view contents) { return static_cast<uint8_t>(contents[0]) & 0x80; }
// A checked INTEGER's contents without the sign octet DER adds before a
// positive value whose top bit is set ("\x00\x80" -> "\x80"; zero stays "\x00").
absl::string_view StripSignOctet(absl::string_view contents);
// Decimal form of a non-negative checked INTEGER's contents (any size).
std::string UnsignedToDecimal(absl::string_view magnitude);
// A small non-negative INTEGER/ENUMERATED (<= 2^31-1).
absl::StatusOr<int> SmallInt(absl::string_view contents, absl::string_view what);
// BOOLEAN contents: 0x00 or 0xFF only.
absl::StatusOr<bool> Boolean(absl::string_view contents, absl::string_view what);

// RFC 5280 Time: UTCTime "YYMMDDHHMMSSZ" (YY >= 50 is 19YY) or
// GeneralizedTime "YYYYMMDDHHMMSSZ" (no fractions, no offsets), calendar
// fields range-checked. `tlv.tag` picks the form; other tags fail.
absl::StatusOr<absl::Time> ParseTime(const Tlv& tlv, absl::string_view what);

// Dotted-decimal form of OID contents ("2.5.29.20"); fails on non-minimal
// arcs or arcs over 64 bits.
absl::StatusOr<std::string> OidToString(absl::string_view contents);

}  // namespace kensho::crl::der

#endif  // KENSHO_CRL_DER_READER_H_
