// /status.json: what the dashboard shows, computed in process. Field names
// are a contract for the dashboard page (server/dashboard.cc) and scripts:
//
//   version, now (RFC 3339 UTC), uptime_seconds, serving, not_serving_reasons[]
//   throughput {window_seconds, per_second, series_seconds, series[] (answers
//               per completed second, oldest first)}
//   latency {window_seconds, samples, p50_ms, p90_ms, p99_ms}  (null when no
//            samples; bucket upper bounds, within 9%)
//   totals {calls, verdicts, item_errors, shed, in_flight}     (since start)
//   verdicts {TOTAL_PASSED, TOTAL_FAILED, INDETERMINATE}        (since start)
//   window_verdicts {same keys, errors}                          (latency window)
//   sub_indications {NAME: count}                               (since start, non-zero)
//   certificate_cache {hits, misses, entries, capacity}, challenge_store_entries
//   partitions [{id, required, stale, this_update, next_update, age_seconds,
//                next_update_in_seconds, entries, last_error}]
#ifndef KENSHO_SERVER_STATUS_JSON_H_
#define KENSHO_SERVER_STATUS_JSON_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/metrics.h"
#include "server/server_state.h"

namespace kensho::server {

inline constexpr int kThroughputWindowSeconds = 5;
inline constexpr int kLatencyWindowSeconds = 60;
inline constexpr int kSeriesSeconds = 60;

// `state` may be null (no readiness reasons then).
std::string StatusJson(const ServerMetrics& metrics, const ServerState* state, absl::Time now);


}  // namespace kensho::server

#endif  // KENSHO_SERVER_STATUS_JSON_H_
