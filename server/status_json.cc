#include "server/status_json.h"

#include "server/json_string.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/admin_service.h"

namespace kensho::server {
namespace {

std::string Number(double v) {
  if (!std::isfinite(v)) return "null";
  return absl::StrFormat("%.3f", v);
}

std::string Millis(const std::optional<double>& us) {
  return us.has_value() ? Number(*us / 1000.0) : "null";
}

std::string Time(absl::Time t) {
  return JsonString(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()));
}

constexpr const char* kIndicationKeys[LiveStats::kIndications] = {
    "INDICATION_UNSPECIFIED", "TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE"};

}  // namespace

std::string StatusJson(const ServerMetrics& metrics, const ServerState* state, absl::Time now) {
  std::string j = "{";
  absl::StrAppend(&j, "\"version\":", JsonString(kVersion), ",\"now\":", Time(now),
                  ",\"uptime_seconds\":",
                  absl::ToInt64Seconds(now - metrics.started_at()));
  absl::StrAppend(&j, ",\"serving\":", metrics.serving() ? "true" : "false",
                  ",\"not_serving_reasons\":[");
  if (state != nullptr) {
    v1::ServerStatus status;
    FillServerStatus(*state, &status);
    for (int i = 0; i < status.not_serving_reasons_size(); ++i) {
      absl::StrAppend(&j, i ? "," : "", JsonString(status.not_serving_reasons(i)));
    }
  }
  j += "]";

  const LiveStats::Window recent = metrics.live().Summarize(now, kThroughputWindowSeconds);
  absl::StrAppend(&j, ",\"throughput\":{\"window_seconds\":", recent.seconds,
                  ",\"per_second\":", Number(recent.per_second),
                  ",\"series_seconds\":", kSeriesSeconds, ",\"series\":[");
  const std::vector<int64_t> series = metrics.live().PerSecond(now, kSeriesSeconds);
  for (size_t i = 0; i < series.size(); ++i) absl::StrAppend(&j, i ? "," : "", series[i]);
  j += "]}";

  const LiveStats::Window window = metrics.live().Summarize(now, kLatencyWindowSeconds);
  absl::StrAppend(&j, ",\"latency\":{\"window_seconds\":", window.seconds,
                  ",\"samples\":", window.verdicts + window.errors,
                  ",\"p50_ms\":", Millis(window.p50_us), ",\"p90_ms\":", Millis(window.p90_us),
                  ",\"p99_ms\":", Millis(window.p99_us), "}");

  const ServerMetrics::Totals totals = metrics.totals();
  absl::StrAppend(&j, ",\"totals\":{\"calls\":", totals.calls, ",\"verdicts\":", totals.verdicts,
                  ",\"item_errors\":", totals.item_errors, ",\"shed\":", totals.shed,
                  ",\"in_flight\":", totals.in_flight, "}");
  j += ",\"verdicts\":{";
  for (int i = 1; i < LiveStats::kIndications; ++i) {
    absl::StrAppend(&j, i > 1 ? "," : "", "\"", kIndicationKeys[i], "\":",
                    totals.by_indication[i]);
  }
  j += "},\"window_verdicts\":{";
  for (int i = 1; i < LiveStats::kIndications; ++i) {
    absl::StrAppend(&j, "\"", kIndicationKeys[i], "\":", window.by_indication[i], ",");
  }
  absl::StrAppend(&j, "\"errors\":", window.errors, "},\"sub_indications\":{");
  for (size_t i = 0; i < totals.by_sub_indication.size(); ++i) {
    absl::StrAppend(&j, i ? "," : "", JsonString(totals.by_sub_indication[i].first), ":",
                    totals.by_sub_indication[i].second);
  }
  j += "}";

  if (std::shared_ptr<verify::Engine> engine = metrics.engine()) {
    const verify::CertificateCache& cache = engine->certificate_cache();
    absl::StrAppend(&j, ",\"certificate_cache\":{\"hits\":", cache.hits(),
                    ",\"misses\":", cache.misses(), ",\"entries\":", cache.size(),
                    ",\"capacity\":", cache.capacity(),
                    "},\"challenge_store_entries\":", engine->challenges().size());
  }

  j += ",\"partitions\":[";
  if (revocation::PartitionManager* partitions = metrics.partitions()) {
    bool first = true;
    for (const revocation::PartitionView& v : partitions->Snapshot(now)) {
      absl::StrAppend(&j, first ? "" : ",", "{\"id\":", JsonString(v.config.id),
                      ",\"required\":", v.config.required ? "true" : "false",
                      ",\"stale\":", v.stale ? "true" : "false");
      first = false;
      if (v.stored.has_value()) {
        absl::StrAppend(&j, ",\"this_update\":", Time(v.stored->current_this_update()),
                        ",\"age_seconds\":", absl::ToInt64Seconds(now - v.stored->current_this_update()),
                        ",\"entries\":", v.stored->entry_count);
        if (v.stored->current_next_update().has_value()) {
          absl::StrAppend(&j, ",\"next_update\":", Time(*v.stored->current_next_update()),
                          ",\"next_update_in_seconds\":",
                          absl::ToInt64Seconds(*v.stored->current_next_update() - now));
        } else {
          j += ",\"next_update\":null,\"next_update_in_seconds\":null";
        }
      } else {
        j += ",\"this_update\":null,\"age_seconds\":null,\"entries\":0,"
             "\"next_update\":null,\"next_update_in_seconds\":null";
      }
      absl::StrAppend(&j, ",\"last_error\":", JsonString(v.last_error), "}");
    }
  }
  j += "]}";
  return j;
}

}  // namespace kensho::server
