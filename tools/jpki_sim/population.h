// The simulated residents: seeded names, birth dates, sex and addresses drawn
// from a list of real municipalities.
#ifndef KENSHO_TOOLS_JPKI_SIM_POPULATION_H_
#define KENSHO_TOOLS_JPKI_SIM_POPULATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "tools/jpki_sim/rng.h"

namespace kensho::sim {

struct Municipality {
  const char* prefecture;        // 山形県
  const char* city;              // 西置賜郡飯豊町 (county included, as in addresses)
  const char* prefecture_romaji; // Yamagata (used in DNs)
  const char* city_romaji;       // Iide-machi
  const char* towns[3];          // street/area names for addresses
};

// About 30 real municipalities, villages to designated cities. Index 0 is
// 山形県 西置賜郡飯豊町.
const std::vector<Municipality>& Municipalities();

// "yamagata-iide-machi": lower-case, for partition ids.
std::string MunicipalitySlug(const Municipality& m);

// A resident's basic 4 as they stand at some moment.
struct Basic4 {
  std::string name;           // full-width, 「山田　太郎」
  std::string name_flags;     // substitute-character flags, "0" = none
  std::string address;        // full-width, 「山形県西置賜郡飯豊町大字椿１２３番地」
  std::string address_flags;  // "0" = none
  int municipality = 0;       // index into Municipalities()
};

struct Person {
  std::string id;          // "p-000123"
  int index = 0;
  absl::CivilDay birth;
  std::string sex;         // "1" male, "2" female (code table unverified)
  std::string family_name; // for name changes
  std::string given_name;
  Basic4 basic4;           // at the start of the simulation
};

// People with index in [kCoverageFirst, kCoverageFirst + kCoverageCount) are
// adults (20..80) so that life_events can force one event of each kind on them
// and small worlds still cover every revocation reason.
constexpr int kCoverageFirst = 10;
constexpr int kCoverageCount = 7;

// `count` people; the first few get the awkward birth dates (29 Feb, era
// boundaries 1989-01-07/08 and 2019-04-30/05-01, Taisho/Showa), the rest are
// spread over ages 0..100 at `today`.
std::vector<Person> MakePopulation(int count, uint64_t seed, absl::CivilDay today);

// A new address in municipality `municipality` (a move).
Basic4 MoveTo(const Basic4& current, int municipality, Rng& rng);
// A new family name (marriage etc.).
Basic4 Rename(const Person& person, const Basic4& current, Rng& rng);

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_POPULATION_H_
