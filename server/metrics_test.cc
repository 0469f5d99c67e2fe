#include "server/metrics.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/json_string.h"
#include "server/status_json.h"

namespace kensho::server {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST(ServerMetricsTest, CallsVerdictsAndShedAppearWithBoundedLabels) {
  ServerMetrics metrics(absl::FromUnixSeconds(1700000000), "9.9.9");
  auto began = metrics.BeginCall(RpcMethod::kValidateCertificate);
  EXPECT_EQ(metrics.totals().in_flight, 1);
  v1::Verdict verdict;
  verdict.set_indication(v1::TOTAL_FAILED);
  verdict.set_sub_indication(v1::EXPIRED);
  metrics.RecordVerdict(RpcMethod::kValidateCertificate, verdict, std::chrono::microseconds(300));
  metrics.EndCall(RpcMethod::kValidateCertificate, began, 0);
  // An item refused with RESOURCE_EXHAUSTED is an item error and shed load.
  metrics.RecordItemError(RpcMethod::kVerifyStream, 8, std::chrono::microseconds(5));
  // Out-of-range values land on the UNSPECIFIED / OK children, never new labels.
  verdict.set_indication(static_cast<v1::Indication>(99));
  metrics.RecordVerdict(RpcMethod::kVerifyBatch, verdict, std::chrono::microseconds(1));
  metrics.SetServing(true);

  const std::string text = metrics.ScrapeText();
  EXPECT_TRUE(Has(text, "kensho_rpc_calls_total{code=\"OK\",method=\"ValidateCertificate\"} 1"))
      << text;
  EXPECT_TRUE(Has(text, "kensho_verdicts_total{indication=\"TOTAL_FAILED\",method=\"Validate"
                        "Certificate\",sub_indication=\"EXPIRED\"} 1"));
  EXPECT_TRUE(Has(text, "kensho_verdicts_total{indication=\"INDICATION_UNSPECIFIED\""));
  EXPECT_TRUE(Has(text, "kensho_shed_total{method=\"VerifyStream\"} 1"));
  EXPECT_TRUE(Has(text, "kensho_item_errors_total{code=\"RESOURCE_EXHAUSTED\""));
  EXPECT_TRUE(Has(text, "kensho_rpc_duration_seconds_bucket{method=\"ValidateCertificate\""));
  EXPECT_TRUE(Has(text, "kensho_rpc_calls_in_flight{method=\"ValidateCertificate\"} 0"));
  EXPECT_TRUE(Has(text, "kensho_serving 1"));
  EXPECT_TRUE(Has(text, "kensho_build_info{version=\"9.9.9\"} 1"));

  ServerMetrics::Totals t = metrics.totals();
  EXPECT_EQ(t.calls, 1);
  EXPECT_EQ(t.verdicts, 2);
  EXPECT_EQ(t.by_indication[v1::TOTAL_FAILED], 1);
  EXPECT_EQ(t.item_errors, 1);
  EXPECT_EQ(t.shed, 1);
  EXPECT_EQ(t.in_flight, 0);
}

// Calls counted on many threads (each on its own stripe), begun on one
// thread and ended on another, scraped twice: each scrape shows the totals
// so far, and the histogram's count and sum follow.
TEST(ServerMetricsTest, CountsFromManyThreadsAddUpAcrossScrapes) {
  ServerMetrics metrics(absl::FromUnixSeconds(1700000000), "1");
  v1::Verdict passed;
  passed.set_indication(v1::TOTAL_PASSED);
  auto run = [&](int calls) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 20; ++t) {  // more threads than stripes
      threads.emplace_back([&] {
        for (int i = 0; i < calls; ++i) {
          ServerMetrics::Clock::time_point began;
          std::thread([&] { began = metrics.BeginCall(RpcMethod::kVerifySignedDocument); }).join();
          metrics.RecordVerdict(RpcMethod::kVerifySignedDocument, passed,
                                std::chrono::microseconds(100));
          metrics.EndCall(RpcMethod::kVerifySignedDocument, began - std::chrono::milliseconds(2),
                          0);
        }
      });
    }
    for (auto& t : threads) t.join();
  };
  run(5);
  std::string text = metrics.ScrapeText();
  EXPECT_TRUE(Has(text, "kensho_rpc_calls_total{code=\"OK\",method=\"VerifySignedDocument\"} 100"))
      << text;
  EXPECT_TRUE(Has(text, "kensho_rpc_duration_seconds_count{method=\"VerifySignedDocument\"} 100"));
  run(10);
  text = metrics.ScrapeText();
  EXPECT_TRUE(Has(text, "kensho_rpc_calls_total{code=\"OK\",method=\"VerifySignedDocument\"} 300"))
      << text;
  EXPECT_TRUE(Has(text, "kensho_verdicts_total{indication=\"TOTAL_PASSED\",method=\"Verify"
                        "SignedDocument\",sub_indication=\"SUB_INDICATION_UNSPECIFIED\"} 300"));
  EXPECT_TRUE(Has(text, "kensho_rpc_duration_seconds_count{method=\"VerifySignedDocument\"} 300"));
  // Every call took at least 2 ms: none in the buckets below 2.5 ms.
  EXPECT_TRUE(Has(text, "kensho_rpc_duration_seconds_bucket{method=\"VerifySignedDocument\","
                        "le=\"0.001\"} 0"))
      << text;
  EXPECT_TRUE(Has(text, "kensho_rpc_duration_seconds_bucket{method=\"VerifySignedDocument\","
                        "le=\"+Inf\"} 300"));
  EXPECT_TRUE(Has(text, "kensho_rpc_calls_in_flight{method=\"VerifySignedDocument\"} 0"));
  const ServerMetrics::Totals t = metrics.totals();
  EXPECT_EQ(t.calls, 300);
  EXPECT_EQ(t.verdicts, 300);
  EXPECT_EQ(t.in_flight, 0);
  EXPECT_EQ(metrics.live().Summarize(absl::Now() + absl::Seconds(1), 5).verdicts, 300);
}

// A batch task's tally records exactly what recording each item would.
TEST(ServerMetricsTest, TallyRecordsWhatEachItemWould) {
  const absl::Time t0 = absl::FromUnixSeconds(1700000000);
  ServerMetrics one_by_one(t0, "1");
  ServerMetrics tallied(t0, "1");
  ServerMetrics::ItemTally tally;
  v1::Verdict passed;
  passed.set_indication(v1::TOTAL_PASSED);
  v1::Verdict revoked;
  revoked.set_indication(v1::TOTAL_FAILED);
  revoked.set_sub_indication(v1::REVOKED);
  // Latencies that are exact in binary, so histogram sums agree to the bit.
  for (int i = 0; i < 5; ++i) {
    const auto latency = std::chrono::microseconds(1 << (6 + 2 * i));
    const v1::Verdict& v = i % 2 ? revoked : passed;
    one_by_one.RecordVerdict(RpcMethod::kVerifyBatch, v, latency);
    tally.Verdict(v, latency);
  }
  one_by_one.RecordItemError(RpcMethod::kVerifyBatch, 3, std::chrono::microseconds(64));
  tally.Error(3, std::chrono::microseconds(64));
  one_by_one.RecordItemError(RpcMethod::kVerifyBatch, 8, std::chrono::microseconds(128));
  tally.Error(8, std::chrono::microseconds(128));
  tallied.RecordTally(RpcMethod::kVerifyBatch, tally);

  EXPECT_EQ(tallied.ScrapeText(), one_by_one.ScrapeText());
  const ServerMetrics::Totals a = one_by_one.totals(), b = tallied.totals();
  EXPECT_EQ(b.verdicts, 5);
  EXPECT_EQ(b.verdicts, a.verdicts);
  EXPECT_EQ(b.item_errors, a.item_errors);
  EXPECT_EQ(b.shed, a.shed);
  EXPECT_EQ(b.by_indication, a.by_indication);
  EXPECT_EQ(b.by_sub_indication, a.by_sub_indication);
  const absl::Time now = absl::Now() + absl::Seconds(1);
  EXPECT_EQ(tallied.live().Summarize(now, 5).verdicts, one_by_one.live().Summarize(now, 5).verdicts);
  EXPECT_EQ(tallied.live().Summarize(now, 5).errors, 2);
}

TEST(ServerMetricsTest, RevocationAttemptsCountErrorsByKind) {
  ServerMetrics metrics(absl::Now(), "1");
  metrics.RecordRevocationAttempt({"sign-a", "fetch", absl::UnavailableError("down"), {}});
  metrics.RecordRevocationAttempt(
      {"sign-a", "ingest", absl::InvalidArgumentError("bad"), absl::Milliseconds(3)});
  metrics.RecordRevocationAttempt({"sign-a", "ingest", absl::OkStatus(), absl::Milliseconds(40)});
  const std::string text = metrics.ScrapeText();
  EXPECT_TRUE(Has(text, "kensho_revocation_fetch_errors_total{kind=\"fetch_unavailable\","
                        "partition=\"sign-a\"} 1"))
      << text;
  EXPECT_TRUE(Has(text, "kind=\"ingest_invalid_argument\""));
  EXPECT_TRUE(Has(text, "kensho_revocation_ingest_duration_seconds_count{result=\"ok\"} 1"));
  EXPECT_TRUE(Has(text, "kensho_revocation_ingest_duration_seconds_count{result=\"error\"} 1"));
}

TEST(StatusJsonTest, HasTheDashboardFields) {
  ServerMetrics metrics(absl::FromUnixSeconds(1700000000), "1");
  v1::Verdict verdict;
  verdict.set_indication(v1::TOTAL_PASSED);
  metrics.RecordVerdict(RpcMethod::kValidateCertificate, verdict, std::chrono::microseconds(300));
  const std::string json = StatusJson(metrics, nullptr, absl::Now() + absl::Seconds(1));
  for (const char* key :
       {"\"throughput\":{", "\"series\":[", "\"latency\":{", "\"p50_ms\":0.", "\"totals\":{",
        "\"verdicts\":{\"TOTAL_PASSED\":1,", "\"partitions\":[]", "\"serving\":false"}) {
    EXPECT_TRUE(Has(json, key)) << key << " in " << json;
  }
  EXPECT_EQ(JsonString("a\"b\\c\n<"), "\"a\\\"b\\\\c\\n\\u003c\"");
}

}  // namespace
}  // namespace kensho::server
