// A counter that many threads add to on every call: each thread adds to a
// stripe of its own (a cache line), so two cores counting at once do not
// trade one line back and forth; reading sums the stripes. Thread-safe.
#ifndef KENSHO_BASE_STRIPED_COUNTER_H_
#define KENSHO_BASE_STRIPED_COUNTER_H_

#include <array>
#include <atomic>
#include <cstdint>

namespace kensho {

// Stripes for per-thread tallies: threads take stripe numbers in turn as
// they first ask; with more threads than stripes some share one (so a
// stripe's values must still be updated atomically).
inline constexpr int kThreadStripes = 16;
inline int ThreadStripe() {
  static std::atomic<int> next{0};
  thread_local const int mine = next.fetch_add(1, std::memory_order_relaxed) % kThreadStripes;
  return mine;
}

class StripedCounter {
 public:
  void Add(int64_t n) { stripes_[ThreadStripe()].value.fetch_add(n, std::memory_order_relaxed); }
  int64_t Sum() const {
    int64_t sum = 0;
    for (const auto& s : stripes_) sum += s.value.load(std::memory_order_relaxed);
    return sum;
  }

 private:
  struct alignas(64) Padded {
    std::atomic<int64_t> value{0};
  };
  std::array<Padded, kThreadStripes> stripes_;
};

}  // namespace kensho

#endif  // KENSHO_BASE_STRIPED_COUNTER_H_
