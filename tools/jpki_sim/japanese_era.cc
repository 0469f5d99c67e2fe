#include "tools/jpki_sim/japanese_era.h"

#include "absl/strings/str_format.h"

namespace kensho::sim {

int EraDigit(absl::CivilDay day) {
  if (day >= absl::CivilDay(2019, 5, 1)) return 5;
  if (day >= absl::CivilDay(1989, 1, 8)) return 4;
  if (day >= absl::CivilDay(1926, 12, 25)) return 3;
  if (day >= absl::CivilDay(1912, 7, 30)) return 2;
  if (day >= absl::CivilDay(1868, 1, 25)) return 1;
  return 0;
}

std::string JpkiBirthDate(absl::CivilDay day) {
  return absl::StrFormat("%d%04d%02d%02d", EraDigit(day), day.year(), day.month(), day.day());
}

}  // namespace kensho::sim
