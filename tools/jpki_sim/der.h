// Minimal DER encoding helpers, for building large structures (CRLs with
// millions of entries) without going through OpenSSL's object model.
#ifndef KENSHO_TOOLS_JPKI_SIM_DER_H_
#define KENSHO_TOOLS_JPKI_SIM_DER_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/time/time.h"

namespace kensho::sim::der {

inline constexpr uint8_t kInteger = 0x02;
inline constexpr uint8_t kBitString = 0x03;
inline constexpr uint8_t kOctetString = 0x04;
inline constexpr uint8_t kOid = 0x06;
inline constexpr uint8_t kEnumerated = 0x0A;
inline constexpr uint8_t kUtcTime = 0x17;
inline constexpr uint8_t kGeneralizedTime = 0x18;
inline constexpr uint8_t kSequence = 0x30;
inline constexpr uint8_t kContext0 = 0xA0;  // [0] constructed

// Encoded size of a length field.
size_t LengthSize(size_t len);
void AppendHeader(std::string* out, uint8_t tag, size_t len);
void AppendTlv(std::string* out, uint8_t tag, absl::string_view content);
std::string Tlv(uint8_t tag, absl::string_view content);
// Non-negative INTEGER with minimal encoding.
void AppendUint(std::string* out, uint64_t v);
// RFC 5280 Time: UTCTime for 1950..2049, GeneralizedTime otherwise (UTC, "Z").
void AppendTime(std::string* out, absl::Time t);
void AppendGeneralizedTime(std::string* out, absl::Time t);

}  // namespace kensho::sim::der

#endif  // KENSHO_TOOLS_JPKI_SIM_DER_H_
