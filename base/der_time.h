// RFC 5280 DER times, shared by the CRL and the CMS parsers: UTCTime
// "YYMMDDHHMMSSZ" (years 1950-2049) and GeneralizedTime "YYYYMMDDHHMMSSZ"
// (any year, as Chromium accepts), seconds required, no fractions, no
// offsets, calendar-checked. Pure arithmetic: no OpenSSL object and no time
// zone look-up, since a signed document's signingTime is read on every
// verification.
#ifndef KENSHO_BASE_DER_TIME_H_
#define KENSHO_BASE_DER_TIME_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kensho {

inline constexpr uint8_t kDerUtcTime = 0x17;
inline constexpr uint8_t kDerGeneralizedTime = 0x18;

// `contents`: the element's content octets. Errors are InvalidArgument and
// say what is wrong, without naming the field (the caller does).
absl::StatusOr<absl::Time> ParseDerTime(uint8_t tag, absl::string_view contents);

}  // namespace kensho

#endif  // KENSHO_BASE_DER_TIME_H_
