#include "server/metrics_http.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "server/dashboard.h"
#include "server/server_options.h"

namespace kensho::server {
namespace {

constexpr size_t kMaxRequestHead = 8192;
constexpr int kReadTimeoutMs = 5000;
constexpr int kThreads = 2;

void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client went away or timed out (SO_SNDTIMEO)
    done += static_cast<size_t>(n);
  }
}

std::string Response(int code, const char* reason, const char* type, const std::string& body,
                     bool head) {
  std::string out = absl::StrCat("HTTP/1.1 ", code, " ", reason, "\r\nContent-Type: ", type,
                                 "\r\nContent-Length: ", body.size(),
                                 "\r\nCache-Control: no-store\r\n"
                                 "X-Content-Type-Options: nosniff\r\n"
                                 "Connection: close\r\n\r\n");
  if (!head) out += body;
  return out;
}

// Reads the request head (up to the blank line) within the timeout; empty
// when the client sends nothing useful.
std::string ReadHead(int fd) {
  std::string head;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kReadTimeoutMs);
  char buf[2048];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < kMaxRequestHead) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "";
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return "";
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return "";
    head.append(buf, static_cast<size_t>(n));
  }
  return head;
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& listen, Routes routes) {
  auto hp = ParseHostPort(listen);
  if (!hp.ok()) return absl::InvalidArgumentError(absl::StrCat("metrics_listen: ", hp.status().message()));
  const std::string host = hp->host == "localhost" ? "127.0.0.1" : hp->host;
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_INET;
  if (auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
      ::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(hp->port));
    length = sizeof(sockaddr_in);
  } else if (auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
             ::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    family = AF_INET6;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(hp->port));
    length = sizeof(sockaddr_in6);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics_listen: '", listen, "' needs a numeric IP address or localhost"));
  }
  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer(std::move(routes)));
  auto fail = [&](const char* what) {
    return absl::UnavailableError(
        absl::StrCat("metrics_listen: cannot listen on ", listen, ": ", what, ": ",
                     std::strerror(errno)));
  };
  server->listen_fd_ = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (server->listen_fd_ < 0) return fail("socket");
  if (::bind(server->listen_fd_, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    return fail("bind");
  }
  if (::listen(server->listen_fd_, 64) != 0) return fail("listen");
  if (::getsockname(server->listen_fd_, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    return fail("getsockname");
  }
  const int port = family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port)
                                     : ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port);
  server->address_ = family == AF_INET6 ? absl::StrCat("[", host, "]:", port)
                                        : absl::StrCat(host, ":", port);
  server->stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (server->stop_fd_ < 0) return fail("eventfd");
  for (int i = 0; i < kThreads; ++i) {
    server->threads_.emplace_back([s = server.get()] { s->AcceptLoop(); });
  }
  return server;
}

MetricsHttpServer::~MetricsHttpServer() {
  if (stop_fd_ >= 0) {
    const uint64_t one = 1;
    (void)!::write(stop_fd_, &one, sizeof(one));
  }
  for (std::thread& t : threads_) t.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

void MetricsHttpServer::AcceptLoop() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    // Both threads wake for one connection; the loser gets EAGAIN.
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    timeval send_timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout));
    Serve(fd);
    ::close(fd);
  }
}

void MetricsHttpServer::Serve(int fd) {
  const std::string head = ReadHead(fd);
  const size_t line_end = head.find("\r\n");
  if (line_end == std::string::npos) {
    if (!head.empty()) {
      WriteAll(fd, Response(400, "Bad Request", "text/plain; charset=utf-8", "bad request\n", false));
    }
    return;
  }
  const std::string line = head.substr(0, line_end);
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string::npos ? std::string::npos : line.find(' ', sp1 + 1);
  if (sp2 == std::string::npos || line.compare(sp2 + 1, 5, "HTTP/") != 0) {
    WriteAll(fd, Response(400, "Bad Request", "text/plain; charset=utf-8", "bad request\n", false));
    return;
  }
  const std::string method = line.substr(0, sp1);
  std::string path = line.substr(sp1 + 1, sp2 - sp1 - 1);
  path = path.substr(0, path.find_first_of("?#"));
  const bool head_only = method == "HEAD";
  if (method != "GET" && !head_only) {
    WriteAll(fd, Response(405, "Method Not Allowed", "text/plain; charset=utf-8", "GET only\n",
                          false));
  } else if (path == "/metrics") {
    WriteAll(fd, Response(200, "OK", "text/plain; version=0.0.4; charset=utf-8",
                          routes_.metrics_text(), head_only));
  } else if (path == "/status.json") {
    WriteAll(fd, Response(200, "OK", "application/json", routes_.status_json(), head_only));
  } else if (path == "/" || path == "/dashboard") {
    WriteAll(fd, Response(200, "OK", "text/html; charset=utf-8", std::string(DashboardHtml()),
                          head_only));
  } else {
    WriteAll(fd, Response(404, "Not Found", "text/plain; charset=utf-8", "not found\n",
                          head_only));
  }
}

}  // namespace kensho::server
