// kensho: parses flags and runs the server until SIGTERM or SIGINT.
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/grpc_log_capture.h"
#include "server/kensho_server.h"
#include "server/server_options.h"

ABSL_FLAG(std::string, listen, "", "gRPC HOST:PORT (default 127.0.0.1:50051; port 0 picks one)");
ABSL_FLAG(std::string, config, "", "config file (textproto; JSON for *.json, YAML for *.yaml/*.yml; see proto/config.proto)");
ABSL_FLAG(std::string, data_dir, "", "RocksDB and generated demo data (default ./data)");
ABSL_FLAG(std::string, metrics_listen, "", "HTTP HOST:PORT for /metrics and the dashboard");
ABSL_FLAG(std::string, audit_log, "",
          "audit log: a file to append JSON lines to, - for stderr (the default), off for none");
ABSL_FLAG(bool, demo, false,
          "serve a generated demo JPKI world from the data dir, on loopback");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "on SIGTERM/SIGINT, how long in-flight calls may take to finish");

namespace {

std::optional<std::string> FlagIfSet(const std::string& value) {
  if (value.empty()) return std::nullopt;
  return value;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "kensho: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Signals are taken by sigwait below; block them before gRPC starts its
  // threads so that every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::SetProgramUsageMessage("kensho: a certificate validation server for JPKI");
  // Debian's Abseil checks every Mutex acquisition for lock-order cycles
  // (a graph update per lock: ~3% of a verification's CPU under load).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) return Fail(std::string("unexpected argument: ") + rest[1]);

  kensho::server::CaptureGrpcLogs();
  kensho::server::FlagOverrides flags;
  flags.listen = FlagIfSet(absl::GetFlag(FLAGS_listen));
  flags.data_dir = FlagIfSet(absl::GetFlag(FLAGS_data_dir));
  flags.metrics_listen = FlagIfSet(absl::GetFlag(FLAGS_metrics_listen));
  flags.audit_log = FlagIfSet(absl::GetFlag(FLAGS_audit_log));
  // --demo can only switch demo mode on: a config file never needs it off.
  if (absl::GetFlag(FLAGS_demo)) flags.demo = true;
  auto config = kensho::server::LoadServerConfig(absl::GetFlag(FLAGS_config), flags);
  if (!config.ok()) return Fail(std::string(config.status().message()));
  if (absl::GetFlag(FLAGS_shutdown_grace_seconds) < 0) {
    return Fail("--shutdown_grace_seconds: must not be negative");
  }

  auto server = kensho::server::KenshoServer::Start(*config, absl::Now());
  if (!server.ok()) return Fail(std::string(server.status().message()));
  kensho::server::ReleaseGrpcLogs();
  // The metrics line first: scripts that wait for "listening" then have both.
  if (!(*server)->metrics_address().empty()) {
    std::cout << "kensho metrics on " << (*server)->metrics_address() << std::endl;
  }
  std::cout << "kensho listening on " << (*server)->listen_address() << std::endl;

  int signal_number = 0;
  while (true) {
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) break;
    // Reload: the config file again, with the same flags on top. A bad one
    // is refused and the running config keeps serving.
    auto reloaded = kensho::server::LoadServerConfig(absl::GetFlag(FLAGS_config), flags);
    absl::Status s = reloaded.ok() ? (*server)->Reload(*reloaded) : reloaded.status();
    if (s.ok()) {
      std::fprintf(stderr, "kensho: SIGHUP: configuration reloaded\n");
    } else {
      std::fprintf(stderr, "kensho: SIGHUP: reload refused, still serving the previous "
                   "configuration: %s\n", std::string(s.message()).c_str());
    }
  }
  std::fprintf(stderr, "kensho: %s received, finishing in-flight calls\n",
               signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  std::fprintf(stderr, "kensho: stopped\n");
  return 0;
}
