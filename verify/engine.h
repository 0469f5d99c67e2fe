// The verification engine: signed documents (CMS or raw signatures), login
// assertions and certificates, each answered with an explainable Verdict.
//
// Cost by design: a certificate seen before costs one SHA-256 and a cache
// lookup (not a parse); its path result is reused while the validation time
// lies inside the chain's validity window; so a repeat signer costs about one
// public-key verify. Thread-safe; no gRPC, no RocksDB.
#ifndef KENSHO_VERIFY_ENGINE_H_
#define KENSHO_VERIFY_ENGINE_H_

#include <memory>
#include <unordered_map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/per_thread_cache.h"
#include "jpki/lifecycle_rules.h"
#include "jpki/oids.h"
#include "verify/certificate_cache.h"
#include "verify/challenge_store.h"
#include "verify/path_validator.h"
#include "verify/revocation_checker.h"
#include "verify/signature.h"
#include "verify/trust_store.h"
#include "verify/verdict.h"

namespace kensho::verify {

struct EngineOptions {
  size_t certificate_cache_capacity = 100000;
  size_t path_cache_capacity = 100000;
  int64_t max_content_bytes = 16 << 20;
  jpki::JpkiOids oids;
  std::string signature_profile = "jpki-sign";
  std::string auth_profile = "jpki-auth";
  // What REVOCATION_MODE_DEFAULT means. Soft-fail: UNKNOWN status is
  // reported but does not change the indication.
  RevocationMode default_revocation_mode = RevocationMode::kSoftFail;
  absl::Duration challenge_ttl = absl::Minutes(5);
  size_t challenge_capacity = 1000000;
  // Shared with the engine this one replaces (config reload), so issued
  // nonces stay valid; null: a new in-memory store.
  std::shared_ptr<ChallengeStore> challenges;
};

// Per-request choices (kensho.v1.Policy, resolved).
struct VerifyOptions {
  absl::Time validation_time;  // the caller resolves "now"
  bool use_signing_time = false;
  std::string trust_profile;   // empty: the call's default
  RevocationMode revocation_mode = RevocationMode::kDefault;
  bool include_subject = false;  // asked AND allowed
  // Record every check in Verdict::trace; otherwise only failed ones.
  bool include_trace = false;
  PolicyInputs policy;
};

// What a certificate's summary and lifecycle findings are on one JST day.
struct LifecycleMemo {
  CertificateSummary summary;  // without trust_anchor
  std::vector<jpki::ProfileFinding> findings;
};

class Engine {
 public:
  Engine(std::shared_ptr<const TrustStore> trust, EngineOptions options,
         const RevocationChecker* revocation = nullptr);

  // A certificate alone. `use` kAny picks the profile by the certificate's
  // JPKI policy OID. Errors: InvalidArgument (unknown trust profile).
  absl::StatusOr<Verdict> ValidateCertificate(absl::string_view der,
                                              const std::vector<absl::string_view>& intermediates,
                                              jpki::IntendedUse use, const VerifyOptions& options);

  // CMS SignedData, attached or detached. Every SignerInfo is verified and
  // the worst verdict is returned. Errors: ResourceExhausted (content over the
  // limit), InvalidArgument (content both attached and detached).
  absl::StatusOr<Verdict> VerifySignedDocument(absl::string_view cms,
                                               absl::string_view detached_content,
                                               const VerifyOptions& options);

  // A bare signature by a certificate over data or a digest.
  absl::StatusOr<Verdict> VerifyRawSignature(absl::string_view certificate,
                                             std::optional<absl::string_view> data,
                                             std::optional<absl::string_view> digest,
                                             SignatureAlgorithm algorithm,
                                             absl::string_view signature,
                                             const VerifyOptions& options);

  // Login step 2: the nonce is spent first (single use, even when the rest
  // fails), then the card's signature over it and the certificate.
  absl::StatusOr<Verdict> VerifyAuthAssertion(absl::string_view nonce,
                                              absl::string_view certificate,
                                              absl::string_view signature,
                                              SignatureAlgorithm algorithm,
                                              const VerifyOptions& options);

  ChallengeStore& challenges() { return *challenges_; }
  const std::shared_ptr<ChallengeStore>& shared_challenges() const { return challenges_; }
  const CertificateCache& certificate_cache() const { return certificates_; }
  const PathValidator& path_validator() const { return paths_; }
  const EngineOptions& options() const { return options_; }

 private:
  class Run;

  // InvalidArgument when the request names a trust profile that is not loaded.
  absl::Status CheckProfile(const VerifyOptions& options) const;

  // The summary and findings for `leaf` used as `use` on the JST day of
  // `at`: they change only from one day to the next, so they are memoized.
  std::shared_ptr<const LifecycleMemo> Lifecycle(const ParsedCertificate& leaf, CertKind kind,
                                                 jpki::IntendedUse use, absl::Time at);

  std::shared_ptr<const TrustStore> trust_;
  const EngineOptions options_;
  const RevocationChecker* revocation_;
  CertificateCache certificates_;
  PathValidator paths_;
  std::shared_ptr<ChallengeStore> challenges_;
  absl::Mutex memo_mu_;
  std::unordered_map<std::string, std::shared_ptr<const LifecycleMemo>> lifecycle_memo_
      ABSL_GUARDED_BY(memo_mu_);
  // In front of lifecycle_memo_: no lock for a repeat signer (see
  // base/per_thread_cache.h).
  PerThreadCache<std::string, const LifecycleMemo> recent_lifecycle_;
};

}  // namespace kensho::verify

#endif  // KENSHO_VERIFY_ENGINE_H_
