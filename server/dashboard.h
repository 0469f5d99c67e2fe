// The live dashboard: one self-contained HTML page (no external assets: the
// machines it runs on may have no internet) that polls /status.json every
// second and shows throughput with a sparkline, latency percentiles, the
// verdict mix and revocation freshness per partition. Each number sits in an
// element with a stable id (see dashboard.cc) so tests can read it.
#ifndef KENSHO_SERVER_DASHBOARD_H_
#define KENSHO_SERVER_DASHBOARD_H_

#include "absl/strings/string_view.h"

namespace kensho::server {

absl::string_view DashboardHtml();

}  // namespace kensho::server

#endif  // KENSHO_SERVER_DASHBOARD_H_
