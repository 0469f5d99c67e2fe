#include "server/kensho_server.h"

#include <sys/stat.h>

#include <cerrno>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cache/revocation_store.h"
#include "revocation/crl_checker.h"
#include "revocation/crl_fetcher.h"
#include "revocation/ocsp_manager.h"
#include "revocation/partition_manager.h"
#include "base/file_io.h"
#include "server/admin_service.h"
#include "server/caller_auth.h"
#include "server/demo_world.h"
#include "server/grpc_log_capture.h"
#include "server/metrics.h"
#include "server/metrics_http.h"
#include "server/server_options.h"
#include "server/server_state.h"
#include "server/status_json.h"
#include "server/validator_handler.h"
#include "server/audit_log.h"
#include "server/validator_service.h"
#include "server/worker_pool.h"

namespace kensho::server {
namespace {

absl::Status MakeDirs(const std::string& path) {
  std::string partial;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && i > 0)) {
      partial = path.substr(0, i);
      if (::mkdir(partial.c_str(), 0750) != 0 && errno != EEXIST) {
        return absl::InvalidArgumentError(
            absl::StrCat("data_dir: cannot create ", partial, ": ", std::strerror(errno)));
      }
    }
  }
  return absl::OkStatus();
}

std::vector<verify::TrustProfileSpec> ProfileSpecs(const v1::ServerConfig& config) {
  std::vector<verify::TrustProfileSpec> specs;
  for (const auto& p : config.trust_profiles()) {
    verify::TrustProfileSpec spec;
    spec.name = p.name();
    spec.anchor_files.assign(p.anchor_files().begin(), p.anchor_files().end());
    spec.intermediate_files.assign(p.intermediate_files().begin(), p.intermediate_files().end());
    spec.allow_test_roots = p.allow_test_roots();
    specs.push_back(std::move(spec));
  }
  return specs;
}

// TLS (and mTLS with a client CA) from the config; insecure without.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const v1::TlsConfig& tls) {
  if (tls.cert_file().empty()) return grpc::InsecureServerCredentials();
  auto read = [](const std::string& field, const std::string& path) {
    auto text = ReadFileBounded(path, 1 << 20);
    if (!text.ok()) {
      return absl::StatusOr<std::string>(absl::InvalidArgumentError(
          absl::StrCat(field, ": ", text.status().message())));
    }
    return text;
  };
  auto cert = read("tls.cert_file", tls.cert_file());
  if (!cert.ok()) return cert.status();
  auto key = read("tls.key_file", tls.key_file());
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({*key, *cert});
  if (!tls.client_ca_file().empty()) {
    auto ca = read("tls.client_ca_file", tls.client_ca_file());
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
    options.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

// The verification engine for `config`'s trust and JPKI settings.
std::shared_ptr<verify::Engine> MakeEngine(const v1::ServerConfig& config,
                                           std::shared_ptr<const verify::TrustStore> trust,
                                           const verify::RevocationChecker* checker,
                                           std::shared_ptr<verify::ChallengeStore> challenges) {
  verify::EngineOptions options;
  options.max_content_bytes = config.limits().max_content_bytes();
  if (!config.jpki_oids().signature_policy().empty()) {
    options.oids.signature_policy = config.jpki_oids().signature_policy();
  }
  if (!config.jpki_oids().auth_policy().empty()) {
    options.oids.auth_policy = config.jpki_oids().auth_policy();
  }
  if (config.revocation().default_mode() == v1::RevocationConfig::HARD_FAIL) {
    options.default_revocation_mode = verify::RevocationMode::kHardFail;
  }
  options.challenges = std::move(challenges);
  return std::make_shared<verify::Engine>(std::move(trust), options, checker);
}

}  // namespace

absl::Status KenshoServer::Reload(const v1::ServerConfig& given_config) {
  v1::ServerConfig config = given_config;
  const v1::ServerConfig& running = state_->config();
  // What is bound at startup cannot change underneath running calls.
  for (const auto& [field, same] : std::initializer_list<std::pair<const char*, bool>>{
           {"listen", config.listen() == running.listen()},
           {"data_dir", config.data_dir() == running.data_dir()},
           {"metrics_listen", config.metrics_listen() == running.metrics_listen()},
           {"audit_log", config.audit_log() == running.audit_log()},
           {"tls", config.tls().SerializeAsString() == running.tls().SerializeAsString()},
           {"revocation",
            config.revocation().SerializeAsString() == running.revocation().SerializeAsString()},
           {"limits", config.limits().SerializeAsString() == running.limits().SerializeAsString()},
           {"demo", config.demo() == running.demo()}}) {
    if (!same) {
      return absl::FailedPreconditionError(
          absl::StrCat(field, " changed: that needs a restart, not a reload"));
    }
  }
  if (config.demo()) {
    if (absl::Status s = PrepareDemoWorld(&config, absl::Now()); !s.ok()) return s;
  }
  auto trust = verify::TrustStore::Create(ProfileSpecs(config));
  if (!trust.ok()) return trust.status();
  // Build everything first, then swap: a failure above leaves the old config.
  std::shared_ptr<verify::Engine> engine =
      MakeEngine(config, *trust, checker_.get(), handler_->engine()->shared_challenges());
  auth_->Reload(config);
  handler_->SwapEngine(std::move(engine));
  state_->set_trust_store(*std::move(trust));
  UpdateHealth();
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<KenshoServer>> KenshoServer::Start(
    const v1::ServerConfig& given_config, absl::Time now) {
  v1::ServerConfig config = given_config;
  if (absl::Status s = MakeDirs(config.data_dir()); !s.ok()) return s;
  if (config.demo()) {
    if (absl::Status s = PrepareDemoWorld(&config, now); !s.ok()) return s;
  }

  auto trust = verify::TrustStore::Create(ProfileSpecs(config));
  if (!trust.ok()) return trust.status();

  auto store = cache::RocksStore::Open(config.data_dir() + "/rocksdb");
  if (!store.ok()) return store.status();

  std::unique_ptr<KenshoServer> server(new KenshoServer());
  server->metrics_ = std::make_unique<ServerMetrics>(now, kVersion);
  server->state_ =
      std::make_unique<ServerState>(config, *std::move(trust), *std::move(store), now);

  // Revocation: stored CRL partitions, refreshed in the background.
  auto revocation_store = cache::RevocationStore::Open(server->state_->store());
  if (!revocation_store.ok()) return revocation_store.status();
  server->revocation_store_ = *std::move(revocation_store);
  const v1::RevocationConfig& rc = config.revocation();
  std::vector<revocation::PartitionSource> sources;
  for (const auto& p : rc.crl_partitions()) {
    sources.push_back({p.id(), p.source(), p.distribution_point(), p.trust_profile(),
                       p.has_required() ? p.required() : true, p.delta_source()});
  }
  revocation::FetchPolicy policy;
  if (rc.connect_timeout_ms() > 0) policy.connect_timeout = absl::Milliseconds(rc.connect_timeout_ms());
  if (rc.fetch_timeout_ms() > 0) policy.total_timeout = absl::Milliseconds(rc.fetch_timeout_ms());
  if (rc.max_crl_bytes() > 0) policy.max_bytes = rc.max_crl_bytes();
  if (rc.refresh_margin_seconds() > 0) policy.refresh_margin = absl::Seconds(rc.refresh_margin_seconds());
  if (rc.retry_min_seconds() > 0) policy.retry_min = absl::Seconds(rc.retry_min_seconds());
  if (rc.retry_max_seconds() > 0) policy.retry_max = absl::Seconds(rc.retry_max_seconds());
  const std::string tmp_dir = config.data_dir() + "/tmp";
  if (absl::Status s = MakeDirs(tmp_dir); !s.ok()) return s;
  revocation::InitFetcher();
  auto partitions = revocation::PartitionManager::Create(
      std::move(sources), rc.crl_dir(), server->state_->trust_store(),
      server->revocation_store_.get(), policy, tmp_dir);
  if (!partitions.ok()) return partitions.status();
  server->partitions_ = *std::move(partitions);
  ServerMetrics* metrics = server->metrics_.get();
  server->partitions_->set_attempt_observer(
      [metrics](const revocation::AttemptReport& r) { metrics->RecordRevocationAttempt(r); });
  // Local files are read before serving so that the first answers already
  // have them; network sources are left to the refresher.
  for (const revocation::PartitionView& v : server->partitions_->Snapshot(now)) {
    if (v.config.source.rfind("file://", 0) != 0) continue;
    absl::Status s = server->partitions_->Refresh(v.config.id, now);
    if (!s.ok()) {
      std::fprintf(stderr, "kensho: revocation partition %s: %s\n", v.config.id.c_str(),
                   std::string(s.message()).c_str());
    }
  }
  server->state_->set_partitions(server->partitions_.get());
  std::vector<revocation::OcspResponder> responders;
  for (const auto& r : rc.ocsp_responders()) {
    if (server->state_->trust_store()->Find(r.trust_profile()) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "revocation.ocsp_responders: trust profile '", r.trust_profile(), "' is not configured"));
    }
    responders.push_back({r.trust_profile(), r.url(), r.nonce()});
  }
  if (!responders.empty()) {
    server->ocsp_ = std::make_unique<revocation::OcspManager>(
        responders, server->state_->trust_store(), server->state_->store(),
        policy.connect_timeout, policy.total_timeout);
    server->ocsp_->Start([] { return absl::Now(); });
  }
  server->checker_ = std::make_unique<revocation::CrlRevocationChecker>(
      server->partitions_.get(), server->revocation_store_.get(), server->ocsp_.get(),
      [] { return absl::Now(); },
      rc.max_stale_seconds() > 0 ? absl::Seconds(rc.max_stale_seconds()) : absl::Hours(24));
  server->handler_ = std::make_unique<ValidatorHandler>(
      MakeEngine(config, server->state_->trust_store(), server->checker_.get(), nullptr),
      [] { return absl::Now(); });
  ValidatorHandler* handler = server->handler_.get();
  server->state_->set_engine([handler] { return handler->engine(); });
  server->auth_ = std::make_unique<CallerAuthorizer>(config);
  const int threads = std::max(2u, std::thread::hardware_concurrency());
  server->pool_ = std::make_unique<WorkerPool>(threads, /*max_queue=*/4096);
  server->metrics_->SetScrapeSources([handler] { return handler->engine(); },
                                     server->partitions_.get());
  if (config.audit_log() != "off") {
    auto audit = AuditLog::Open(config.audit_log());
    if (!audit.ok()) return audit.status();
    server->audit_ = *std::move(audit);
  }
  server->validator_ = std::make_unique<ValidatorService>(
      server->handler_.get(), server->pool_.get(), server->auth_.get(), metrics,
      server->audit_.get());
  server->admin_ = std::make_unique<AdminService>(server->state_.get(), server->auth_.get());
  auto credentials = ServerCredentials(config.tls());
  if (!credentials.ok()) return credentials.status();

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default, which lets a second kensho bind a
  // port that is already serving; a port in use must be a startup error.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Bounded memory under overload: gRPC's buffers for all calls together
  // share one quota, and each connection has a bounded number of streams.
  grpc::ResourceQuota quota("kensho");
  quota.Resize(static_cast<size_t>(
      std::max<int64_t>(512LL << 20, 4 * config.limits().max_message_bytes())));
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 256);
  int port = 0;
  builder.AddListeningPort(config.listen(), *credentials, &port);
  // Oversize requests are refused by gRPC itself with RESOURCE_EXHAUSTED.
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.limits().max_message_bytes()));
  builder.SetMaxSendMessageSize(static_cast<int>(config.limits().max_message_bytes()));
  builder.RegisterService(server->validator_.get());
  builder.RegisterService(server->admin_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || port == 0) {
    std::string cause = LastGrpcError();
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", config.listen(), cause.empty() ? "" : ": ", cause));
  }
  auto hp = ParseHostPort(config.listen());
  server->listen_address_ = hp->host.find(':') != std::string::npos
                                ? absl::StrCat("[", hp->host, "]:", port)
                                : absl::StrCat(hp->host, ":", port);

  server->UpdateHealth();
  if (!config.metrics_listen().empty()) {
    const ServerState* state = server->state_.get();
    auto http = MetricsHttpServer::Start(
        config.metrics_listen(),
        {[metrics] { return metrics->ScrapeText(); },
         [metrics, state] { return StatusJson(*metrics, state, absl::Now()); }});
    if (!http.ok()) return http.status();
    server->metrics_http_ = *std::move(http);
    server->metrics_address_ = server->metrics_http_->address();
  }
  KenshoServer* raw = server.get();
  server->partitions_->StartRefresher([] { return absl::Now(); }, [raw] { raw->UpdateHealth(); });
  return server;
}

void KenshoServer::UpdateHealth() {
  absl::MutexLock lock(&health_mu_);
  if (server_ == nullptr || stopping_) return;
  v1::ServerStatus status;
  FillServerStatus(*state_, &status);
  // Called every second by the refresher: only changes are passed on, since
  // gRPC sends every SetServingStatus to each Health.Watch stream.
  if (serving_.has_value() && *serving_ == status.serving()) return;
  serving_ = status.serving();
  server_->GetHealthCheckService()->SetServingStatus(status.serving());
  if (metrics_ != nullptr) metrics_->SetServing(status.serving());
}

void KenshoServer::Shutdown(absl::Duration grace) {
  if (partitions_ != nullptr) partitions_->Stop();
  if (ocsp_ != nullptr) ocsp_->Stop();
  {
    absl::MutexLock lock(&health_mu_);
    stopping_ = true;
  }
  if (server_ == nullptr) return;
  if (auto* health = server_->GetHealthCheckService()) health->SetServingStatus(false);
  if (metrics_ != nullptr) metrics_->SetServing(false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
  server_.reset();
  pool_.reset();  // after gRPC: no reactor can submit any more
  metrics_http_.reset();
}

KenshoServer::~KenshoServer() { Shutdown(absl::ZeroDuration()); }

}  // namespace kensho::server
