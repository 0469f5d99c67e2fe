// Same-day revocation status from OCSP, fetched in the background and cached
// (memory and RocksDB), never on the request path.
//
// A verification that wants OCSP and finds no fresh answer queues a query
// and is answered from the CRL meanwhile; later verifications of the same
// certificate get the OCSP answer. Queries for one CertID are deduplicated,
// failures are remembered for a minute (negative caching) and the queue is
// bounded. Thread-safe.
#ifndef KENSHO_REVOCATION_OCSP_MANAGER_H_
#define KENSHO_REVOCATION_OCSP_MANAGER_H_

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cache/rocks_store.h"
#include "revocation/ocsp_client.h"
#include "verify/trust_store.h"

namespace kensho::revocation {

struct OcspResponder {
  std::string trust_profile;  // the issuers (all generations) it answers for
  std::string url;
  bool nonce = false;  // see QueryOcsp
};

class OcspManager {
 public:
  // `store` (may be null: memory only) must outlive the manager.
  OcspManager(const std::vector<OcspResponder>& responders,
              std::shared_ptr<const verify::TrustStore> trust, cache::RocksStore* store,
              absl::Duration connect_timeout, absl::Duration total_timeout);
  ~OcspManager();

  // The responder URL for certificates of this issuer; empty if none.
  std::string UrlFor(const verify::Certificate& issuer) const;

  // A cached answer current at `now`, if any.
  std::optional<OcspAnswer> Cached(const verify::Certificate& leaf,
                                   const verify::Certificate& issuer, absl::Time now) const;

  // Queues a background query (no-op when one is pending, failed lately, the
  // queue is full, or no responder serves the issuer). True when an answer
  // may come soon: a query is queued or in flight, or the responder's last
  // word was tryLater (its negative cache then lasts only kTryLaterTtl).
  bool Request(const verify::Certificate& leaf, const verify::Certificate& issuer,
               absl::Time now);

  void Start(std::function<absl::Time()> clock);
  void Stop();

 private:
  struct Job {
    std::string key, url, leaf_der, issuer_der;
    bool nonce = false;
  };
  void Loop(std::function<absl::Time()> clock);

  std::map<std::string, OcspResponder> by_issuer_key_;  // SKI -> its responder
  std::shared_ptr<const verify::TrustStore> trust_;
  cache::RocksStore* store_;
  const absl::Duration connect_timeout_, total_timeout_;

  mutable absl::Mutex mu_;
  mutable std::map<std::string, OcspAnswer> answers_ ABSL_GUARDED_BY(mu_);
  std::deque<Job> queue_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> pending_ ABSL_GUARDED_BY(mu_);
  struct Failure {
    absl::Time until;
    bool try_later;  // the responder said tryLater
  };
  std::map<std::string, Failure> failed_until_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // The worker's wake-up. A CondVar, not Mutex::Await: a waiter's condition
  // on mu_ would send every unlock of it through absl's slow path.
  absl::CondVar work_;
  std::thread worker_;
};

}  // namespace kensho::revocation

#endif  // KENSHO_REVOCATION_OCSP_MANAGER_H_
