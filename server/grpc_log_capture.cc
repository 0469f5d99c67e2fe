#include "server/grpc_log_capture.h"

#include <grpc/support/log.h>

#include <atomic>
#include <cstdio>

#include "absl/synchronization/mutex.h"

namespace kensho::server {
namespace {

absl::Mutex mu;
std::string* last_error ABSL_GUARDED_BY(mu) = nullptr;
std::atomic<bool> released{false};

void LogFunction(gpr_log_func_args* args) {
  if (args->severity != GPR_LOG_SEVERITY_ERROR) return;
  if (released.load(std::memory_order_relaxed)) {
    std::fprintf(stderr, "kensho: grpc: %s\n", args->message);
    return;
  }
  absl::MutexLock lock(&mu);
  if (last_error == nullptr) last_error = new std::string();
  *last_error = args->message;
}

}  // namespace

void CaptureGrpcLogs() {
  gpr_set_log_verbosity(GPR_LOG_SEVERITY_ERROR);
  gpr_set_log_function(LogFunction);
}

std::string LastGrpcError() {
  absl::MutexLock lock(&mu);
  if (last_error == nullptr) return "";
  // gRPC nests the system error deep in a status tree; the innermost
  // os_error ("Address already in use") is what a person needs.
  const std::string& text = *last_error;
  const std::string key = "os_error:\"";
  size_t at = text.rfind(key);
  if (at != std::string::npos) {
    size_t start = at + key.size();
    size_t end = text.find('"', start);
    if (end != std::string::npos) return text.substr(start, end - start);
  }
  return text;
}

void ReleaseGrpcLogs() { released.store(true); }

}  // namespace kensho::server
