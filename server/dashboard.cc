#include "server/dashboard.h"

namespace kensho::server {
namespace {

// Ids read by tests/dashboard_e2e_test.cc: serving, throughput, p50, p90, p99,
// latency-samples, total-calls, total-verdicts, total-item-errors, total-shed,
// in-flight, verdict-TOTAL_PASSED, verdict-TOTAL_FAILED, verdict-INDETERMINATE,
// cache-hits, cache-misses, challenges, partition-count, partition-<id> rows,
// updated, and body[data-updates] (successful polls).
// Text from the server (partition ids, errors) is set with textContent only.
constexpr char kHtml[] = R"HTML(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kensho dashboard</title>
<style>
  :root { --bg:#f4f6f8; --card:#fff; --ink:#1d2630; --dim:#66737f; --ok:#1f8a4c; --bad:#c23b30; --warn:#b7791f; --line:#2f6fba; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--ink); }
  header { display:flex; align-items:baseline; gap:16px; padding:12px 20px; background:#1d2630; color:#fff; }
  header h1 { margin:0; font-size:18px; font-weight:600; }
  header .meta { color:#b8c2cc; font-size:12px; }
  #serving { padding:2px 10px; border-radius:10px; font-weight:600; font-size:12px; }
  #serving.yes { background:var(--ok); } #serving.no { background:var(--bad); }
  main { display:grid; grid-template-columns:repeat(4, 1fr); gap:12px; padding:12px 20px; }
  .card { background:var(--card); border-radius:8px; padding:12px 14px; box-shadow:0 1px 2px rgba(0,0,0,.08); }
  .card h2 { margin:0 0 6px; font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--dim); font-weight:600; }
  .big { font-size:28px; font-weight:600; font-variant-numeric:tabular-nums; }
  .unit { color:var(--dim); font-size:13px; margin-left:4px; }
  .wide { grid-column:span 2; } .full { grid-column:1 / -1; }
  table { width:100%; border-collapse:collapse; font-variant-numeric:tabular-nums; }
  th, td { text-align:left; padding:4px 6px; border-bottom:1px solid #e4e8ec; font-size:13px; }
  th { color:var(--dim); font-weight:600; font-size:12px; }
  td.num, th.num { text-align:right; }
  .stale { color:var(--bad); font-weight:600; } .fresh { color:var(--ok); }
  .bar { display:flex; height:12px; border-radius:6px; overflow:hidden; background:#e4e8ec; margin:6px 0 8px; }
  .bar span { display:block; height:100%; }
  .passed { background:var(--ok); } .failed { background:var(--bad); } .indeterminate { background:var(--warn); }
  .dot { display:inline-block; width:9px; height:9px; border-radius:50%; margin-right:6px; }
  #sparkline { width:100%; height:70px; display:block; }
  #error { color:var(--bad); }
  .reasons { color:var(--bad); font-size:12px; margin:4px 0 0; padding-left:18px; }
</style>
</head>
<body data-updates="0">
<header>
  <h1>kensho</h1>
  <span id="serving" class="no">…</span>
  <span class="meta">version <span id="version">?</span> · up <span id="uptime">0</span> s · updated <span id="updated">never</span></span>
  <span id="error" class="meta"></span>
</header>
<main>
  <section class="card wide">
    <h2>Throughput (answers/s, last <span id="throughput-window">5</span> s)</h2>
    <div><span class="big" id="throughput">0</span><span class="unit">/s</span></div>
    <svg id="sparkline" viewBox="0 0 600 70" preserveAspectRatio="none" aria-label="answers per second, last 60 s">
      <polyline id="sparkline-line" fill="none" stroke="#2f6fba" stroke-width="2" points=""></polyline>
    </svg>
    <div class="unit">last <span id="series-seconds">60</span> s, peak <span id="series-peak">0</span>/s</div>
  </section>
  <section class="card wide">
    <h2>Latency (last <span id="latency-window">60</span> s, <span id="latency-samples">0</span> answers)</h2>
    <table>
      <tr><th>p50</th><th>p90</th><th>p99</th></tr>
      <tr><td class="big" id="p50">–</td><td class="big" id="p90">–</td><td class="big" id="p99">–</td></tr>
    </table>
    <div class="unit">milliseconds</div>
  </section>
  <section class="card wide">
    <h2>Verdict mix (since start)</h2>
    <div class="bar"><span class="passed" id="bar-passed"></span><span class="failed" id="bar-failed"></span><span class="indeterminate" id="bar-indeterminate"></span></div>
    <table>
      <tr><td><span class="dot passed"></span>TOTAL_PASSED</td><td class="num" id="verdict-TOTAL_PASSED">0</td></tr>
      <tr><td><span class="dot failed"></span>TOTAL_FAILED</td><td class="num" id="verdict-TOTAL_FAILED">0</td></tr>
      <tr><td><span class="dot indeterminate"></span>INDETERMINATE</td><td class="num" id="verdict-INDETERMINATE">0</td></tr>
    </table>
    <table id="sub-indications"></table>
  </section>
  <section class="card">
    <h2>Calls</h2>
    <table>
      <tr><td>calls</td><td class="num" id="total-calls">0</td></tr>
      <tr><td>verdicts</td><td class="num" id="total-verdicts">0</td></tr>
      <tr><td>item errors</td><td class="num" id="total-item-errors">0</td></tr>
      <tr><td>shed</td><td class="num" id="total-shed">0</td></tr>
      <tr><td>in flight</td><td class="num" id="in-flight">0</td></tr>
    </table>
  </section>
  <section class="card">
    <h2>Caches</h2>
    <table>
      <tr><td>certificate hits</td><td class="num" id="cache-hits">0</td></tr>
      <tr><td>certificate misses</td><td class="num" id="cache-misses">0</td></tr>
      <tr><td>certificates cached</td><td class="num" id="cache-entries">0</td></tr>
      <tr><td>open challenges</td><td class="num" id="challenges">0</td></tr>
    </table>
  </section>
  <section class="card full">
    <h2>Revocation freshness (<span id="partition-count">0</span> partitions)</h2>
    <ul class="reasons" id="reasons"></ul>
    <table>
      <thead><tr><th>partition</th><th>state</th><th class="num">age (s)</th><th class="num">next update in (s)</th><th class="num">revoked entries</th><th>last error</th></tr></thead>
      <tbody id="partitions"></tbody>
    </table>
  </section>
</main>
<script>
"use strict";
function setText(id, v) { var e = document.getElementById(id); if (e) e.textContent = String(v); }
function ms(v) { return v === null || v === undefined ? "–" : v.toFixed(3); }
function cell(tr, text, cls) { var td = document.createElement("td"); td.textContent = String(text); if (cls) td.className = cls; tr.appendChild(td); }
function render(s) {
  var sv = document.getElementById("serving");
  sv.textContent = s.serving ? "SERVING" : "NOT SERVING";
  sv.className = s.serving ? "yes" : "no";
  setText("version", s.version); setText("uptime", s.uptime_seconds); setText("updated", s.now);
  setText("throughput", s.throughput.per_second.toFixed(1));
  setText("throughput-window", s.throughput.window_seconds);
  var series = s.throughput.series, peak = 0, i;
  for (i = 0; i < series.length; i++) peak = Math.max(peak, series[i]);
  var pts = [];
  for (i = 0; i < series.length; i++) {
    var x = series.length > 1 ? i * 600 / (series.length - 1) : 0;
    var y = 66 - (peak > 0 ? series[i] / peak * 62 : 0);
    pts.push(x.toFixed(1) + "," + y.toFixed(1));
  }
  document.getElementById("sparkline-line").setAttribute("points", pts.join(" "));
  setText("series-seconds", s.throughput.series_seconds); setText("series-peak", peak);
  setText("latency-window", s.latency.window_seconds); setText("latency-samples", s.latency.samples);
  setText("p50", ms(s.latency.p50_ms)); setText("p90", ms(s.latency.p90_ms)); setText("p99", ms(s.latency.p99_ms));
  var v = s.verdicts, total = v.TOTAL_PASSED + v.TOTAL_FAILED + v.INDETERMINATE;
  ["TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE"].forEach(function (k) { setText("verdict-" + k, v[k]); });
  function pct(n) { return total > 0 ? (100 * n / total).toFixed(2) + "%" : "0"; }
  document.getElementById("bar-passed").style.width = pct(v.TOTAL_PASSED);
  document.getElementById("bar-failed").style.width = pct(v.TOTAL_FAILED);
  document.getElementById("bar-indeterminate").style.width = pct(v.INDETERMINATE);
  var subs = document.getElementById("sub-indications");
  subs.textContent = "";
  Object.keys(s.sub_indications).sort().forEach(function (k) {
    var tr = document.createElement("tr"); cell(tr, k, "unit"); cell(tr, s.sub_indications[k], "num");
    tr.lastChild.id = "sub-" + k; subs.appendChild(tr);
  });
  setText("total-calls", s.totals.calls); setText("total-verdicts", s.totals.verdicts);
  setText("total-item-errors", s.totals.item_errors); setText("total-shed", s.totals.shed);
  setText("in-flight", s.totals.in_flight);
  if (s.certificate_cache) {
    setText("cache-hits", s.certificate_cache.hits); setText("cache-misses", s.certificate_cache.misses);
    setText("cache-entries", s.certificate_cache.entries);
  }
  if (s.challenge_store_entries !== undefined) setText("challenges", s.challenge_store_entries);
  var reasons = document.getElementById("reasons");
  reasons.textContent = "";
  s.not_serving_reasons.forEach(function (r) { var li = document.createElement("li"); li.textContent = r; reasons.appendChild(li); });
  setText("partition-count", s.partitions.length);
  var body = document.getElementById("partitions");
  body.textContent = "";
  s.partitions.forEach(function (p) {
    var tr = document.createElement("tr");
    tr.id = "partition-" + p.id;
    tr.setAttribute("data-stale", p.stale ? "true" : "false");
    cell(tr, p.id + (p.required ? "" : " (optional)"));
    cell(tr, p.stale ? "STALE" : "fresh", p.stale ? "stale" : "fresh");
    cell(tr, p.age_seconds === null ? "–" : p.age_seconds, "num age");
    cell(tr, p.next_update_in_seconds === null ? "–" : p.next_update_in_seconds, "num next");
    cell(tr, p.entries, "num entries");
    cell(tr, p.last_error || "", "unit");
    body.appendChild(tr);
  });
  document.body.setAttribute("data-updates", String(Number(document.body.getAttribute("data-updates")) + 1));
}
function poll() {
  fetch("status.json", { cache: "no-store" })
    .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
    .then(function (s) { render(s); setText("error", ""); })
    .catch(function (e) { setText("error", "status.json: " + e.message); });
}
poll();
setInterval(poll, 1000);
</script>
</body>
</html>
)HTML";

}  // namespace

absl::string_view DashboardHtml() { return absl::string_view(kHtml, sizeof(kHtml) - 1); }

}  // namespace kensho::server
