// A seeded, platform-independent pseudo-random generator (SplitMix64).
// std:: and absl:: distributions are not guaranteed stable across library
// versions; the simulator's output must be, so it carries its own.
#ifndef KENSHO_TOOLS_JPKI_SIM_RNG_H_
#define KENSHO_TOOLS_JPKI_SIM_RNG_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace kensho::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // A generator for an independent stream, e.g. Rng::Derive(seed, "people", i).
  static Rng Derive(uint64_t seed, std::string_view stream, uint64_t index = 0) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a over the stream name
    for (unsigned char c : stream) h = (h ^ c) * 1099511628211ull;
    Rng mix(seed ^ h);
    uint64_t s = mix.Next() ^ (index * 0x9E3779B97F4A7C15ull);
    Rng r(s);
    r.Next();
    return r;
  }

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi] (inclusive); bias is negligible for the ranges used.
  int64_t Uniform(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(Next() % span);
  }
  // True with probability `p` (0..1).
  bool Chance(double p) { return (Next() >> 11) * (1.0 / 9007199254740992.0) < p; }
  std::string Bytes(size_t n) {
    std::string out;
    out.reserve(n);
    while (out.size() < n) {
      uint64_t v = Next();
      for (int i = 0; i < 8 && out.size() < n; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
    }
    return out;
  }

 private:
  uint64_t state_;
};

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_RNG_H_
