#include "server/metrics.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "base/striped_counter.h"
#include "prometheus/metric_family.h"
#include "prometheus/text_serializer.h"

namespace kensho::server {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr const char* kMethodNames[kRpcMethods] = {
    "VerifySignedDocument", "IssueChallenge", "VerifyAuthAssertion",
    "ValidateCertificate",  "VerifyBatch",    "VerifyStream",
};

// grpc::StatusCode::RESOURCE_EXHAUSTED, without gRPC.
constexpr int kResourceExhaustedCode = 8;

// gRPC status code names by number (grpc::StatusCode), without gRPC.
constexpr const char* kCodeNames[ServerMetrics::kCodes] = {
    "OK",           "CANCELLED",         "UNKNOWN",        "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED", "NOT_FOUND",    "ALREADY_EXISTS", "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
    "UNIMPLEMENTED", "INTERNAL",         "UNAVAILABLE",    "DATA_LOSS",
    "UNAUTHENTICATED",
};

// RPC and item durations, in seconds.
constexpr std::array<double, 17> kRpcBounds = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                               0.005,   0.01,   0.025,   0.05,   0.1,   0.25,
                                               0.5,     1,      2.5,     5,      10};

const prometheus::Histogram::BucketBoundaries& RpcBuckets() {
  static const auto* b =
      new prometheus::Histogram::BucketBoundaries(kRpcBounds.begin(), kRpcBounds.end());
  return *b;
}

const prometheus::Histogram::BucketBoundaries& IngestBuckets() {
  static const auto* b = new prometheus::Histogram::BucketBoundaries{
      0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600};
  return *b;
}

double Seconds(ServerMetrics::Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// Buckets of RpcBuckets(), +Inf last.
constexpr int kRpcBucketCount = static_cast<int>(kRpcBounds.size()) + 1;

// Histogram::Observe's bucketing: the first boundary >= the value.
int RpcBucketOf(double seconds) {
  return static_cast<int>(std::lower_bound(kRpcBounds.begin(), kRpcBounds.end(), seconds) -
                          kRpcBounds.begin());
}

int64_t Nanos(ServerMetrics::Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

using Tally = std::atomic<int64_t>;
void Add(Tally& t, int64_t n) { t.fetch_add(n, std::memory_order_relaxed); }
int64_t Read(const Tally& t) { return t.load(std::memory_order_relaxed); }

using Labels = std::map<std::string, std::string>;

// `labels` is called only the first time: building the label map costs more
// than the increment it labels.
template <typename MakeLabels>
prometheus::Counter& Cached(std::atomic<prometheus::Counter*>& slot,
                            prometheus::Family<prometheus::Counter>& family,
                            const MakeLabels& labels) {
  prometheus::Counter* c = slot.load(std::memory_order_acquire);
  if (c != nullptr) return *c;
  // Family::Add is thread-safe and returns the existing child for the same
  // labels, so two threads racing here store the same pointer.
  c = &family.Add(labels());
  slot.store(c, std::memory_order_release);
  return *c;
}

std::string Lower(absl::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

MetricFamily Gauge(std::string name, std::string help) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = MetricType::Gauge;
  return f;
}

void AddGauge(MetricFamily* f, double value, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  f->metric.push_back(std::move(m));
}

}  // namespace

const char* RpcMethodName(RpcMethod method) { return kMethodNames[static_cast<int>(method)]; }

const char* StatusCodeName(int code) {
  return code >= 0 && code < ServerMetrics::kCodes ? kCodeNames[code] : "UNKNOWN";
}

// What one thread stripe has counted on the hot path. Every field only grows
// except in_flight; sums over the stripes are the totals.
struct alignas(64) ServerMetrics::Stripe {
  struct Histogram {
    std::array<Tally, kRpcBucketCount> buckets{};
    Tally nanos{0};
    void Observe(ServerMetrics::Clock::duration d) {
      Add(buckets[static_cast<size_t>(RpcBucketOf(Seconds(d)))], 1);
      Add(nanos, Nanos(d));
    }
  };
  struct Method {
    Tally in_flight{0};
    std::array<Tally, ServerMetrics::kCodes> calls{};
    Histogram rpc_duration, item_duration;
    std::array<std::array<Tally, ServerMetrics::kSubIndications>, LiveStats::kIndications>
        verdicts{};
  };
  std::array<Method, kRpcMethods> methods;
};

// One method's tallies summed over the stripes.
struct ServerMetrics::Sums {
  int64_t in_flight = 0;
  std::array<int64_t, ServerMetrics::kCodes> calls{};
  std::array<std::array<int64_t, ServerMetrics::kSubIndications>, LiveStats::kIndications>
      verdicts{};
  std::array<int64_t, kRpcBucketCount> rpc_buckets{}, item_buckets{};
  int64_t rpc_nanos = 0, item_nanos = 0;
};

// The sums as last handed to Prometheus (counters and histograms only grow
// there, so each scrape adds the difference).
struct ServerMetrics::Published {
  std::array<Sums, kRpcMethods> methods;
};

// Values owned elsewhere (the engine's caches, the partitions), read when
// /metrics is scraped rather than copied on every change.
class ServerMetrics::StateCollector final : public prometheus::Collectable {
 public:
  explicit StateCollector(const ServerMetrics* metrics) : metrics_(metrics) {}

  std::vector<MetricFamily> Collect() const override {
    std::vector<MetricFamily> out;
    if (std::shared_ptr<verify::Engine> engine = metrics_->engine()) {
      const verify::CertificateCache& cache = engine->certificate_cache();
      MetricFamily hits;
      hits.name = "kensho_certificate_cache_hits_total";
      hits.help = "Parsed-certificate cache hits";
      hits.type = MetricType::Counter;
      hits.metric.emplace_back();
      hits.metric.back().counter.value = static_cast<double>(cache.hits());
      MetricFamily misses = hits;
      misses.name = "kensho_certificate_cache_misses_total";
      misses.help = "Parsed-certificate cache misses";
      misses.metric.back().counter.value = static_cast<double>(cache.misses());
      out.push_back(std::move(hits));
      out.push_back(std::move(misses));
      MetricFamily entries = Gauge("kensho_certificate_cache_entries",
                                   "Certificates in the parsed-certificate cache");
      AddGauge(&entries, static_cast<double>(cache.size()));
      out.push_back(std::move(entries));
      MetricFamily capacity = Gauge("kensho_certificate_cache_capacity_entries",
                                    "Capacity of the parsed-certificate cache");
      AddGauge(&capacity, static_cast<double>(cache.capacity()));
      out.push_back(std::move(capacity));
      MetricFamily challenges =
          Gauge("kensho_challenge_store_entries", "Login challenges issued and not yet expired");
      AddGauge(&challenges, static_cast<double>(engine->challenges().size()));
      out.push_back(std::move(challenges));
    }
    if (revocation::PartitionManager* partitions = metrics_->partitions()) {
      const absl::Time now = absl::Now();
      MetricFamily age = Gauge("kensho_revocation_partition_age_seconds",
                               "Seconds since the stored CRL's thisUpdate");
      MetricFamily next = Gauge("kensho_revocation_partition_next_update_seconds",
                                "Seconds until the stored CRL's nextUpdate (negative: past)");
      MetricFamily stale = Gauge("kensho_revocation_partition_stale",
                                 "1 when a partition has no CRL or it is past nextUpdate");
      MetricFamily entries = Gauge("kensho_revocation_partition_revoked_entries",
                                   "Revoked entries in the stored CRL");
      for (const revocation::PartitionView& v : partitions->Snapshot(now)) {
        std::vector<ClientMetric::Label> label = {{"partition", v.config.id}};
        AddGauge(&stale, v.stale ? 1 : 0, label);
        if (!v.stored.has_value()) continue;
        AddGauge(&age, absl::ToDoubleSeconds(now - v.stored->current_this_update()), label);
        if (v.stored->current_next_update().has_value()) {
          AddGauge(&next, absl::ToDoubleSeconds(*v.stored->current_next_update() - now), label);
        }
        AddGauge(&entries, static_cast<double>(v.stored->entry_count), label);
      }
      for (MetricFamily* f : {&age, &next, &stale, &entries}) out.push_back(std::move(*f));
    }
    return out;
  }

 private:
  const ServerMetrics* metrics_;
};

ServerMetrics::ServerMetrics(absl::Time started_at, const std::string& version)
    : started_at_(started_at),
      registry_(std::make_shared<prometheus::Registry>()),
      calls_(prometheus::BuildCounter()
                 .Name("kensho_rpc_calls_total")
                 .Help("Finished Validator calls by method and gRPC status code")
                 .Register(*registry_)),
      rpc_duration_(prometheus::BuildHistogram()
                        .Name("kensho_rpc_duration_seconds")
                        .Help("Validator call duration (a stream: its whole life)")
                        .Register(*registry_)),
      in_flight_(prometheus::BuildGauge()
                     .Name("kensho_rpc_calls_in_flight")
                     .Help("Validator calls started and not yet finished")
                     .Register(*registry_)),
      verdicts_(prometheus::BuildCounter()
                    .Name("kensho_verdicts_total")
                    .Help("Verdicts by method, indication and sub-indication")
                    .Register(*registry_)),
      item_errors_(prometheus::BuildCounter()
                       .Name("kensho_item_errors_total")
                       .Help("Batch/stream items answered with an ItemError, by code")
                       .Register(*registry_)),
      item_duration_(prometheus::BuildHistogram()
                         .Name("kensho_item_duration_seconds")
                         .Help("Batch/stream item time from arrival to answer, queueing included")
                         .Register(*registry_)),
      shed_(prometheus::BuildCounter()
                .Name("kensho_shed_total")
                .Help("Calls or batch/stream items refused with RESOURCE_EXHAUSTED by kensho "
                      "(worker queue full, batch too large)")
                .Register(*registry_)),
      fetch_errors_(prometheus::BuildCounter()
                        .Name("kensho_revocation_fetch_errors_total")
                        .Help("Failed CRL fetch or ingest attempts by partition and kind "
                              "(stage_statuscode)")
                        .Register(*registry_)),
      ingest_duration_(prometheus::BuildHistogram()
                           .Name("kensho_revocation_ingest_duration_seconds")
                           .Help("Time to check and store one CRL")
                           .Register(*registry_)),
      serving_gauge_(prometheus::BuildGauge()
                         .Name("kensho_serving")
                         .Help("1 when gRPC health says SERVING (trust loaded, required "
                               "revocation partitions fresh, not stopping)")
                         .Register(*registry_)
                         .Add({})),
      stripes_(std::make_unique<Stripe[]>(kThreadStripes)),
      published_(std::make_unique<Published>()) {
  for (int m = 0; m < kRpcMethods; ++m) {
    const std::string name = kMethodNames[m];
    methods_[m].rpc_duration = &rpc_duration_.Add({{"method", name}}, RpcBuckets());
    methods_[m].in_flight = &in_flight_.Add({{"method", name}});
    methods_[m].shed = &shed_.Add({{"method", name}});
    if (m == static_cast<int>(RpcMethod::kVerifyBatch) ||
        m == static_cast<int>(RpcMethod::kVerifyStream)) {
      methods_[m].item_duration = &item_duration_.Add({{"method", name}}, RpcBuckets());
    }
  }
  prometheus::BuildGauge()
      .Name("kensho_start_time_seconds")
      .Help("Unix time the server started")
      .Register(*registry_)
      .Add({})
      .Set(absl::ToDoubleSeconds(started_at - absl::UnixEpoch()));
  prometheus::BuildGauge()
      .Name("kensho_build_info")
      .Help("Always 1; the version label says which kensho")
      .Register(*registry_)
      .Add({{"version", version}})
      .Set(1);
  state_collector_ = std::make_shared<StateCollector>(this);
}

ServerMetrics::~ServerMetrics() = default;

void ServerMetrics::SetScrapeSources(std::function<std::shared_ptr<verify::Engine>()> engine,
                                     revocation::PartitionManager* partitions) {
  engine_ = std::move(engine);
  partitions_ = partitions;
}

ServerMetrics::Stripe& ServerMetrics::Mine() const { return stripes_[ThreadStripe()]; }

ServerMetrics::Sums ServerMetrics::Sum(int method) const {
  Sums sums;
  for (int si = 0; si < kThreadStripes; ++si) {
    const Stripe::Method& s = stripes_[si].methods[method];
    sums.in_flight += Read(s.in_flight);
    for (int c = 0; c < kCodes; ++c) sums.calls[c] += Read(s.calls[c]);
    for (int i = 0; i < LiveStats::kIndications; ++i) {
      for (int u = 0; u < kSubIndications; ++u) sums.verdicts[i][u] += Read(s.verdicts[i][u]);
    }
    for (int b = 0; b < kRpcBucketCount; ++b) {
      sums.rpc_buckets[b] += Read(s.rpc_duration.buckets[b]);
      sums.item_buckets[b] += Read(s.item_duration.buckets[b]);
    }
    sums.rpc_nanos += Read(s.rpc_duration.nanos);
    sums.item_nanos += Read(s.item_duration.nanos);
  }
  return sums;
}

ServerMetrics::Clock::time_point ServerMetrics::BeginCall(RpcMethod method) {
  Add(Mine().methods[static_cast<int>(method)].in_flight, 1);
  return Clock::now();
}

void ServerMetrics::EndCall(RpcMethod method, Clock::time_point began, int code) {
  // Maybe another stripe than BeginCall's (the call may end on another
  // thread): only the sum of in_flight means anything.
  Stripe::Method& m = Mine().methods[static_cast<int>(method)];
  Add(m.in_flight, -1);
  m.rpc_duration.Observe(Clock::now() - began);
  Add(m.calls[static_cast<size_t>(Index(code, kCodes))], 1);
}

void ServerMetrics::CountVerdicts(RpcMethod method, int ind, int sub, int64_t n) {
  Add(Mine().methods[static_cast<int>(method)].verdicts[ind][sub], n);
}

void ServerMetrics::CountItemErrors(RpcMethod method, int code, int64_t n) {
  Cached(methods_[static_cast<int>(method)].item_errors[code], item_errors_, [&] {
    return Labels{{"method", RpcMethodName(method)}, {"code", kCodeNames[code]}};
  }).Increment(static_cast<double>(n));
  item_errors_total_.fetch_add(n, std::memory_order_relaxed);
  // An item refused for want of capacity is shed load, whichever path refused it.
  if (code == kResourceExhaustedCode) CountShed(method, n);
}

void ServerMetrics::CountShed(RpcMethod method, int64_t n) {
  methods_[static_cast<int>(method)].shed->Increment(static_cast<double>(n));
  shed_total_.fetch_add(n, std::memory_order_relaxed);
}

void ServerMetrics::RecordVerdict(RpcMethod method, const v1::Verdict& verdict,
                                  Clock::duration latency) {
  const int ind = Index(verdict.indication(), LiveStats::kIndications);
  CountVerdicts(method, ind, Index(verdict.sub_indication(), kSubIndications), 1);
  if (methods_[static_cast<int>(method)].item_duration != nullptr) {
    Mine().methods[static_cast<int>(method)].item_duration.Observe(latency);
  }
  live_.Record(absl::Now(), ind, absl::FromChrono(latency));
}

void ServerMetrics::RecordItemError(RpcMethod method, int code, Clock::duration latency) {
  CountItemErrors(method, Index(code, kCodes), 1);
  if (methods_[static_cast<int>(method)].item_duration != nullptr) {
    Mine().methods[static_cast<int>(method)].item_duration.Observe(latency);
  }
  live_.Record(absl::Now(), -1, absl::FromChrono(latency));
}

void ServerMetrics::ItemTally::Verdict(const v1::Verdict& verdict, Clock::duration latency) {
  const int ind = Index(verdict.indication(), LiveStats::kIndications);
  ++verdicts_[ind][Index(verdict.sub_indication(), kSubIndications)];
  items_.emplace_back(ind, absl::FromChrono(latency));
}

void ServerMetrics::ItemTally::Error(int code, Clock::duration latency) {
  ++errors_[Index(code, kCodes)];
  items_.emplace_back(-1, absl::FromChrono(latency));
}

void ServerMetrics::RecordTally(RpcMethod method, const ItemTally& t) {
  if (t.items_.empty()) return;
  PerMethod& m = methods_[static_cast<int>(method)];
  for (int ind = 0; ind < LiveStats::kIndications; ++ind) {
    for (int sub = 0; sub < kSubIndications; ++sub) {
      if (t.verdicts_[ind][sub] > 0) CountVerdicts(method, ind, sub, t.verdicts_[ind][sub]);
    }
  }
  for (int code = 0; code < kCodes; ++code) {
    if (t.errors_[code] > 0) CountItemErrors(method, code, t.errors_[code]);
  }
  if (m.item_duration != nullptr) {
    // Histogram::Observe's bucketing (first boundary >= the value), summed.
    const auto& bounds = RpcBuckets();
    std::vector<double> increments(bounds.size() + 1, 0.0);
    double sum = 0;
    for (const auto& item : t.items_) {
      const double s = absl::ToDoubleSeconds(item.second);
      increments[std::lower_bound(bounds.begin(), bounds.end(), s) - bounds.begin()] += 1;
      sum += s;
    }
    m.item_duration->ObserveMultiple(increments, sum);
  }
  live_.RecordMany(absl::Now(), t.items_);
}

void ServerMetrics::RecordShed(RpcMethod method) { CountShed(method, 1); }

void ServerMetrics::SetServing(bool serving) {
  serving_.store(serving, std::memory_order_relaxed);
  serving_gauge_.Set(serving ? 1 : 0);
}

void ServerMetrics::RecordRevocationAttempt(const revocation::AttemptReport& report) {
  if (report.stage != std::string("fetch")) {
    ingest_duration_.Add({{"result", report.status.ok() ? "ok" : "error"}}, IngestBuckets())
        .Observe(absl::ToDoubleSeconds(report.ingest_duration));
  }
  if (report.status.ok()) return;
  fetch_errors_
      .Add({{"partition", report.partition_id},
            {"kind", std::string(report.stage) + "_" +
                         Lower(absl::StatusCodeToString(report.status.code()))}})
      .Increment();
}

void ServerMetrics::Publish() const {
  absl::MutexLock lock(&publish_mu_);
  // Adds what `now` holds beyond what was published, bucket by bucket.
  using Buckets = std::array<int64_t, kRpcBucketCount>;
  auto publish_histogram = [](prometheus::Histogram* h, const Buckets& now, int64_t now_nanos,
                              Buckets* was, int64_t* was_nanos) {
    if (h == nullptr || (now_nanos == *was_nanos && now == *was)) return;
    std::vector<double> increments(kRpcBucketCount);
    for (int b = 0; b < kRpcBucketCount; ++b) {
      increments[b] = static_cast<double>(now[b] - (*was)[b]);
    }
    h->ObserveMultiple(increments, static_cast<double>(now_nanos - *was_nanos) * 1e-9);
    *was = now;
    *was_nanos = now_nanos;
  };
  for (int mi = 0; mi < kRpcMethods; ++mi) {
    const RpcMethod method = static_cast<RpcMethod>(mi);
    PerMethod& m = methods_[mi];
    Sums& was = published_->methods[mi];
    const Sums now = Sum(mi);
    m.in_flight->Set(static_cast<double>(now.in_flight));
    for (int code = 0; code < kCodes; ++code) {
      if (now.calls[code] == was.calls[code]) continue;
      Cached(m.calls[code], calls_, [&] {
        return Labels{{"method", RpcMethodName(method)}, {"code", kCodeNames[code]}};
      }).Increment(static_cast<double>(now.calls[code] - was.calls[code]));
      was.calls[code] = now.calls[code];
    }
    for (int ind = 0; ind < LiveStats::kIndications; ++ind) {
      for (int sub = 0; sub < kSubIndications; ++sub) {
        const int64_t delta = now.verdicts[ind][sub] - was.verdicts[ind][sub];
        if (delta == 0) continue;
        Cached(m.verdicts[ind][sub], verdicts_, [&] {
          return Labels{
              {"method", RpcMethodName(method)},
              {"indication", v1::Indication_Name(static_cast<v1::Indication>(ind))},
              {"sub_indication", v1::SubIndication_Name(static_cast<v1::SubIndication>(sub))}};
        }).Increment(static_cast<double>(delta));
        was.verdicts[ind][sub] = now.verdicts[ind][sub];
      }
    }
    publish_histogram(m.rpc_duration, now.rpc_buckets, now.rpc_nanos, &was.rpc_buckets,
                      &was.rpc_nanos);
    publish_histogram(m.item_duration, now.item_buckets, now.item_nanos, &was.item_buckets,
                      &was.item_nanos);
  }
}

std::vector<MetricFamily> ServerMetrics::Collect() const {
  Publish();
  std::vector<MetricFamily> families = registry_->Collect();
  for (MetricFamily& f : state_collector_->Collect()) families.push_back(std::move(f));
  return families;
}

std::string ServerMetrics::ScrapeText() const {
  return prometheus::TextSerializer().Serialize(Collect());
}

ServerMetrics::Totals ServerMetrics::totals() const {
  Totals t;
  t.item_errors = item_errors_total_.load(std::memory_order_relaxed);
  t.shed = shed_total_.load(std::memory_order_relaxed);
  std::array<int64_t, kSubIndications> by_sub{};
  for (int mi = 0; mi < kRpcMethods; ++mi) {
    const Sums sums = Sum(mi);
    t.in_flight += sums.in_flight;
    for (int64_t n : sums.calls) t.calls += n;
    for (int i = 0; i < LiveStats::kIndications; ++i) {
      for (int u = 0; u < kSubIndications; ++u) {
        t.by_indication[i] += sums.verdicts[i][u];
        by_sub[u] += sums.verdicts[i][u];
      }
    }
  }
  for (int64_t n : t.by_indication) t.verdicts += n;
  for (int s = 1; s < kSubIndications; ++s) {
    const int64_t n = by_sub[s];
    if (n > 0) {
      t.by_sub_indication.emplace_back(
          v1::SubIndication_Name(static_cast<v1::SubIndication>(s)), n);
    }
  }
  return t;
}

}  // namespace kensho::server
