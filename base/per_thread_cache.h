// A small cache each thread keeps for itself, in front of a cache that all
// threads share behind a mutex.
//
// Why: on the 2-core server both cores verify at once, and every look-up in
// a shared cache wrote the shared mutex's word (a reader lock writes it
// too), so that cache line moved from one core to the other on nearly every
// call, ~0.1 µs each time and several times per document (see
// BM_EngineVerifyCmsWarm/threads:2 against one thread in
// bench/verify_benchmark.cc). A hit here reads and writes only the calling
// thread's memory.
//
// Values are shared (std::shared_ptr<Value>; caches name a const Value):
// what a thread holds stays valid when the shared cache drops it, and it is
// the same answer the shared cache would give. Each owner (one cache object) has its
// own table in every thread, found by a process-unique id, so a replaced
// owner's entries (e.g. the engine before a config reload) are never served
// by its successor. A thread keeps tables for at most kOwnersPerThread
// owners of one type; the least recently used is dropped for a new one.
//
// Memory: a table holds no copies, only references to values the shared
// cache also holds; but it keeps them alive after the shared cache drops
// them, so at most threads x kOwnersPerThread x capacity extra values can
// be alive (the users cap capacity at 2048; a server has a few dozen
// threads).
//
// Thread-safe: every thread only ever touches its own tables.
#ifndef KENSHO_BASE_PER_THREAD_CACHE_H_
#define KENSHO_BASE_PER_THREAD_CACHE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/container/flat_hash_map.h"

namespace kensho {

template <typename Key, typename Value>
class PerThreadCache {
 public:
  // `capacity`: entries per thread; a full table starts over (entries are
  // cheap to fetch again from the shared cache). 0 keeps nothing.
  explicit PerThreadCache(size_t capacity) : capacity_(capacity) {}
  PerThreadCache(const PerThreadCache&) = delete;
  PerThreadCache& operator=(const PerThreadCache&) = delete;

  // This thread's entry for `key` (any type the map can look up by), or null.
  template <typename K>
  std::shared_ptr<Value> Find(const K& key) const {
    Table* t = Mine(/*create=*/false);
    if (t == nullptr) return nullptr;
    auto it = t->map.find(key);
    return it == t->map.end() ? nullptr : it->second;
  }

  // Remembers `value` for `key` in this thread (replacing what was there).
  //
  // The table holds it through a holder of its own, and Find returns
  // pointers that share the holder's ownership: copying them writes the
  // holder's reference count, which only this thread touches, and not the
  // value's, which every core that uses the value writes.
  void Put(Key key, std::shared_ptr<Value> value) const {
    if (capacity_ == 0) return;
    Table* t = Mine(/*create=*/true);
    if (t->map.size() >= capacity_) t->map.clear();
    auto holder = std::make_shared<const std::shared_ptr<Value>>(std::move(value));
    Value* raw = holder->get();
    t->map.insert_or_assign(std::move(key), std::shared_ptr<Value>(std::move(holder), raw));
  }

 private:
  static constexpr int kOwnersPerThread = 4;
  struct Table {
    uint64_t owner = 0;  // 0: free
    uint64_t last_used = 0;
    absl::flat_hash_map<Key, std::shared_ptr<Value>> map;
  };
  struct Tables {
    std::array<Table, kOwnersPerThread> tables;
    uint64_t clock = 0;
  };

  static uint64_t NextId() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
  }

  Table* Mine(bool create) const {
    thread_local Tables mine;  // one set per thread and per <Key, Value>
    Table* oldest = &mine.tables[0];
    for (Table& t : mine.tables) {
      if (t.owner == id_) {
        t.last_used = ++mine.clock;
        return &t;
      }
      if (t.last_used < oldest->last_used) oldest = &t;
    }
    if (!create) return nullptr;
    oldest->map.clear();
    oldest->owner = id_;
    oldest->last_used = ++mine.clock;
    return oldest;
  }

  const size_t capacity_;
  const uint64_t id_ = NextId();
};

}  // namespace kensho

#endif  // KENSHO_BASE_PER_THREAD_CACHE_H_
