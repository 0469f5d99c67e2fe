#include "revocation/ocsp_manager.h"


#include "cache/key_schema.h"

namespace kensho::revocation {
namespace {

constexpr size_t kMaxQueue = 10000;
constexpr size_t kMaxAnswers = 1000000;
constexpr absl::Duration kNegativeTtl = absl::Minutes(1);
// A responder that says tryLater is asked again sooner than a failed one.
constexpr absl::Duration kTryLaterTtl = absl::Seconds(10);
constexpr absl::Duration kSkew = absl::Minutes(5);

bool Current(const OcspAnswer& a, absl::Time now) {
  if (now + kSkew < a.this_update) return false;
  absl::Time until = a.next_update.value_or(a.this_update + absl::Hours(24));
  return now <= until;
}

}  // namespace

OcspManager::OcspManager(const std::vector<OcspResponder>& responders,
                         std::shared_ptr<const verify::TrustStore> trust,
                         cache::RocksStore* store, absl::Duration connect_timeout,
                         absl::Duration total_timeout)
    : trust_(std::move(trust)),
      store_(store),
      connect_timeout_(connect_timeout),
      total_timeout_(total_timeout) {
  for (const OcspResponder& r : responders) {
    const verify::TrustProfile* profile = trust_->Find(r.trust_profile);
    if (profile == nullptr) continue;
    for (const auto& anchor : profile->anchors) {
      by_issuer_key_[anchor.certificate->subject_key_id()] = r;
    }
  }
}

OcspManager::~OcspManager() { Stop(); }

std::string OcspManager::UrlFor(const verify::Certificate& issuer) const {
  auto it = by_issuer_key_.find(issuer.subject_key_id());
  return it == by_issuer_key_.end() ? "" : it->second.url;
}

std::optional<OcspAnswer> OcspManager::Cached(const verify::Certificate& leaf,
                                              const verify::Certificate& issuer,
                                              absl::Time now) const {
  if (UrlFor(issuer).empty()) return std::nullopt;
  auto key = OcspCacheKey(leaf, issuer);
  if (!key.ok()) return std::nullopt;
  {
    absl::MutexLock lock(&mu_);
    auto it = answers_.find(*key);
    if (it != answers_.end()) {
      if (Current(it->second, now)) return it->second;
      return std::nullopt;
    }
  }
  if (store_ == nullptr) return std::nullopt;
  auto stored = store_->Get(cache::kOcspFamily, *key);
  if (!stored.ok() || !stored->has_value()) return std::nullopt;
  std::optional<OcspAnswer> a = DecodeOcspAnswer(**stored);
  if (!a.has_value()) return std::nullopt;
  absl::MutexLock lock(&mu_);
  if (answers_.size() < kMaxAnswers) answers_[*key] = *a;
  if (!Current(*a, now)) return std::nullopt;
  return a;
}

bool OcspManager::Request(const verify::Certificate& leaf, const verify::Certificate& issuer,
                          absl::Time now) {
  std::string url = UrlFor(issuer);
  if (url.empty()) return false;
  auto key = OcspCacheKey(leaf, issuer);
  if (!key.ok()) return false;
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  if (pending_.count(*key)) return true;
  auto failed = failed_until_.find(*key);
  if (failed != failed_until_.end() && now < failed->second.until) return failed->second.try_later;
  if (queue_.size() >= kMaxQueue) return false;
  pending_.insert(*key);
  queue_.push_back(
      Job{*key, url, leaf.der(), issuer.der(), by_issuer_key_.at(issuer.subject_key_id()).nonce});
  work_.Signal();
  return true;
}

void OcspManager::Start(std::function<absl::Time()> clock) {
  worker_ = std::thread([this, clock = std::move(clock)] { Loop(clock); });
}

void OcspManager::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    work_.SignalAll();
  }
  if (worker_.joinable()) worker_.join();
}

void OcspManager::Loop(std::function<absl::Time()> clock) {
  while (true) {
    Job job;
    {
      absl::MutexLock lock(&mu_);
      while (!stopping_ && queue_.empty()) work_.Wait(&mu_);
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    auto leaf = verify::Certificate::ParseDer(job.leaf_der);
    auto issuer = verify::Certificate::ParseDer(job.issuer_der);
    absl::StatusOr<OcspAnswer> answer = absl::InternalError("unparsable certificate");
    const absl::Time now = clock();
    if (leaf.ok() && issuer.ok()) {
      answer = QueryOcsp(job.url, **leaf, **issuer, now, connect_timeout_, total_timeout_, job.nonce);
    }
    if (answer.ok() && store_ != nullptr) {
      store_->Commit({{cache::kOcspFamily, job.key, EncodeOcspAnswer(*answer)}}).IgnoreError();
    }
    absl::MutexLock lock(&mu_);
    pending_.erase(job.key);
    if (answer.ok()) {
      if (answers_.size() >= kMaxAnswers) answers_.clear();
      answers_[job.key] = *answer;
      failed_until_.erase(job.key);
    } else {
      if (failed_until_.size() >= kMaxAnswers) failed_until_.clear();
      const bool try_later = answer.status().code() == absl::StatusCode::kResourceExhausted;
      failed_until_[job.key] = Failure{now + (try_later ? kTryLaterTtl : kNegativeTtl), try_later};
    }
  }
}

}  // namespace kensho::revocation

