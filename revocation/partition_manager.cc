#include "revocation/partition_manager.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/file_io.h"
#include "crl/crl_parser.h"
#include "crl/mapped_file.h"
#include "crl/partition_ingest.h"
#include "revocation/crl_fetcher.h"

namespace kensho::revocation {
namespace {

// The IDP DirName a CRL file names, or an error.
absl::StatusOr<std::string> IdpOf(absl::string_view der) {
  auto crl = crl::ParseCrl(der);
  if (!crl.ok()) return crl.status();
  const auto& idp = crl->header.issuing_distribution_point;
  if (!idp.has_value() || idp->full_name_dirnames.empty()) {
    return absl::InvalidArgumentError("CRL has no issuingDistributionPoint DirName");
  }
  return idp->full_name_dirnames.front();
}

std::vector<std::string> CrlFiles(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (absl::EndsWith(name, ".crl")) out.push_back(name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

PartitionManager::PartitionManager(std::shared_ptr<const verify::TrustStore> trust,
                                   cache::RevocationStore* store, FetchPolicy policy,
                                   std::string tmp_dir)
    : trust_(std::move(trust)), store_(store), policy_(policy), tmp_dir_(std::move(tmp_dir)) {}

PartitionManager::~PartitionManager() { Stop(); }

absl::StatusOr<std::unique_ptr<PartitionManager>> PartitionManager::Create(
    std::vector<PartitionSource> sources, const std::string& crl_dir,
    std::shared_ptr<const verify::TrustStore> trust, cache::RevocationStore* store,
    FetchPolicy policy, std::string tmp_dir) {
  std::unique_ptr<PartitionManager> m(
      new PartitionManager(std::move(trust), store, policy, std::move(tmp_dir)));
  if (!crl_dir.empty()) {
    for (const std::string& file : CrlFiles(crl_dir)) {
      const std::string path = crl_dir + "/" + file;
      auto mapped = crl::MappedFile::Open(path, policy.max_bytes);
      if (!mapped.ok()) return mapped.status();
      auto idp = IdpOf((*mapped)->data());
      if (!idp.ok()) {
        std::fprintf(stderr, "kensho: revocation.crl_dir: skipping %s: %s\n", path.c_str(),
                     std::string(idp.status().message()).c_str());
        continue;
      }
      PartitionSource s;
      s.id = file.substr(0, file.size() - 4);
      s.source = "file://" + path;
      s.distribution_point = *idp;
      s.required = false;
      sources.push_back(std::move(s));
    }
  }
  absl::MutexLock lock(&m->mu_);
  for (PartitionSource& s : sources) {
    if (s.id.empty() || s.source.empty() || s.distribution_point.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "revocation partition '", s.id, "': id, source and distribution_point are required"));
    }
    if (!s.trust_profile.empty() && m->trust_->Find(s.trust_profile) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("revocation partition '", s.id,
                                                     "': trust profile '", s.trust_profile,
                                                     "' is not configured"));
    }
    if (m->partitions_.count(s.id)) {
      return absl::InvalidArgumentError(
          absl::StrCat("revocation partition '", s.id, "' is defined twice"));
    }
    State state;
    state.config = std::move(s);
    m->partitions_.emplace(state.config.id, std::move(state));
  }
  auto stored = store->ListPartitions();
  if (!stored.ok()) return stored.status();
  for (cache::PartitionMetadata& md : *stored) {
    auto it = m->partitions_.find(md.partition_id);
    if (it == m->partitions_.end()) continue;  // no longer configured: ignored
    it->second.stored = std::make_shared<const cache::PartitionMetadata>(std::move(md));
    m->SetCovering(it->first, it->second.config.distribution_point, it->second.stored);  // mu_ held
  }
  return m;
}

absl::Status PartitionManager::IngestFile(const std::string& id, const std::string& path,
                                          const std::string& source, const std::string& etag,
                                          const std::string& last_modified, absl::Time now,
                                          bool delta) {
  PartitionSource config;
  std::shared_ptr<const cache::PartitionMetadata> stored;
  {
    absl::MutexLock lock(&mu_);
    auto it = partitions_.find(id);
    if (it == partitions_.end()) return absl::NotFoundError(absl::StrCat("no partition ", id));
    config = it->second.config;
    stored = it->second.stored;
  }
  auto mapped = crl::MappedFile::Open(path, policy_.max_bytes);
  if (!mapped.ok()) return mapped.status();
  crl::MappedFile* file = mapped->get();
  crl::CrlParseOptions options;
  options.release_before = [file](size_t offset) { file->ReleaseBefore(offset); };

  // The profiles whose anchors may have signed it: the configured one, or
  // each in turn for partitions found in crl_dir.
  std::vector<const verify::TrustProfile*> profiles;
  if (!config.trust_profile.empty()) {
    profiles.push_back(trust_->Find(config.trust_profile));
  } else {
    for (const auto& p : trust_->profiles()) profiles.push_back(&p);
  }
  crl::PartitionCrlDecision decision;
  for (const verify::TrustProfile* profile : profiles) {
    crl::PartitionSpec spec;
    spec.partition_id = id;
    spec.expected_idp_dirname = config.distribution_point;
    for (const auto& anchor : profile->anchors) {
      spec.issuer_generations.push_back(anchor.certificate->x509());
    }
    // Only a CRL from the same issuer key continues the stored sequence.
    if (stored != nullptr && !stored->crl_number.empty()) {
      spec.last_crl_number = stored->crl_number;
      spec.last_this_update = stored->this_update;
    }
    if (delta) {
      // Applied to the complete CRL held; continues the last delta's sequence.
      spec.delta = true;
      if (stored != nullptr && !stored->crl_number.empty()) {
        spec.complete_crl_number = stored->crl_number;
        if (stored->delta.has_value()) {
          spec.last_crl_number = stored->delta->crl_number;
          spec.last_this_update = stored->delta->this_update;
        }
      }
    }
    decision = crl::CheckPartitionCrl(spec, file->data(), now, options);
    if (decision.reason != crl::CrlRejectReason::kWrongIssuer &&
        decision.reason != crl::CrlRejectReason::kBadSignature) {
      break;
    }
  }
  if (decision.reason == crl::CrlRejectReason::kSameCrlNumber) return absl::OkStatus();
  // A delta no newer than the complete CRL held is already contained in it
  // (e.g. the delta source still serves yesterday's delta): nothing to apply.
  if (delta && decision.reason == crl::CrlRejectReason::kCrlNumberNotIncreasing) return absl::OkStatus();
  if (!decision.ok()) return decision.status(id);

  const crl::AcceptedCrl& accepted = *decision.accepted;
  if (delta) {
    cache::PartitionMetadata::Delta d;
    d.crl_number = accepted.crl.header.crl_number.value_or("");
    d.base_crl_number = accepted.crl.header.delta_base_crl_number.value_or("");
    d.this_update = accepted.crl.header.this_update;
    d.next_update = accepted.crl.header.next_update;
    d.source = source;
    auto writer = store_->BeginDelta(id, accepted.issuer_key_id);
    if (!writer.ok()) return writer.status();
    if (absl::Status s = crl::StreamAcceptedEntries(accepted, **writer, options.release_before); !s.ok()) {
      return s;
    }
    if (absl::Status s = (*writer)->CommitDelta(std::move(d)); !s.ok()) return s;
  } else {
    cache::PartitionMetadata md;
    md.partition_id = id;
    md.source = source;
    md.issuer_key_id = accepted.issuer_key_id;
    md.idp_dirname = config.distribution_point;
    md.crl_number = accepted.crl.header.crl_number.value_or("");
    md.this_update = accepted.crl.header.this_update;
    md.next_update = accepted.crl.header.next_update;
    md.etag = etag;
    md.last_modified = last_modified;
    md.ingested_at = now;
    absl::Status s = store_->ReplacePartition(md, [&](crl::RevokedEntrySink& sink) {
      return crl::StreamAcceptedEntries(accepted, sink, options.release_before);
    });
    if (!s.ok()) return s;
  }
  auto fresh = store_->GetPartition(id);
  if (!fresh.ok()) return fresh.status();
  absl::MutexLock lock(&mu_);
  State& state = partitions_.at(id);
  state.stored = fresh->has_value()
                     ? std::make_shared<const cache::PartitionMetadata>(**std::move(fresh))
                     : nullptr;
  SetCovering(id, config.distribution_point, state.stored);
  return absl::OkStatus();
}

absl::Status PartitionManager::Refresh(const std::string& id, absl::Time now) {
  FetchRequest request;
  std::string delta_source;
  {
    absl::MutexLock lock(&mu_);
    auto it = partitions_.find(id);
    if (it == partitions_.end()) return absl::NotFoundError(absl::StrCat("no partition ", id));
    // One fetch per partition: a second caller waits for the running one
    // and shares its outcome.
    if (it->second.busy) {
      mu_.Await(absl::Condition(
          +[](State* s) { return !s->busy; }, &it->second));
      return it->second.last_error.empty() ? absl::OkStatus()
                                           : absl::UnavailableError(it->second.last_error);
    }
    it->second.busy = true;
    request.source = it->second.config.source;
    delta_source = it->second.config.delta_source;
    if (it->second.stored != nullptr) {
      request.etag = it->second.stored->etag;
      request.last_modified = it->second.stored->last_modified;
    }
  }
  request.connect_timeout = policy_.connect_timeout;
  request.total_timeout = policy_.total_timeout;
  request.max_bytes = policy_.max_bytes;
  request.download_path = absl::StrCat(tmp_dir_, "/", id, ".download");
  absl::Status status;
  AttemptReport report;
  auto fetched = FetchCrl(request);
  if (!fetched.ok()) {
    status = fetched.status();
  } else if (!fetched->not_modified) {
    const absl::Time started = absl::Now();
    status = IngestFile(id, fetched->path, request.source, fetched->etag,
                        fetched->last_modified, now);
    report.stage = "ingest";
    report.ingest_duration = absl::Now() - started;
  }
  if (fetched.ok() && fetched->path == request.download_path) ::unlink(request.download_path.c_str());
  if (status.ok() && !delta_source.empty()) status = RefreshDelta(id, delta_source, now);
  {
    absl::MutexLock lock(&mu_);
    State& state = partitions_.at(id);
    state.busy = false;
    state.last_attempt = now;
    state.last_error = status.ok() ? "" : std::string(status.message());
    ScheduleNext(&state, now, !status.ok());
  }
  if (observer_) {
    report.partition_id = id;
    report.status = status;
    observer_(report);
  }
  return status;
}

absl::Status PartitionManager::RefreshDelta(const std::string& id, const std::string& delta_source,
                                           absl::Time now) {
  FetchRequest request;
  request.source = delta_source;
  request.connect_timeout = policy_.connect_timeout;
  request.total_timeout = policy_.total_timeout;
  request.max_bytes = policy_.max_bytes;
  request.download_path = absl::StrCat(tmp_dir_, "/", id, ".delta.download");
  auto fetched = FetchCrl(request);
  if (!fetched.ok()) return fetched.status();
  absl::Status s = IngestFile(id, fetched->path, delta_source, "", "", now, /*delta=*/true);
  if (fetched->path == request.download_path) ::unlink(request.download_path.c_str());
  return s;
}

void PartitionManager::ScheduleNext(State* s, absl::Time now, bool failed) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.5, 1.5);
  if (failed) {
    ++s->failures;
    absl::Duration delay = policy_.retry_min;
    for (int i = 1; i < s->failures && delay < policy_.retry_max; ++i) delay *= 2;
    delay = std::min(delay, policy_.retry_max) * jitter(rng);
    s->next_attempt = now + delay;
    return;
  }
  s->failures = 0;
  absl::Time next = now + absl::Hours(1);
  if (s->stored != nullptr && s->stored->current_next_update().has_value()) {
    next = *s->stored->current_next_update() - policy_.refresh_margin;
  }
  // Never sooner than retry_min: a source whose CRL is already past its
  // nextUpdate is asked again at the retry pace, not in a tight loop.
  s->next_attempt = std::max(next, now + policy_.retry_min * jitter(rng));
}

absl::StatusOr<PartitionView> PartitionManager::Import(std::string id, absl::string_view der,
                                                       absl::Time now) {
  if (id.empty()) {
    auto idp = IdpOf(der);
    if (!idp.ok()) return absl::InvalidArgumentError(std::string(idp.status().message()));
    absl::MutexLock lock(&mu_);
    for (const auto& [pid, state] : partitions_) {
      if (state.config.distribution_point == *idp) {
        id = pid;
        break;
      }
    }
    if (id.empty()) {
      return absl::NotFoundError(absl::StrCat("no partition for distribution point '", *idp, "'"));
    }
  }
  // A delta CRL (deltaCRLIndicator) is applied over the complete one held.
  auto parsed = crl::ParseCrl(der);
  const bool delta = parsed.ok() && parsed->header.delta_base_crl_number.has_value();
  static std::atomic<int> counter{0};
  const std::string path = absl::StrCat(tmp_dir_, "/import-", ::getpid(), "-", counter++, ".crl");
  if (absl::Status s = WriteFileAtomically(path, der); !s.ok()) return s;
  const absl::Time started = absl::Now();
  absl::Status s = IngestFile(id, path, "ImportCrl", "", "", now, delta);
  if (observer_) observer_(AttemptReport{id, "ingest", s, absl::Now() - started});
  ::unlink(path.c_str());
  if (!s.ok()) return s;
  for (PartitionView& v : Snapshot(now)) {
    if (v.config.id == id) return v;
  }
  return absl::InternalError("partition vanished");
}

std::shared_ptr<const cache::PartitionMetadata> PartitionManager::Covering(
    const std::string& distribution_point, const std::string& issuer_key_id) const {
  // Length-prefixed, so no two (point, key id) pairs share a key whatever
  // bytes they hold; reused: no allocation per look-up.
  thread_local std::string key;
  const uint32_t n = static_cast<uint32_t>(distribution_point.size());
  const char length[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                          static_cast<char>(n >> 8), static_cast<char>(n)};
  key.assign(length, sizeof length).append(distribution_point).append(issuer_key_id);
  // Read before the shared map: an answer is tagged with a count no newer
  // than the map it came from, so a change in between invalidates it.
  const uint64_t changes = covering_changes_.load(std::memory_order_acquire);
  if (auto recent = recent_covers_.Find(key); recent != nullptr && recent->changes == changes) {
    // Owned through this thread's entry: no write to the metadata's count,
    // which every verification against this partition would make.
    const cache::PartitionMetadata* stored = recent->stored.get();
    return std::shared_ptr<const cache::PartitionMetadata>(std::move(recent), stored);
  }
  std::shared_ptr<const cache::PartitionMetadata> stored;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = covering_.find(distribution_point);
    if (it == covering_.end()) return nullptr;
    for (const Cover& c : it->second) {
      if (c.issuer_key_id == issuer_key_id) stored = c.stored;
    }
  }
  if (stored != nullptr) {
    recent_covers_.Put(key, std::make_shared<const RecentCover>(RecentCover{changes, stored}));
  }
  return stored;
}

void PartitionManager::SetCovering(const std::string& id, const std::string& distribution_point,
                                   std::shared_ptr<const cache::PartitionMetadata> stored) {
  covering_changes_.fetch_add(1, std::memory_order_release);
  for (auto it = covering_.begin(); it != covering_.end();) {
    std::vector<Cover>& covers = it->second;
    covers.erase(std::remove_if(covers.begin(), covers.end(),
                                [&](const Cover& c) { return c.partition_id == id; }),
                 covers.end());
    if (covers.empty()) {
      covering_.erase(it++);
    } else {
      ++it;
    }
  }
  if (stored == nullptr) return;
  std::vector<Cover>& covers = covering_[distribution_point];
  // One partition per (distribution point, issuer key): a later one wins,
  // as the map this replaces did.
  covers.erase(std::remove_if(covers.begin(), covers.end(),
                              [&](const Cover& c) { return c.issuer_key_id == stored->issuer_key_id; }),
               covers.end());
  covers.push_back(Cover{stored->issuer_key_id, id, std::move(stored)});
}

std::vector<PartitionView> PartitionManager::Snapshot(absl::Time now) const {
  absl::MutexLock lock(&mu_);
  std::vector<PartitionView> out;
  for (const auto& [id, s] : partitions_) {
    PartitionView v;
    v.config = s.config;
    if (s.stored != nullptr) v.stored = *s.stored;
    v.last_error = s.last_error;
    v.last_attempt = s.last_attempt;
    v.next_attempt = s.next_attempt;
    v.stale = s.stored == nullptr ||
              (s.stored->current_next_update().has_value() && now > *s.stored->current_next_update());
    out.push_back(std::move(v));
  }
  return out;
}

bool PartitionManager::Ready(absl::Time now, std::vector<std::string>* reasons) const {
  bool ready = true;
  for (const PartitionView& v : Snapshot(now)) {
    if (!v.config.required || !v.stale) continue;
    ready = false;
    if (reasons != nullptr) {
      reasons->push_back(absl::StrCat(
          "revocation partition ", v.config.id,
          v.stored.has_value() ? " is past its nextUpdate" : " has no CRL yet",
          v.last_error.empty() ? "" : absl::StrCat(" (last error: ", v.last_error, ")")));
    }
  }
  return ready;
}

void PartitionManager::StartRefresher(std::function<absl::Time()> clock,
                                      std::function<void()> on_change) {
  refresher_ = std::thread([this, clock = std::move(clock), on_change = std::move(on_change)] {
    RefresherLoop(clock, on_change);
  });
}

void PartitionManager::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    stop_.SignalAll();
  }
  if (refresher_.joinable()) refresher_.join();
}

void PartitionManager::RefresherLoop(std::function<absl::Time()> clock,
                                     std::function<void()> on_change) {
  while (true) {
    std::vector<std::string> due;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      const absl::Time now = clock();
      for (const auto& [id, s] : partitions_) {
        if (!s.busy && s.next_attempt <= now) due.push_back(id);
      }
    }
    for (const std::string& id : due) {
      {
        absl::MutexLock lock(&mu_);
        if (stopping_) return;
      }
      Refresh(id, clock()).IgnoreError();  // the error is kept in the state
    }
    // Every pass, not only after attempts: a partition also goes stale when
    // its nextUpdate passes between attempts (backoff can be an hour), and
    // pushed imports change readiness too.
    on_change();
    absl::MutexLock lock(&mu_);
    if (!stopping_) stop_.WaitWithTimeout(&mu_, absl::Seconds(1));
    if (stopping_) return;
  }
}

}  // namespace kensho::revocation
