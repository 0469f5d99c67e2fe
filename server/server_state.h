// What the services share: the loaded trust store, the RocksDB store, and
// process facts for status pages.
//
// Thread-safety: the trust store pointer is swapped atomically (reload) and
// read with trust_store(); everything else is set before serving starts.
#ifndef KENSHO_SERVER_SERVER_STATE_H_
#define KENSHO_SERVER_SERVER_STATE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cache/rocks_store.h"
#include "proto/config.pb.h"
#include "revocation/partition_manager.h"
#include "verify/engine.h"
#include "verify/trust_store.h"

namespace kensho::server {

inline constexpr char kVersion[] = "0.1.0";

class ServerState {
 public:
  ServerState(v1::ServerConfig config, std::shared_ptr<const verify::TrustStore> trust,
              std::unique_ptr<cache::RocksStore> store, absl::Time started_at)
      : config_(std::move(config)),
        trust_(std::move(trust)),
        store_(std::move(store)),
        started_at_(started_at) {}

  const v1::ServerConfig& config() const { return config_; }
  std::shared_ptr<const verify::TrustStore> trust_store() const {
    absl::MutexLock lock(&mu_);
    return trust_;
  }
  cache::RocksStore* store() const { return store_.get(); }
  absl::Time started_at() const { return started_at_; }

  // Set once before serving; read for status pages.
  void set_engine(std::function<std::shared_ptr<verify::Engine>()> engine) {
    engine_ = std::move(engine);
  }
  std::shared_ptr<verify::Engine> engine() const { return engine_ ? engine_() : nullptr; }
  void set_trust_store(std::shared_ptr<const verify::TrustStore> trust) {
    absl::MutexLock lock(&mu_);
    trust_ = std::move(trust);
  }
  void set_partitions(revocation::PartitionManager* partitions) { partitions_ = partitions; }
  revocation::PartitionManager* partitions() const { return partitions_; }

 private:
  const v1::ServerConfig config_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const verify::TrustStore> trust_ ABSL_GUARDED_BY(mu_);
  const std::unique_ptr<cache::RocksStore> store_;
  const absl::Time started_at_;
  std::function<std::shared_ptr<verify::Engine>()> engine_;
  revocation::PartitionManager* partitions_ = nullptr;
};

}  // namespace kensho::server

#endif  // KENSHO_SERVER_SERVER_STATE_H_
