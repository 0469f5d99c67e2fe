#include "base/der_time.h"

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace kensho {
namespace {

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

absl::StatusOr<absl::Time> ParseDerTime(uint8_t tag, absl::string_view s) {
  int64_t year = 0;
  size_t pos = 0;
  if (tag == kDerUtcTime) {
    if (s.size() != 13) return absl::InvalidArgumentError("UTCTime must be YYMMDDHHMMSSZ");
    int yy = 0;
    if (!Digits(s, 0, 2, &yy)) return absl::InvalidArgumentError("bad UTCTime");
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    pos = 2;
  } else if (tag == kDerGeneralizedTime) {
    if (s.size() != 15) {
      return absl::InvalidArgumentError("GeneralizedTime must be YYYYMMDDHHMMSSZ");
    }
    int yyyy = 0;
    if (!Digits(s, 0, 4, &yyyy)) return absl::InvalidArgumentError("bad GeneralizedTime");
    year = yyyy;
    pos = 4;
  } else {
    return absl::InvalidArgumentError(
        absl::StrFormat("expected UTCTime or GeneralizedTime, found tag 0x%02x", tag));
  }
  int mon, day, hour, min, sec;
  if (!Digits(s, pos, 2, &mon) || !Digits(s, pos + 2, 2, &day) || !Digits(s, pos + 4, 2, &hour) ||
      !Digits(s, pos + 6, 2, &min) || !Digits(s, pos + 8, 2, &sec) || s[pos + 10] != 'Z') {
    return absl::InvalidArgumentError("bad time digits or missing Z");
  }
  if (mon < 1 || mon > 12 || day < 1 || day > DaysInMonth(year, mon) || hour > 23 || min > 59 ||
      sec > 59) {
    return absl::InvalidArgumentError("time field out of range");
  }
  const int64_t seconds = DaysFromCivil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
  return absl::FromUnixSeconds(seconds);
}

}  // namespace kensho
