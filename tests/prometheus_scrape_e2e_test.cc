// End to end with the real Prometheus tools (Debian's `prometheus` package,
// which scripts/setup.sh installs): kensho's /metrics passes
// `promtool check metrics` (a parse error fails; lint remarks are printed),
// and a real Prometheus server scraping kensho every second sees the target
// up and kensho's call counter, and sees it grow with further calls. kensho
// reads a YAML config here (the other e2e tests use textproto).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "conformance/json.h"
#include "gtest/gtest.h"
#include "proto/kensho.grpc.pb.h"
#include "tests/e2e_util.h"
#include "tests/server_process.h"
#include "tools/jpki_sim/world.h"

namespace kensho {
namespace {

using ::kensho::testing::ReadFile;
using conformance::JsonValue;

constexpr char kPrometheus[] = "/usr/bin/prometheus";
constexpr char kPromtool[] = "/usr/bin/promtool";
constexpr auto kScrapeWait = std::chrono::seconds(30);

struct HttpResponse {
  int status = 0;
  std::string body;
};

// One GET to 127.0.0.1:port, read to EOF. HTTP/1.0, so Prometheus (Go) sends
// no chunked encoding and closes; kensho always closes. At most 10 s.
HttpResponse Get(int port, const std::string& target) {
  HttpResponse r;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return r;
  }
  const std::string request = "GET " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string raw;
  char buf[16384];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof(buf), 0)) > 0;) raw.append(buf, n);
  ::close(fd);
  const size_t split = raw.find("\r\n\r\n");
  if (split == std::string::npos || raw.size() < 12) return r;
  r.body = raw.substr(split + 4);
  absl::SimpleAtoi(raw.substr(9, 3), &r.status);
  return r;
}

int PortOf(const std::string& address) {
  int port = 0;
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port)) return 0;
  return port;
}

// A loopback port nobody listens on right now (the kernel's pick).
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// Percent-encodes a PromQL expression for a query string.
std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// A child process (stdout and stderr to `log_path`) that is stopped when this
// goes out of scope, and killed by the kernel if the test process dies first.
class Child {
 public:
  Child(const std::string& binary, const std::vector<std::string>& args,
        const std::string& log_path)
      : log_path_(log_path) {
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ != 0) return;
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      ::dup2(log, 1);
      ::dup2(log, 2);
    }
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ~Child() { Stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // False once the process has exited (reaped here).
  bool Running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }
  // SIGTERM, then SIGKILL after 10 s.
  void Stop() {
    if (!Running()) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 500; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::string Log() const {
    std::string log = ReadFile(log_path_);
    return log.size() > 8000 ? "..." + log.substr(log.size() - 8000) : log;
  }

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

// Polls `done` every 200 ms until it is true or `limit` passes.
bool WaitFor(const std::function<bool()>& done, std::chrono::seconds limit = kScrapeWait) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return done();
}

class PrometheusScrapeE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = std::getenv("TEST_TMPDIR");
    const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
    kept_ = outputs != nullptr ? outputs : tmp_;
    const std::string world = tmp_ + "/world";
    sim::WorldOptions options = testing::TestWorld(world, 8, 5, 4);
    absl::Status s = sim::GenerateWorld(options);
    ASSERT_TRUE(s.ok()) << s;
    // A YAML config, so the real binary reads one too.
    const std::string config = world + "/kensho.yaml";
    std::ofstream(config) << "trust_profiles:\n"
                          << "  - name: jpki-sign\n"
                          << "    anchor_files: [\"" << world << "/trust/jpki-sign.pem\"]\n"
                          << "  - name: jpki-auth\n"
                          << "    anchor_files: [\"" << world << "/trust/jpki-auth.pem\"]\n"
                          << "revocation:\n"
                          << "  crl_dir: \"" << world << "/crl\"\n";
    server_ = std::make_unique<testing::ServerProcess>(std::vector<std::string>{
        "--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0", "--data_dir=" + world + "/data",
        "--config=" + config});
    ASSERT_FALSE(server_->address().empty()) << server_->stderr_text();
    ASSERT_FALSE(server_->metrics_address().empty()) << server_->stderr_text();
    metrics_port_ = PortOf(server_->metrics_address());
    ASSERT_GT(metrics_port_, 0) << server_->metrics_address();
    auto manifest = conformance::ParseJson(ReadFile(world + "/manifest.json"));
    ASSERT_TRUE(manifest.ok()) << manifest.status();
    for (const JsonValue& item : manifest->Find("items")->elements()) {
      if (item.Find("type")->text() != "certificate") continue;
      certificates_.push_back(
          ReadFile(world + "/" + item.Find("files")->Find("certificate")->text()));
    }
    ASSERT_FALSE(certificates_.empty());
  }

  void TearDown() override {
    prometheus_.reset();  // before kensho, so it stops scraping first
    server_.reset();
  }

  // `n` ValidateCertificate calls, each answered with a verdict.
  void Validate(int n) {
    auto stub = v1::Validator::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
    for (int i = 0; i < n; ++i) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      v1::ValidateCertificateRequest req;
      req.set_certificate(certificates_[i % certificates_.size()]);
      v1::Verdict verdict;
      grpc::Status status = stub->ValidateCertificate(&ctx, req, &verdict);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  // kensho's own value of `series` in /metrics, e.g.
  // kensho_rpc_calls_total{code="OK",method="ValidateCertificate"}.
  std::optional<double> Scrape(const std::string& series) {
    HttpResponse r = Get(metrics_port_, "/metrics");
    for (absl::string_view line : absl::StrSplit(r.body, '\n')) {
      if (absl::StartsWith(line, series + " ")) {
        double v = 0;
        if (absl::SimpleAtod(line.substr(series.size() + 1), &v)) return v;
      }
    }
    return std::nullopt;
  }

  // Starts Prometheus on a free loopback port scraping kensho every second;
  // false (with the reason in `why`) when it did not become ready.
  bool StartPrometheus(std::string* why) {
    const std::string config = tmp_ + "/prometheus.yml";
    std::ofstream(config) << "global:\n"
                          << "  scrape_interval: 1s\n"
                          << "  scrape_timeout: 1s\n"
                          << "  evaluation_interval: 1s\n"
                          << "scrape_configs:\n"
                          << "  - job_name: kensho\n"
                          << "    static_configs:\n"
                          << "      - targets: ['127.0.0.1:" << metrics_port_ << "']\n";
    // FreePort can race with another process taking the port: try again.
    for (int attempt = 0; attempt < 3; ++attempt) {
      prometheus_port_ = FreePort();
      const std::string storage = tmp_ + "/tsdb" + std::to_string(attempt);
      prometheus_ = std::make_unique<Child>(
          kPrometheus,
          std::vector<std::string>{
              "--config.file=" + config, "--storage.tsdb.path=" + storage,
              "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port_),
              "--storage.tsdb.retention.time=1h", "--log.level=info"},
          kept_ + "/prometheus" + std::to_string(attempt) + ".log");
      const bool ready = WaitFor([&] {
        return !prometheus_->Running() || Get(prometheus_port_, "/-/ready").status == 200;
      });
      if (ready && prometheus_->Running()) return true;
      *why = absl::StrCat("prometheus on port ", prometheus_port_,
                          ready ? " exited" : " not ready in 30 s", "; its log:\n",
                          prometheus_->Log());
      prometheus_.reset();
    }
    return false;
  }

  // The single value of an instant PromQL query, nullopt when the result is
  // not exactly one sample.
  std::optional<double> Query(const std::string& promql) {
    HttpResponse r = Get(prometheus_port_, "/api/v1/query?query=" + UrlEncode(promql));
    if (r.status != 200) return std::nullopt;
    auto json = conformance::ParseJson(r.body);
    if (!json.ok() || testing::Str(*json, "status") != "success") return std::nullopt;
    const JsonValue* data = json->Find("data");
    if (data == nullptr || data->Find("result") == nullptr) return std::nullopt;
    const auto& result = data->Find("result")->elements();
    if (result.size() != 1 || result[0].Find("value") == nullptr) return std::nullopt;
    const auto& value = result[0].Find("value")->elements();
    double v = 0;
    if (value.size() != 2 || !absl::SimpleAtod(value[1].text(), &v)) return std::nullopt;
    return v;
  }

  // What Prometheus says about the kensho target (health, lastError).
  std::string Targets() { return Get(prometheus_port_, "/api/v1/targets").body; }

  std::string tmp_;
  std::string kept_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<Child> prometheus_;
  int metrics_port_ = 0;
  int prometheus_port_ = 0;
  std::vector<std::string> certificates_;
};

TEST_F(PrometheusScrapeE2ETest, PromtoolParsesTheScrape) {
  ASSERT_EQ(::access(kPromtool, X_OK), 0)
      << kPromtool << " is missing: install Debian's prometheus package (scripts/setup.sh does)";
  Validate(5);
  HttpResponse r = Get(metrics_port_, "/metrics");
  ASSERT_EQ(r.status, 200);
  ASSERT_NE(r.body.find("kensho_rpc_calls_total{"), std::string::npos) << r.body;
  const std::string scrape = tmp_ + "/scrape.txt";
  std::ofstream(scrape) << r.body;
  // promtool reads stdin; it exits 0 when clean, 3 for lint remarks only and
  // 1 when the text does not parse.
  testing::ProcessResult check = testing::RunToCompletion(
      "/bin/sh", {"-c", std::string(kPromtool) + " check metrics < '" + scrape + "'"}, 60);
  EXPECT_TRUE(check.exit_code == 0 || check.exit_code == 3)
      << "promtool check metrics exit " << check.exit_code << ":\n"
      << check.out << check.err;
  if (check.exit_code == 3) {
    std::printf("promtool lint remarks (not failures):\n%s%s", check.out.c_str(),
                check.err.c_str());
  }
}

TEST_F(PrometheusScrapeE2ETest, PrometheusScrapesAndSeesCountersGrow) {
  ASSERT_EQ(::access(kPrometheus, X_OK), 0)
      << kPrometheus << " is missing: install Debian's prometheus package (scripts/setup.sh does)";
  const std::string ok_calls = "kensho_rpc_calls_total{code=\"OK\",method=\"ValidateCertificate\"}";
  const std::string selector =
      "kensho_rpc_calls_total{job=\"kensho\",method=\"ValidateCertificate\",code=\"OK\"}";
  const std::string promql = "sum(" + selector + ")";
  Validate(7);
  const std::optional<double> first = Scrape(ok_calls);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, 7);

  std::string why;
  ASSERT_TRUE(StartPrometheus(&why)) << why;
  ASSERT_TRUE(WaitFor([&] { return Query("up{job=\"kensho\"}") == 1.0; }))
      << "up{job=\"kensho\"} never became 1; targets: " << Targets() << "\nprometheus log:\n"
      << prometheus_->Log();
  EXPECT_TRUE(WaitFor([&] { return Query("scrape_samples_scraped{job=\"kensho\"}") > 0.0; }));
  // The scrape after the first calls holds all of them.
  ASSERT_TRUE(WaitFor([&] { return Query(promql) == *first; }))
      << promql << " = " << Query(promql).value_or(-1) << ", want " << *first
      << "; targets: " << Targets();
  EXPECT_GT(*first, 0);

  Validate(11);
  const std::optional<double> second = Scrape(ok_calls);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*second, *first + 11);
  ASSERT_TRUE(WaitFor([&] { return Query(promql) == *second; }))
      << promql << " = " << Query(promql).value_or(-1) << ", want " << *second
      << "; targets: " << Targets();
  // Prometheus' own view of the growth over the last minute.
  EXPECT_TRUE(WaitFor([&] { return Query("sum(increase(" + selector + "[1m]))") > 0.0; },
                      std::chrono::seconds(10)))
      << Targets();
  EXPECT_TRUE(prometheus_->Running()) << prometheus_->Log();
}

}  // namespace
}  // namespace kensho
