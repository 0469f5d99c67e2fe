// The kensho process: loads trust and storage, serves kensho.v1 with the
// standard health service and server reflection, and shuts down gracefully.
#ifndef KENSHO_SERVER_KENSHO_SERVER_H_
#define KENSHO_SERVER_KENSHO_SERVER_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "proto/config.pb.h"

namespace grpc {
class Server;
}

namespace kensho::cache {
class RevocationStore;
}
namespace kensho::revocation {
class CrlRevocationChecker;
class OcspManager;
class PartitionManager;
}

namespace kensho::server {

class AdminService;
class CallerAuthorizer;
class MetricsHttpServer;
class ServerMetrics;
class ServerState;
class ValidatorHandler;
class ValidatorService;
class AuditLog;
class WorkerPool;

class KenshoServer {
 public:
  // Loads everything `config` names and starts listening. Errors are one
  // line each, naming what failed (a trust file, the data folder, the port).
  static absl::StatusOr<std::unique_ptr<KenshoServer>> Start(const v1::ServerConfig& config,
                                                             absl::Time now);
  ~KenshoServer();

  // Applies a new config's trust profiles, callers and JPKI settings
  // atomically for new calls (SIGHUP). Anything invalid, or a change that
  // needs a restart (listen, data_dir, tls, revocation, limits), is refused
  // and the running config stays.
  absl::Status Reload(const v1::ServerConfig& config);

  // "HOST:PORT" with the port actually bound (for --listen=HOST:0).
  const std::string& listen_address() const { return listen_address_; }
  // "HOST:PORT" of the metrics port, empty when metrics_listen is not set.
  const std::string& metrics_address() const { return metrics_address_; }

  // Health goes NOT_SERVING, new calls are refused, in-flight calls get
  // until `grace` to finish, then the rest are cancelled.
  void Shutdown(absl::Duration grace);

 private:
  KenshoServer() = default;

  void UpdateHealth();

  // First: destroyed last, after everything that records into it.
  std::unique_ptr<ServerMetrics> metrics_;
  std::unique_ptr<ServerState> state_;
  std::unique_ptr<cache::RevocationStore> revocation_store_;
  std::unique_ptr<revocation::PartitionManager> partitions_;
  std::unique_ptr<revocation::OcspManager> ocsp_;
  std::unique_ptr<revocation::CrlRevocationChecker> checker_;
  std::unique_ptr<ValidatorHandler> handler_;
  std::unique_ptr<CallerAuthorizer> auth_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<AuditLog> audit_;  // outlives validator_ (declared first)
  std::unique_ptr<ValidatorService> validator_;
  std::unique_ptr<AdminService> admin_;
  std::unique_ptr<grpc::Server> server_;
  std::string listen_address_;
  // Last: stopped first, before what its routes read.
  std::unique_ptr<MetricsHttpServer> metrics_http_;
  std::string metrics_address_;
  absl::Mutex health_mu_;
  bool stopping_ ABSL_GUARDED_BY(health_mu_) = false;
  std::optional<bool> serving_ ABSL_GUARDED_BY(health_mu_);  // last status set
};

}  // namespace kensho::server

#endif  // KENSHO_SERVER_KENSHO_SERVER_H_
