// Japanese era (gengō) digits as JPKI writes them in the birth-date otherName:
// era digit + Gregorian YYYYMMDD, e.g. "419900102" (Heisei, 1990-01-02).
#ifndef KENSHO_TOOLS_JPKI_SIM_JAPANESE_ERA_H_
#define KENSHO_TOOLS_JPKI_SIM_JAPANESE_ERA_H_

#include <string>

#include "absl/time/civil_time.h"

namespace kensho::sim {

// 1 Meiji (from 1868-01-25), 2 Taisho (1912-07-30), 3 Showa (1926-12-25),
// 4 Heisei (1989-01-08), 5 Reiwa (2019-05-01). 0 before Meiji.
int EraDigit(absl::CivilDay day);

// "<era><YYYYMMDD>".
std::string JpkiBirthDate(absl::CivilDay day);

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_JAPANESE_ERA_H_
