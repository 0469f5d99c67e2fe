// End to end over the real server binary with --metrics_listen: the
// Prometheus scrape parses and its counters move with calls, /status.json
// agrees with them, and the dashboard page, loaded in headless Chromium,
// shows the same numbers as the JSON.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "conformance/json.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "proto/kensho.grpc.pb.h"
#include "tests/e2e_util.h"
#include "tests/server_process.h"
#include "tools/jpki_sim/world.h"

namespace kensho {
namespace {

using ::kensho::testing::ReadFile;

using conformance::JsonValue;

struct HttpResponse {
  int status = 0;
  std::string headers;
  std::string body;
};

// One HTTP/1.1 GET to 127.0.0.1:port, read to EOF (the server closes).
HttpResponse Get(const std::string& address, const std::string& path) {
  HttpResponse r;
  const size_t colon = address.rfind(':');
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port)) return r;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return r;
  }
  const std::string request =
      "GET " + path + " HTTP/1.1\r\nHost: " + address + "\r\nConnection: close\r\n\r\n";
  ::send(fd, request.data(), request.size(), 0);
  std::string raw;
  char buf[16384];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof(buf), 0)) > 0;) raw.append(buf, n);
  ::close(fd);
  const size_t split = raw.find("\r\n\r\n");
  if (split == std::string::npos) return r;
  r.headers = raw.substr(0, split);
  r.body = raw.substr(split + 4);
  absl::SimpleAtoi(r.headers.substr(9, 3), &r.status);
  return r;
}

// Checks the Prometheus text format 0.0.4 line by line (the grammar
// Prometheus' own parser accepts) and returns each sample's value by its
// series ("name{labels}" as printed).
std::map<std::string, double> ParseExposition(const std::string& text) {
  static const std::regex kSample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? ([^ ]+)( -?[0-9]+)?$)");
  static const std::regex kHelp(R"(^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$)");
  static const std::regex kType(
      R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
  std::map<std::string, double> samples;
  std::map<std::string, std::string> types;
  for (absl::string_view line_view : absl::StrSplit(text, '\n')) {
    const std::string line(line_view);
    if (line.empty()) continue;
    std::smatch m;
    if (line[0] == '#') {
      if (std::regex_match(line, m, kType)) {
        EXPECT_EQ(types.count(m[1]), 0u) << "TYPE twice: " << line;
        types[m[1]] = m[2];
      } else {
        EXPECT_TRUE(std::regex_match(line, kHelp)) << "bad comment: " << line;
      }
      continue;
    }
    if (!std::regex_match(line, m, kSample)) {
      ADD_FAILURE() << "not a sample line: " << line;
      continue;
    }
    std::string name = m[1];
    // Histogram series belong to the family without the suffix.
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s = suffix;
      if (types.count(name) == 0 && name.size() > s.size() &&
          name.compare(name.size() - s.size(), s.size(), s) == 0) {
        name = name.substr(0, name.size() - s.size());
      }
    }
    EXPECT_EQ(types.count(name), 1u) << "sample before its TYPE: " << line;
    const std::string value = m[5];
    double v = 0;
    if (value == "+Inf") {
      v = INFINITY;
    } else if (value == "-Inf") {
      v = -INFINITY;
    } else if (value != "NaN") {
      EXPECT_TRUE(absl::SimpleAtod(value, &v)) << line;
    }
    const std::string series = line.substr(0, line.size() - value.size() - 1 -
                                                  (m[6].matched ? m[6].length() : 0));
    samples[series] = v;
  }
  return samples;
}

double Sum(const std::map<std::string, double>& samples, const std::string& prefix) {
  double total = 0;
  for (const auto& [series, v] : samples) {
    if (series.compare(0, prefix.size(), prefix) == 0) total += v;
  }
  return total;
}

int64_t Int(const JsonValue& v, std::initializer_list<const char*> path) {
  const JsonValue* at = &v;
  for (const char* key : path) {
    at = at->Find(key);
    if (at == nullptr) return -1;
  }
  return at->AsInt64().value_or(-2);
}

// The text inside the element with this id in dumped HTML, e.g.
// <td class="num" id="total-calls">12</td> -> "12".
std::string ById(const std::string& html, const std::string& id) {
  const std::string key = "id=\"" + id + "\"";
  size_t at = html.find(key);
  if (at == std::string::npos) return "<missing " + id + ">";
  at = html.find('>', at);
  const size_t end = html.find('<', at);
  return html.substr(at + 1, end - at - 1);
}

class MetricsE2ETest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = std::string(std::getenv("TEST_TMPDIR")) + "/world";
    sim::WorldOptions options = testing::TestWorld(world_, 12, 11, 6);
    absl::Status s = sim::GenerateWorld(options);
    ASSERT_TRUE(s.ok()) << s;
    const std::string config = world_ + "/kensho.textproto";
    std::ofstream(config) << "trust_profiles { name: \"jpki-sign\" anchor_files: \"" << world_
                          << "/trust/jpki-sign.pem\" }\n"
                          << "trust_profiles { name: \"jpki-auth\" anchor_files: \"" << world_
                          << "/trust/jpki-auth.pem\" }\n"
                          << "revocation { crl_dir: \"" << world_ << "/crl\" }\n";
    server_ = new testing::ServerProcess({"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
                                          "--data_dir=" + world_ + "/data",
                                          "--config=" + config});
    ASSERT_FALSE(server_->address().empty()) << server_->stderr_text();
    ASSERT_FALSE(server_->metrics_address().empty()) << server_->stderr_text();
    auto manifest = conformance::ParseJson(ReadFile(world_ + "/manifest.json"));
    ASSERT_TRUE(manifest.ok()) << manifest.status();
    for (const JsonValue& item : manifest->Find("items")->elements()) {
      if (item.Find("type")->text() != "certificate") continue;
      certificates_.push_back(
          ReadFile(world_ + "/" + item.Find("files")->Find("certificate")->text()));
    }
  }
  static void TearDownTestSuite() { delete server_; }

  // Sends `n` ValidateCertificate calls, one challenge, one bad request and
  // one batch; returns the number of verdicts that makes.
  int SendTraffic(int n) {
    auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    auto stub = v1::Validator::NewStub(channel);
    int verdicts = 0;
    for (int i = 0; i < n; ++i) {
      grpc::ClientContext ctx;
      v1::ValidateCertificateRequest req;
      req.set_certificate(certificates_[i % certificates_.size()]);
      v1::Verdict verdict;
      EXPECT_TRUE(stub->ValidateCertificate(&ctx, req, &verdict).ok());
      ++verdicts;
    }
    {
      grpc::ClientContext ctx;
      v1::Challenge challenge;
      EXPECT_TRUE(stub->IssueChallenge(&ctx, v1::IssueChallengeRequest(), &challenge).ok());
    }
    {
      grpc::ClientContext ctx;
      v1::Verdict verdict;
      EXPECT_EQ(stub->ValidateCertificate(&ctx, v1::ValidateCertificateRequest(), &verdict)
                    .error_code(),
                grpc::StatusCode::INVALID_ARGUMENT);
    }
    {
      grpc::ClientContext ctx;
      v1::VerifyBatchRequest req;
      for (int i = 0; i < 5; ++i) {
        v1::VerifyRequest* item = req.add_items();
        item->set_id(i);
        item->mutable_certificate()->set_certificate(certificates_[i % certificates_.size()]);
      }
      v1::VerifyBatchResponse resp;
      EXPECT_TRUE(stub->VerifyBatch(&ctx, req, &resp).ok());
      verdicts += 5;
    }
    return verdicts;
  }

  static std::string world_;
  static testing::ServerProcess* server_;
  static std::vector<std::string> certificates_;
};

std::string MetricsE2ETest::world_;
testing::ServerProcess* MetricsE2ETest::server_ = nullptr;
std::vector<std::string> MetricsE2ETest::certificates_;

TEST_F(MetricsE2ETest, ScrapeParsesAndCountersMoveWithCalls) {
  ASSERT_FALSE(certificates_.empty());
  HttpResponse before_response = Get(server_->metrics_address(), "/metrics");
  ASSERT_EQ(before_response.status, 200) << before_response.headers;
  EXPECT_NE(before_response.headers.find("text/plain; version=0.0.4"), std::string::npos);
  const auto before = ParseExposition(before_response.body);
  EXPECT_EQ(before.at("kensho_serving"), 1);
  // Partition freshness is there for each crl_dir partition.
  EXPECT_GT(Sum(before, "kensho_revocation_partition_age_seconds{"), 0);
  EXPECT_GT(Sum(before, "kensho_revocation_partition_next_update_seconds{"), 0);
  EXPECT_EQ(Sum(before, "kensho_revocation_partition_stale{"), 0);
  EXPECT_GT(before.at("kensho_revocation_ingest_duration_seconds_count{result=\"ok\"}"), 0);

  const int verdicts = SendTraffic(20);
  const auto after = ParseExposition(Get(server_->metrics_address(), "/metrics").body);
  const std::string ok_calls = "kensho_rpc_calls_total{code=\"OK\",method=\"ValidateCertificate\"}";
  EXPECT_EQ(after.at(ok_calls) - (before.count(ok_calls) ? before.at(ok_calls) : 0), 20);
  EXPECT_EQ(after.at("kensho_rpc_calls_total{code=\"INVALID_ARGUMENT\",method="
                     "\"ValidateCertificate\"}"),
            1);
  EXPECT_GE(after.at("kensho_rpc_calls_total{code=\"OK\",method=\"IssueChallenge\"}"), 1);
  EXPECT_EQ(Sum(after, "kensho_verdicts_total{") - Sum(before, "kensho_verdicts_total{"),
            verdicts);
  EXPECT_EQ(Sum(after, "kensho_rpc_duration_seconds_count{method=\"ValidateCertificate\"}") -
                Sum(before, "kensho_rpc_duration_seconds_count{method=\"ValidateCertificate\"}"),
            21);
  EXPECT_EQ(after.at("kensho_item_duration_seconds_count{method=\"VerifyBatch\"}") -
                before.at("kensho_item_duration_seconds_count{method=\"VerifyBatch\"}"),
            5);
  EXPECT_EQ(Sum(after, "kensho_rpc_calls_in_flight{"), 0);
  EXPECT_GT(after.at("kensho_certificate_cache_hits_total") +
                after.at("kensho_certificate_cache_misses_total"),
            before.at("kensho_certificate_cache_hits_total") +
                before.at("kensho_certificate_cache_misses_total"));
  EXPECT_GE(after.at("kensho_challenge_store_entries"), 1);
}

TEST_F(MetricsE2ETest, StatusJsonAgreesAndPagesAreServed) {
  SendTraffic(3);
  const auto scrape = ParseExposition(Get(server_->metrics_address(), "/metrics").body);
  HttpResponse r = Get(server_->metrics_address(), "/status.json");
  ASSERT_EQ(r.status, 200);
  auto json = conformance::ParseJson(r.body);
  ASSERT_TRUE(json.ok()) << json.status() << r.body;
  EXPECT_TRUE(json->Find("serving")->bool_value());
  EXPECT_EQ(Int(*json, {"totals", "verdicts"}), Sum(scrape, "kensho_verdicts_total{"));
  EXPECT_EQ(Int(*json, {"totals", "calls"}), Sum(scrape, "kensho_rpc_calls_total{"));
  EXPECT_EQ(Int(*json, {"verdicts", "TOTAL_PASSED"}),
            Sum(scrape, "kensho_verdicts_total{indication=\"TOTAL_PASSED\""));
  size_t stale_series = 0;
  for (const auto& [series, v] : scrape) {
    if (series.rfind("kensho_revocation_partition_stale{", 0) == 0) ++stale_series;
  }
  EXPECT_EQ(json->Find("partitions")->elements().size(), stale_series);
  EXPECT_FALSE(json->Find("partitions")->elements().empty());
  EXPECT_EQ(json->Find("throughput")->Find("series")->elements().size(), 60u);

  HttpResponse page = Get(server_->metrics_address(), "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.headers.find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("status.json"), std::string::npos);
  // Self-contained: nothing is loaded from elsewhere.
  EXPECT_EQ(page.body.find("http://"), std::string::npos);
  EXPECT_EQ(page.body.find("https://"), std::string::npos);
  EXPECT_EQ(Get(server_->metrics_address(), "/dashboard").status, 200);
  EXPECT_EQ(Get(server_->metrics_address(), "/nope").status, 404);
}

TEST_F(MetricsE2ETest, DashboardInHeadlessChromiumShowsTheJsonNumbers) {
  const std::string chromium = "/usr/bin/chromium";
  ASSERT_EQ(::access(chromium.c_str(), X_OK), 0)
      << "Debian's chromium is needed (scripts/setup.sh installs it)";
  SendTraffic(30);
  // Let the last traffic second complete: the window counts completed
  // seconds only, so the JSON is then stable until traffic resumes.
  absl::SleepFor(absl::Milliseconds(1200));

  const std::string tmp = std::getenv("TEST_TMPDIR");
  ::setenv("HOME", tmp.c_str(), 1);
  const std::string url = "http://" + server_->metrics_address() + "/";
  std::vector<std::string> args = {
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage", "--virtual-time-budget=3000"};
  std::vector<std::string> dom_args = args;
  dom_args.push_back("--user-data-dir=" + tmp + "/chromium-dom");
  dom_args.push_back("--dump-dom");
  dom_args.push_back(url);
  testing::ProcessResult dom = testing::RunToCompletion(chromium, dom_args, 120);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  const std::string& html = dom.out;
  ASSERT_NE(html.find("id=\"total-verdicts\""), std::string::npos) << html << dom.err;

  HttpResponse r = Get(server_->metrics_address(), "/status.json");
  auto json = conformance::ParseJson(r.body);
  ASSERT_TRUE(json.ok()) << json.status();

  int updates = 0;
  const size_t at = html.find("data-updates=\"");
  ASSERT_NE(at, std::string::npos);
  ASSERT_TRUE(absl::SimpleAtoi(html.substr(at + 14, html.find('"', at + 14) - at - 14), &updates));
  EXPECT_GE(updates, 1) << "the page never rendered /status.json";

  // Totals do not change once traffic has stopped.
  EXPECT_EQ(ById(html, "total-verdicts"), std::to_string(Int(*json, {"totals", "verdicts"})));
  EXPECT_EQ(ById(html, "total-calls"), std::to_string(Int(*json, {"totals", "calls"})));
  EXPECT_EQ(ById(html, "total-item-errors"),
            std::to_string(Int(*json, {"totals", "item_errors"})));
  EXPECT_EQ(ById(html, "total-shed"), std::to_string(Int(*json, {"totals", "shed"})));
  for (const char* k : {"TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE"}) {
    EXPECT_EQ(ById(html, std::string("verdict-") + k),
              std::to_string(Int(*json, {"verdicts", k})))
        << k;
  }
  EXPECT_GE(Int(*json, {"totals", "verdicts"}), 35);
  EXPECT_EQ(ById(html, "serving"), json->Find("serving")->bool_value() ? "SERVING" : "NOT SERVING");
  // Latency percentiles over the last 60 s: the same samples in both reads.
  EXPECT_EQ(ById(html, "latency-samples"),
            std::to_string(Int(*json, {"latency", "samples"})));
  for (const char* p : {"p50", "p90", "p99"}) {
    const JsonValue* v = json->Find("latency")->Find(std::string(p) + "_ms");
    ASSERT_NE(v, nullptr);
    double ms = 0;
    ASSERT_TRUE(absl::SimpleAtod(v->text(), &ms)) << p;
    EXPECT_EQ(ById(html, p), absl::StrFormat("%.3f", ms)) << p;
  }
  // The sparkline's data: the peak of the per-second series.
  int64_t peak = 0;
  for (const JsonValue& n : json->Find("throughput")->Find("series")->elements()) {
    peak = std::max(peak, n.AsInt64().value_or(0));
  }
  EXPECT_EQ(ById(html, "series-peak"), std::to_string(peak));
  EXPECT_GT(peak, 0);
  const size_t points = html.find("id=\"sparkline-line\"");
  ASSERT_NE(points, std::string::npos);
  const size_t attr = html.find("points=\"", points);
  ASSERT_NE(attr, std::string::npos);
  EXPECT_NE(html[attr + 8], '"') << "the sparkline has no points";
  // Revocation freshness: one row per partition, with its age.
  const auto& partitions = json->Find("partitions")->elements();
  EXPECT_EQ(ById(html, "partition-count"), std::to_string(partitions.size()));
  for (const JsonValue& p : partitions) {
    const std::string row = "<tr id=\"partition-" + p.Find("id")->text() + "\"";
    EXPECT_NE(html.find(row), std::string::npos) << row;
  }

  // A screenshot for people: $TEST_UNDECLARED_OUTPUTS_DIR/dashboard.png.
  const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  if (outputs != nullptr) {
    std::vector<std::string> shot_args = args;
    shot_args.push_back("--user-data-dir=" + tmp + "/chromium-shot");
    shot_args.push_back("--hide-scrollbars");
    shot_args.push_back("--window-size=1200,800");
    shot_args.push_back(std::string("--screenshot=") + outputs + "/dashboard.png");
    shot_args.push_back(url);
    testing::ProcessResult shot = testing::RunToCompletion(chromium, shot_args, 120);
    EXPECT_EQ(shot.exit_code, 0) << shot.err;
    EXPECT_GT(ReadFile(std::string(outputs) + "/dashboard.png").size(), 10000u);
  }
}

// Readiness follows the clock: a required partition whose CRL passes its
// nextUpdate turns health NOT_SERVING within a second or two, even when no
// fetch attempt is due (retry_min_seconds: 600), and the kensho_serving
// gauge and /status.json say the same.
TEST(ReadinessE2ETest, HealthFlipsWhenARequiredPartitionGoesStale) {
  const std::string world = std::string(std::getenv("TEST_TMPDIR")) + "/stale_world";
  // jpki_sim's CRLs say nextUpdate = its "now" + 24 h: make that 8 s from now.
  const absl::Time next_update = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) + 8);
  sim::WorldOptions options;
  options.out_dir = world;
  options.people = 8;
  options.seed = 3;
  options.now = next_update - absl::Hours(24);
  options.key_pool_size = 4;
  options.with_workloads = false;
  ASSERT_TRUE(sim::GenerateWorld(options).ok());
  auto partitions = conformance::ParseJson(ReadFile(world + "/crl/partitions.json"));
  ASSERT_TRUE(partitions.ok());
  ASSERT_FALSE(partitions->members().empty());
  const auto& [id, p] = partitions->members().front();
  const std::string profile = p.Find("kind")->text() == "sign" ? "jpki-sign" : "jpki-auth";
  const std::string config = world + "/kensho.textproto";
  std::ofstream(config) << "trust_profiles { name: \"jpki-sign\" anchor_files: \"" << world
                        << "/trust/jpki-sign.pem\" }\n"
                        << "trust_profiles { name: \"jpki-auth\" anchor_files: \"" << world
                        << "/trust/jpki-auth.pem\" }\n"
                        << "revocation {\n  crl_partitions { id: \"" << id
                        << "\" source: \"file://" << world << "/" << p.Find("file")->text()
                        << "\" distribution_point: \"" << p.Find("dirname")->text()
                        << "\" trust_profile: \"" << profile << "\" }\n"
                        << "  retry_min_seconds: 600 retry_max_seconds: 600\n}\n";
  testing::ServerProcess server({"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
                                 "--data_dir=" + world + "/data", "--config=" + config});
  ASSERT_FALSE(server.address().empty()) << server.stderr_text();
  auto health = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  auto check = [&] {
    grpc::ClientContext ctx;
    grpc::health::v1::HealthCheckResponse resp;
    EXPECT_TRUE(health->Check(&ctx, {}, &resp).ok());
    return resp.status();
  };
  auto serving_gauge = [&] {
    return ParseExposition(Get(server.metrics_address(), "/metrics").body)["kensho_serving"];
  };
  ASSERT_LT(absl::Now(), next_update - absl::Seconds(1)) << "the world took too long to make";
  EXPECT_EQ(check(), grpc::health::v1::HealthCheckResponse::SERVING) << server.stderr_text();
  EXPECT_EQ(serving_gauge(), 1);

  absl::SleepFor(next_update - absl::Now() + absl::Milliseconds(2500));
  EXPECT_EQ(check(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(serving_gauge(), 0);
  const auto scrape = ParseExposition(Get(server.metrics_address(), "/metrics").body);
  EXPECT_EQ(scrape.at("kensho_revocation_partition_stale{partition=\"" + id + "\"}"), 1);
  EXPECT_LT(scrape.at("kensho_revocation_partition_next_update_seconds{partition=\"" + id + "\"}"),
            0);
  auto json = conformance::ParseJson(Get(server.metrics_address(), "/status.json").body);
  ASSERT_TRUE(json.ok());
  EXPECT_FALSE(json->Find("serving")->bool_value());
  ASSERT_EQ(json->Find("not_serving_reasons")->elements().size(), 1u);
  EXPECT_NE(json->Find("not_serving_reasons")->elements()[0].text().find(id), std::string::npos);
}

}  // namespace
}  // namespace kensho
