// Strict UTF-8 validation (RFC 3629) for text taken from certificates.
//
// Certificate strings flow into protobuf `string` fields, logs and UIs; proto3
// refuses invalid UTF-8 at serialization time, so invalid text must be caught
// here, at the boundary, and reported rather than passed on.
#ifndef KENSHO_JPKI_UTF8_H_
#define KENSHO_JPKI_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace kensho::jpki {

// True when `s` is well-formed UTF-8: no overlong forms (C0, C1, E0 80..9F,
// F0 80..8F), no UTF-16 surrogates (ED A0..BF), nothing above U+10FFFF
// (F4 90.., F5..FF), no truncated or stray continuation bytes.
// When false and `error_offset` is not null, writes the offset of the first
// byte of the offending sequence. The empty string is valid.
bool IsValidUtf8(absl::string_view s, size_t* error_offset = nullptr);

// Appends the UTF-8 encoding of code point `cp` (the caller passes a valid
// scalar value: not a surrogate, at most U+10FFFF).
void AppendUtf8(uint32_t cp, std::string* out);

}  // namespace kensho::jpki

#endif  // KENSHO_JPKI_UTF8_H_
