#include "server/metrics.h"

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
