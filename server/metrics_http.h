// The metrics port: a small HTTP/1.1 server answering
//   GET /metrics       Prometheus text format 0.0.4
//   GET /status.json   the dashboard's numbers (server/status_json.h)
//   GET / , /dashboard the live dashboard page (server/dashboard.h)
// and 404 for anything else. It serves no files, reads at most 8 KiB of
// request head within 5 s, and closes each connection after one answer.
//
// Its own (rather than civetweb, which prometheus-cpp's Exposer wraps):
// Debian's civetweb starts its threads with a fixed 100 KiB stack, smaller
// than this process's static TLS, so pthread_create fails with EINVAL.
//
// Thread-safe; the route callbacks run on the server's two threads.
#ifndef KENSHO_SERVER_METRICS_HTTP_H_
#define KENSHO_SERVER_METRICS_HTTP_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"

namespace kensho::server {

class MetricsHttpServer {
 public:
  struct Routes {
    std::function<std::string()> metrics_text;
    std::function<std::string()> status_json;
  };

  // Listens on `listen` (HOST:PORT, port 0 picks one). One line naming the
  // address and the cause when it cannot.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(const std::string& listen,
                                                                  Routes routes);
  // Stops accepting, finishes the answers being written, joins.
  ~MetricsHttpServer();

  // "HOST:PORT" with the port actually bound.
  const std::string& address() const { return address_; }

 private:
  explicit MetricsHttpServer(Routes routes) : routes_(std::move(routes)) {}
  void AcceptLoop();
  void Serve(int fd);

  const Routes routes_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd: readable once stopping
  std::vector<std::thread> threads_;
  std::string address_;
};

}  // namespace kensho::server

#endif  // KENSHO_SERVER_METRICS_HTTP_H_
