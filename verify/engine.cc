#include "verify/engine.h"

#include <openssl/asn1.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "absl/status/status.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "jpki/jst_date.h"
#include "verify/cms_signed_data.h"

namespace kensho::verify {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MicrosSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Re-encodes a BER CMS message as DER with OpenSSL, for the rare signer that
// sends indefinite lengths. Empty when it is not CMS at all.
std::string BerToDer(absl::string_view ber) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(ber.data());
  CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(ber.size()));
  if (cms == nullptr) return "";
  unsigned char* out = nullptr;
  int len = i2d_CMS_ContentInfo(cms, &out);
  CMS_ContentInfo_free(cms);
  if (len <= 0) return "";
  std::string der(reinterpret_cast<char*>(out), static_cast<size_t>(len));
  OPENSSL_free(out);
  return der;
}

// A time in explanations: RFC 3339 in UTC, whatever the server's time zone.
std::string Utc(absl::Time t) { return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone()); }

// Whether a certificate is the one a SignerInfo's issuerAndSerialNumber names
// (its issuer Name DER and serial content octets, byte for byte).
bool MatchesIssuerAndSerial(const Certificate& cert, absl::string_view issuer_der,
                            absl::string_view serial) {
  return cert.issuer_der() == issuer_der && cert.serial_content() == serial;
}

// Digests fetched once: EVP_sha256() and friends make OpenSSL 3 look the
// implementation up again on every use (~0.3 µs each).
const EVP_MD* Fetched(const char* name) { return EVP_MD_fetch(nullptr, name, nullptr); }
const EVP_MD* kSha256Md = Fetched("SHA256");
const EVP_MD* kSha384Md = Fetched("SHA384");
const EVP_MD* kSha512Md = Fetched("SHA512");
const EVP_MD* kSha1Md = Fetched("SHA1");

const EVP_MD* DigestForOid(absl::string_view oid) {
  if (oid == oid::kSha256) return kSha256Md;
  if (oid == oid::kSha384) return kSha384Md;
  if (oid == oid::kSha512) return kSha512Md;
  if (oid == oid::kSha1) return kSha1Md;
  return nullptr;
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// A digest by value: no heap string for 32-64 bytes on every document.
struct DigestValue {
  char bytes[EVP_MAX_MD_SIZE];
  unsigned int size = 0;  // 0: hashing failed
  absl::string_view view() const { return absl::string_view(bytes, size); }
};

// The digest of `parts` in order. The context is kept per thread: EVP_Digest
// allocates and frees one on every call.
DigestValue Digest(const EVP_MD* md, absl::Span<const absl::string_view> parts) {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  DigestValue d;
  if (ctx == nullptr || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1) return d;
  for (absl::string_view p : parts) {
    if (EVP_DigestUpdate(ctx.get(), p.data(), p.size()) != 1) return d;
  }
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(d.bytes), &len) != 1) {
    return d;
  }
  d.size = len;
  return d;
}

X509_ALGOR* ParseAlgor(absl::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  return d2i_X509_ALGOR(nullptr, &p, static_cast<long>(der.size()));
}

// A SignerInfo's signature algorithm from its two AlgorithmIdentifier DERs.
// Memoized per thread (bounded): a server sees a handful of encodings, and
// OpenSSL's d2i of the two identifiers cost ~2% of a verified document.
absl::StatusOr<SignatureAlgorithm> SignerAlgorithm(absl::string_view signature_algorithm,
                                                   absl::string_view digest_algorithm) {
  thread_local absl::flat_hash_map<std::string, absl::StatusOr<SignatureAlgorithm>> memo;
  thread_local std::string key;  // reused: no allocation per look-up
  key.clear();
  absl::StrAppend(&key, signature_algorithm.size(), ":", signature_algorithm, digest_algorithm);
  if (auto it = memo.find(key); it != memo.end()) return it->second;
  X509_ALGOR* sig_alg = ParseAlgor(signature_algorithm);
  X509_ALGOR* dig_alg = ParseAlgor(digest_algorithm);
  absl::StatusOr<SignatureAlgorithm> alg =
      sig_alg == nullptr
          ? absl::StatusOr<SignatureAlgorithm>(absl::InvalidArgumentError("bad signatureAlgorithm"))
          : SignatureAlgorithmFromAlgor(sig_alg, dig_alg);
  X509_ALGOR_free(sig_alg);
  X509_ALGOR_free(dig_alg);
  if (memo.size() < 64) memo.emplace(key, alg);
  return alg;
}

int Severity(const Verdict& v) {
  switch (v.indication) {
    case Indication::kTotalFailed: return 2;
    case Indication::kIndeterminate: return 1;
    case Indication::kTotalPassed: return 0;
  }
  return 2;
}

}  // namespace

// One verification: collects checks and failures, then decides.
//
// Timing reads the clock once per phase ("lap"): each phase is charged the
// time since the previous lap, so work between two timed phases counts
// toward the later one (e.g. the content digest toward "signature"). Checks
// get their own start times only when a trace was asked for. A clock read
// costs ~25 ns, and reading around every check was ~1.6% of a verification.
class Engine::Run {
 public:
  Run(Engine* engine, const VerifyOptions& options)
      : engine_(engine), options_(options), start_(Clock::now()), lap_(start_) {
    verdict_.validation_time = options.validation_time;
  }
  // `start`: when this verification began (shared by a message's signers);
  // `lap`: where its first lap begins.
  Run(Engine* engine, const VerifyOptions& options, Clock::time_point start,
      Clock::time_point lap)
      : engine_(engine), options_(options), start_(start), lap_(lap) {
    verdict_.validation_time = options.validation_time;
  }

  // Microseconds since the previous lap (or the start); begins the next.
  int64_t Lap() {
    const Clock::time_point now = Clock::now();
    const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(now - lap_).count();
    lap_ = now;
    return us;
  }
  // Where a check's duration is measured from: now when tracing, else the
  // last lap (no clock read; only failed checks are kept then).
  Clock::time_point Mark() { return tracing() ? Clock::now() : lap_; }

  // Failed checks are always kept (the summary names the first one); the
  // rest only when the caller asked for a trace, to keep the warm path lean.
  void Check(std::string name, CheckResult result, std::string detail,
             Clock::time_point since) {
    if (result == CheckResult::kFailed) last_failed_ = absl::StrCat(name, ": ", detail);
    if (result != CheckResult::kFailed && !options_.include_trace) return;
    verdict_.trace.push_back(
        CheckRecord{std::move(name), result, std::move(detail), MicrosSince(since)});
  }
  bool tracing() const { return options_.include_trace; }
  // Records a failure, explained by the failed check recorded just before.
  void Fail(SubIndication s) { failures_.push_back({s, last_failed_}); }
  bool failed() const { return !failures_.empty(); }
  Verdict& verdict() { return verdict_; }

  // Parses (or finds) a certificate; records FORMAT_FAILURE if it is not one.
  std::shared_ptr<const ParsedCertificate> Parse(absl::string_view der, const char* what) {
    const auto t = Mark();
    auto parsed = engine_->certificates_.Get(der);
    verdict_.timing.parse += Lap();
    if (!parsed.ok()) {
      Check(absl::StrCat("parse_", what), CheckResult::kFailed,
            std::string(parsed.status().message()), t);
      Fail(SubIndication::kFormatFailure);
      return nullptr;
    }
    if (tracing()) Check(absl::StrCat("parse_", what), CheckResult::kPassed, "", t);
    return *parsed;
  }

  CertKind KindOf(const ParsedCertificate& c) const {
    const auto& oids = engine_->options_.oids;
    if (Contains(c.facts.policy_oids, oids.signature_policy)) return CertKind::kJpkiSignature;
    if (Contains(c.facts.policy_oids, oids.auth_policy)) return CertKind::kJpkiAuthentication;
    return CertKind::kOther;
  }

  // Chain, validity at the validation time, JPKI lifecycle rules, revocation.
  void AssessCertificate(const ParsedCertificate& leaf,
                         const std::vector<std::shared_ptr<const ParsedCertificate>>& extra,
                         jpki::IntendedUse use) {
    const Certificate& cert = *leaf.certificate;
    verdict_.kind = KindOf(leaf);
    std::shared_ptr<const LifecycleMemo> life = engine_->Lifecycle(leaf, verdict_.kind, use,
                                                                  options_.validation_time);
    CertificateSummary summary = life->summary;

    // Which profile: asked for, or the call's default, or by the JPKI kind.
    const TrustStore& trust = *engine_->trust_;
    std::string profile_name = options_.trust_profile;
    if (profile_name.empty()) {
      if (use == jpki::IntendedUse::kDocumentSigning ||
          (use == jpki::IntendedUse::kAny && verdict_.kind != CertKind::kJpkiAuthentication)) {
        profile_name = engine_->options_.signature_profile;
      } else {
        profile_name = engine_->options_.auth_profile;
      }
    }
    const TrustProfile* profile = trust.Find(profile_name);
    auto t = Mark();
    if (profile == nullptr) {
      Check("path", CheckResult::kFailed,
            absl::StrCat("trust profile '", profile_name, "' is not configured"), t);
      Fail(SubIndication::kNoCertificateChainFound);
      verdict_.certificate = std::move(summary);
      return;
    }
    bool cached = false;
    const std::shared_ptr<const PathResult> found =
        engine_->paths_.Validate(leaf, extra, *profile, options_.policy, &cached);
    const PathResult& path = *found;
    verdict_.timing.path += Lap();

    // The other JPKI certificate presented for this job: say so, rather than
    // "no chain", when it does chain to the sibling profile.
    const bool wrong_kind =
        (use == jpki::IntendedUse::kDocumentSigning &&
         verdict_.kind == CertKind::kJpkiAuthentication) ||
        (use == jpki::IntendedUse::kAuthentication && verdict_.kind == CertKind::kJpkiSignature);
    if (wrong_kind) {
      bool genuine = path.status == PathStatus::kOk;
      for (const TrustProfile& other : trust.profiles()) {
        if (genuine) break;
        if (&other == profile) continue;
        bool c2 = false;
        genuine = engine_->paths_.Validate(leaf, extra, other, {}, &c2)->status == PathStatus::kOk;
      }
      if (genuine) {
        Check("certificate_kind", CheckResult::kFailed,
              verdict_.kind == CertKind::kJpkiAuthentication
                  ? "a user authentication certificate (利用者証明用) cannot sign documents"
                  : "a signature certificate (署名用) cannot be used to log in",
              t);
        Fail(SubIndication::kWrongCertificateKind);
        verdict_.lifecycle.push_back(
            {"WRONG_CERTIFICATE_FOR_USAGE",
             verdict_.kind == CertKind::kJpkiAuthentication
                 ? "authentication certificate used for document signing"
                 : "signature certificate used for authentication",
             false});
        verdict_.certificate = std::move(summary);
        return;
      }
    }

    if (path.status != PathStatus::kOk) {
      Check("path", CheckResult::kFailed, path.detail, t);
      switch (path.status) {
        case PathStatus::kSignature: Fail(SubIndication::kSigCryptoFailure); break;
        case PathStatus::kConstraints: Fail(SubIndication::kChainConstraintsFailure); break;
        case PathStatus::kCryptoConstraints: Fail(SubIndication::kCryptoConstraintsFailure); break;
        default: Fail(SubIndication::kNoCertificateChainFound); break;
      }
      verdict_.certificate = std::move(summary);
      return;
    }
    if (tracing()) {
      Check("path", CheckResult::kPassed, absl::StrCat(path.detail, cached ? " (cached)" : ""), t);
    }
    summary.trust_anchor = path.anchor->label;

    // Validity of the whole chain at the validation time.
    t = Mark();
    const absl::Time at = options_.validation_time;
    if (at < path.window_start) {
      Check("validity", CheckResult::kFailed,
            absl::StrCat("not valid before ", Utc(path.window_start)), t);
      Fail(SubIndication::kNotYetValid);
    } else if (at > path.window_end) {
      Check("validity", CheckResult::kFailed,
            absl::StrCat("expired at ", Utc(path.window_end)), t);
      Fail(SubIndication::kExpired);
    } else {
      if (tracing()) {
        Check("validity", CheckResult::kPassed,
              absl::StrCat("valid until ", Utc(path.window_end)), t);
      }
    }

    // JPKI profile and lifecycle rules (computed once per certificate, use
    // and JST day).
    t = Mark();
    {
      bool broken = false;
      for (const auto& f : life->findings) broken |= !f.informational;
      if (broken || tracing()) {
        std::string codes;
        for (const auto& f : life->findings) {
          absl::StrAppend(&codes, codes.empty() ? "" : ", ", f.code);
        }
        Check("lifecycle", broken ? CheckResult::kFailed : CheckResult::kPassed,
              codes.empty() ? "no findings" : codes, t);
      }
      for (const auto& f : life->findings) {
        if (f.informational) continue;
        Fail(f.code == "WRONG_CERTIFICATE_FOR_USAGE" ? SubIndication::kWrongCertificateKind
                                                     : SubIndication::kPolicyFailure);
      }
      verdict_.lifecycle = life->findings;
    }
    if (options_.include_subject && leaf.facts.has_basic_four) {
      verdict_.subject = leaf.facts.basic_four;
    }
    verdict_.certificate = std::move(summary);

    // Revocation, on the validated chain.
    t = Mark();
    RevocationMode mode = options_.revocation_mode == RevocationMode::kDefault
                              ? engine_->options_.default_revocation_mode
                              : options_.revocation_mode;
    if (engine_->revocation_ != nullptr && path.issuer != nullptr) {
      verdict_.revocation = engine_->revocation_->Check(cert, *path.issuer, at, mode);
    }
    verdict_.timing.revocation += Lap();
    switch (verdict_.revocation.status) {
      case RevocationStatus::kGood:
        if (tracing()) Check("revocation", CheckResult::kPassed, verdict_.revocation.source_id, t);
        break;
      case RevocationStatus::kRevoked:
        Check("revocation", CheckResult::kFailed,
              absl::StrCat("revoked: ", verdict_.revocation.reason), t);
        Fail(SubIndication::kRevoked);
        break;
      case RevocationStatus::kUnknown:
        if (mode == RevocationMode::kHardFail && verdict_.revocation.try_later) {
          Check("revocation", CheckResult::kFailed,
                "no fresh revocation status yet, a query is under way (hard-fail)", t);
          Fail(SubIndication::kTryLater);
        } else if (mode == RevocationMode::kHardFail) {
          Check("revocation", CheckResult::kFailed, "no fresh revocation status (hard-fail)", t);
          Fail(SubIndication::kRevocationUnavailable);
        } else if (tracing()) {
          Check("revocation", CheckResult::kSkipped,
                engine_->revocation_ == nullptr
                    ? "no revocation source configured (soft-fail)"
                    : "no fresh revocation status (soft-fail)",
                t);
        }
        break;
    }
  }

  // Checks `signature` by `signer` over `message` (or a digest).
  void CheckSignature(const ParsedCertificate& signer, SignatureAlgorithm alg,
                      absl::string_view message_or_digest, bool is_digest,
                      absl::string_view signature) {
    const auto t = Mark();
    EVP_PKEY* key = X509_get0_pubkey(signer.certificate->x509());
    SignatureCheck check = is_digest ? VerifyDigest(key, alg, message_or_digest, signature)
                                     : VerifyMessage(key, alg, message_or_digest, signature);
    verdict_.timing.signature += Lap();
    switch (check.result) {
      case SignatureResult::kValid:
        if (tracing()) {
          Check("signature", CheckResult::kPassed, std::string(SignatureAlgorithmName(alg)), t);
        }
        return;
      case SignatureResult::kInvalid:
        Check("signature", CheckResult::kFailed, check.detail, t);
        Fail(SubIndication::kSigCryptoFailure);
        break;
      case SignatureResult::kKeyMismatch:
      case SignatureResult::kWeakKey:
        Check("signature", CheckResult::kFailed, check.detail, t);
        Fail(SubIndication::kCryptoConstraintsFailure);
        break;
    }
  }

  Verdict Finish() {
    SubIndication worst = SubIndication::kNone;
    std::string why;
    for (const auto& [s, reason] : failures_) {
      if (worst == SubIndication::kNone || s < worst) {
        worst = s;
        why = reason;
      }
    }
    verdict_.sub_indication = worst;
    verdict_.indication = IndicationFor(worst);
    verdict_.timing.total = MicrosSince(start_);
    if (worst == SubIndication::kNone) {
      verdict_.summary = "TOTAL_PASSED";
    } else {
      verdict_.summary = absl::StrCat(verdict_.indication == Indication::kTotalFailed
                                          ? "TOTAL_FAILED/"
                                          : "INDETERMINATE/",
                                      SubIndicationName(worst), why.empty() ? "" : " - ", why);
    }
    return std::move(verdict_);
  }

  VerifyOptions& options() { return options_; }

 private:
  Engine* engine_;
  VerifyOptions options_;
  Clock::time_point start_;
  Clock::time_point lap_;
  Verdict verdict_;
  std::vector<std::pair<SubIndication, std::string>> failures_;
  std::string last_failed_;
};

std::shared_ptr<const LifecycleMemo> Engine::Lifecycle(const ParsedCertificate& leaf,
                                                      CertKind kind, jpki::IntendedUse use,
                                                      absl::Time at) {
  const Certificate& cert = *leaf.certificate;
  const absl::CivilDay day = jpki::JstDay(at);
  thread_local std::string key;  // reused: no allocation per look-up
  key = cert.sha256();
  absl::StrAppend(&key, "|", static_cast<int>(use), "|", static_cast<int>(kind), "|",
                  static_cast<int64_t>(day - absl::CivilDay(1970, 1, 1)));
  if (auto recent = recent_lifecycle_.Find(key); recent != nullptr) return recent;
  {
    absl::ReaderMutexLock lock(&memo_mu_);
    auto it = lifecycle_memo_.find(key);
    if (it != lifecycle_memo_.end()) {
      recent_lifecycle_.Put(key, it->second);
      return it->second;
    }
  }
  auto memo = std::make_shared<LifecycleMemo>();
  CertificateSummary& summary = memo->summary;
  summary.serial_hex = cert.serial_hex();
  summary.issuer = cert.issuer();
  summary.subject = cert.subject();
  summary.not_before = cert.not_before();
  summary.not_after = cert.not_after();
  summary.sha256_hex = cert.sha256_hex();
  jpki::LifecycleSummary life = jpki::Summarize(cert.not_after(), at);
  summary.expiry_date_jst = life.expiry_date_jst;
  summary.days_until_expiry = life.days_until_expiry;
  summary.renewal_window_open = life.renewal_window_open;

  jpki::LifecycleInput in;
  in.kind = kind == CertKind::kJpkiSignature        ? jpki::CertKind::kSignature
            : kind == CertKind::kJpkiAuthentication ? jpki::CertKind::kAuthentication
                                                    : jpki::CertKind::kOther;
  in.use = use;
  in.not_before = cert.not_before();
  in.not_after = cert.not_after();
  in.validation_time = at;
  if (leaf.facts.has_basic_four) in.birth_date = leaf.facts.basic_four.birth_date;
  in.rsa_bits = leaf.facts.rsa_bits;
  in.sha256_or_stronger = leaf.facts.sha256_or_stronger;
  in.has_non_repudiation = leaf.facts.non_repudiation;
  in.has_digital_signature = leaf.facts.digital_signature;
  memo->findings = jpki::EvaluateLifecycle(in);
  if (in.kind == jpki::CertKind::kSignature) {
    for (const auto& f : leaf.facts.basic_four_findings) memo->findings.push_back(f);
  }
  recent_lifecycle_.Put(key, memo);
  absl::MutexLock lock(&memo_mu_);
  if (lifecycle_memo_.size() >= options_.certificate_cache_capacity) lifecycle_memo_.clear();
  lifecycle_memo_.emplace(key, memo);
  return memo;
}

Engine::Engine(std::shared_ptr<const TrustStore> trust, EngineOptions options,
               const RevocationChecker* revocation)
    : trust_(trust),
      options_(std::move(options)),
      revocation_(revocation),
      certificates_(options_.certificate_cache_capacity),
      paths_(trust, options_.path_cache_capacity),
      challenges_(options_.challenges != nullptr
                      ? options_.challenges
                      : std::make_shared<InMemoryChallengeStore>(options_.challenge_ttl,
                                                                 options_.challenge_capacity)),
      recent_lifecycle_(std::min<size_t>(options_.certificate_cache_capacity, 2048)) {}

absl::Status Engine::CheckProfile(const VerifyOptions& options) const {
  if (!options.trust_profile.empty() && trust_->Find(options.trust_profile) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy.trust_profile: '", options.trust_profile, "' is not configured"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Verdict> Engine::ValidateCertificate(
    absl::string_view der, const std::vector<absl::string_view>& intermediates,
    jpki::IntendedUse use, const VerifyOptions& options) {
  if (absl::Status s = CheckProfile(options); !s.ok()) return s;
  Run run(this, options);
  auto leaf = run.Parse(der, "certificate");
  std::vector<std::shared_ptr<const ParsedCertificate>> extra;
  for (absl::string_view i : intermediates) {
    if (auto c = run.Parse(i, "intermediate")) extra.push_back(std::move(c));
  }
  if (leaf != nullptr && !run.failed()) run.AssessCertificate(*leaf, extra, use);
  return run.Finish();
}

absl::StatusOr<Verdict> Engine::VerifyRawSignature(absl::string_view certificate,
                                                   std::optional<absl::string_view> data,
                                                   std::optional<absl::string_view> digest,
                                                   SignatureAlgorithm algorithm,
                                                   absl::string_view signature,
                                                   const VerifyOptions& options) {
  if (absl::Status s = CheckProfile(options); !s.ok()) return s;
  if (data.has_value() && static_cast<int64_t>(data->size()) > options_.max_content_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("raw.data is larger than ", options_.max_content_bytes, " bytes"));
  }
  Run run(this, options);
  auto leaf = run.Parse(certificate, "certificate");
  if (leaf != nullptr) {
    run.CheckSignature(*leaf, algorithm, data.has_value() ? *data : digest.value_or(""),
                       !data.has_value(), signature);
    run.AssessCertificate(*leaf, {}, jpki::IntendedUse::kDocumentSigning);
  }
  return run.Finish();
}

absl::StatusOr<Verdict> Engine::VerifyAuthAssertion(absl::string_view nonce,
                                                    absl::string_view certificate,
                                                    absl::string_view signature,
                                                    SignatureAlgorithm algorithm,
                                                    const VerifyOptions& options) {
  if (absl::Status s = CheckProfile(options); !s.ok()) return s;
  Run run(this, options);
  auto t = run.Mark();
  // The challenge is judged at the real time of the call, never at a
  // caller-chosen validation time.
  ChallengeOutcome outcome = challenges_->Consume(nonce, options.validation_time);
  switch (outcome) {
    case ChallengeOutcome::kAccepted:
      if (run.tracing()) {
        run.Check("challenge", CheckResult::kPassed, "nonce issued here, unused, not expired", t);
      }
      break;
    case ChallengeOutcome::kUnknown:
      run.Check("challenge", CheckResult::kFailed, "nonce was not issued by this server", t);
      run.Fail(SubIndication::kChallengeUnknown);
      break;
    case ChallengeOutcome::kExpired:
      run.Check("challenge", CheckResult::kFailed, "nonce expired", t);
      run.Fail(SubIndication::kChallengeExpired);
      break;
    case ChallengeOutcome::kReplayed:
      run.Check("challenge", CheckResult::kFailed, "nonce already used", t);
      run.Fail(SubIndication::kChallengeReplayed);
      break;
  }
  auto leaf = run.Parse(certificate, "certificate");
  if (leaf != nullptr) {
    run.CheckSignature(*leaf, algorithm, nonce, /*is_digest=*/false, signature);
    run.AssessCertificate(*leaf, {}, jpki::IntendedUse::kAuthentication);
  }
  return run.Finish();
}

absl::StatusOr<Verdict> Engine::VerifySignedDocument(absl::string_view cms,
                                                     absl::string_view detached_content,
                                                     const VerifyOptions& options) {
  if (absl::Status s = CheckProfile(options); !s.ok()) return s;
  if (static_cast<int64_t>(detached_content.size()) > options_.max_content_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("detached_content is larger than ", options_.max_content_bytes, " bytes"));
  }
  auto t = Clock::now();
  std::string reencoded;
  auto view = ParseSignedData(cms);
  if (!view.ok()) {
    reencoded = BerToDer(cms);
    if (!reencoded.empty()) {
      auto again = ParseSignedData(reencoded);
      if (again.ok()) view = std::move(again);
    }
  }
  if (!view.ok()) {
    Run run(this, options);
    run.Check("parse_cms", CheckResult::kFailed, std::string(view.status().message()), t);
    run.Fail(SubIndication::kFormatFailure);
    return run.Finish();
  }
  if (view->content.has_value() && !detached_content.empty()) {
    return absl::InvalidArgumentError(
        "detached_content given for a CMS message that carries its content");
  }
  absl::string_view content = view->content.value_or(detached_content);
  if (static_cast<int64_t>(content.size()) > options_.max_content_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("signed content is larger than ", options_.max_content_bytes, " bytes"));
  }
  const Clock::time_point parsed = Clock::now();
  const int64_t parse_cms_micros =
      std::chrono::duration_cast<std::chrono::microseconds>(parsed - t).count();

  std::optional<Verdict> worst;
  for (size_t i = 0; i < view->signers.size(); ++i) {
    const SignerInfoView& signer = view->signers[i];
    // The CMS parse is charged just below; a later signer's laps begin now.
    Run run(this, options, t, i == 0 ? parsed : Clock::now());
    run.verdict().timing.parse += parse_cms_micros;
    if (run.tracing()) {
      run.Check("parse_cms", CheckResult::kPassed,
                absl::StrCat(view->signers.size(), " signer(s), ", view->certificates.size(),
                             " certificate(s), signer #", i + 1),
                t);
    }
    if (!view->content.has_value() && detached_content.empty()) {
      run.Check("content", CheckResult::kFailed, "detached signature without content", t);
      run.Fail(SubIndication::kFormatFailure);
    }
    // Certificates in any order; all are candidates for the signer and,
    // except the signer, for the path. None is ever an anchor.
    std::vector<std::shared_ptr<const ParsedCertificate>> certs;
    for (absl::string_view c : view->certificates) {
      if (auto p = run.Parse(c, "embedded_certificate")) certs.push_back(std::move(p));
    }
    std::shared_ptr<const ParsedCertificate> leaf;
    auto ts = run.Mark();
    for (const auto& c : certs) {
      bool match = signer.subject_key_id.empty()
                       ? MatchesIssuerAndSerial(*c->certificate, signer.issuer_der, signer.serial)
                       : c->certificate->subject_key_id() == signer.subject_key_id;
      if (match) {
        leaf = c;
        break;
      }
    }
    if (leaf == nullptr) {
      run.Check("signer_certificate", CheckResult::kFailed,
                "no embedded certificate matches the SignerInfo's signer identifier", ts);
      run.Fail(SubIndication::kNoCertificateChainFound);
    } else if (run.tracing()) {
      run.Check("signer_certificate", CheckResult::kPassed, leaf->certificate->subject(), ts);
    }

    // Digest of the content and the signed attributes.
    ts = run.Mark();
    const EVP_MD* md = DigestForOid(signer.digest_oid);
    if (md == nullptr) {
      run.Check("digest", CheckResult::kFailed, "unsupported digest algorithm", ts);
      run.Fail(SubIndication::kCryptoConstraintsFailure);
    } else if (md == kSha1Md) {
      run.Check("digest", CheckResult::kFailed, "SHA-1 is below the SHA-256 floor", ts);
      run.Fail(SubIndication::kCryptoConstraintsFailure);
    }
    DigestValue content_digest;
    if (md != nullptr && md != kSha1Md && !run.failed()) {
      content_digest = Digest(md, {content});
      if (signer.signed_attributes.has_value()) {
        const SignedAttributes& attrs = *signer.signed_attributes;
        if (attrs.signing_time.has_value()) run.verdict().signing_time = *attrs.signing_time;
        if (!attrs.content_type.has_value() || !attrs.message_digest.has_value()) {
          run.Check("signed_attributes", CheckResult::kFailed,
                    "contentType and messageDigest signed attributes are required", ts);
          run.Fail(SubIndication::kFormatFailure);
        } else if (*attrs.content_type != view->content_type) {
          run.Check("signed_attributes", CheckResult::kFailed,
                    "contentType attribute differs from eContentType", ts);
          run.Fail(SubIndication::kFormatFailure);
        } else if (*attrs.message_digest != content_digest.view()) {
          run.Check("message_digest", CheckResult::kFailed,
                    "messageDigest does not match the content", ts);
          run.Fail(SubIndication::kHashFailure);
        } else if (run.tracing()) {
          run.Check("message_digest", CheckResult::kPassed, "", ts);
        }
      } else if (view->content_type != oid::kData) {
        run.Check("signed_attributes", CheckResult::kFailed,
                  "signed attributes are required when the content is not id-data", ts);
        run.Fail(SubIndication::kFormatFailure);
      }
    }
    if (run.verdict().signing_time.has_value() && options.use_signing_time) {
      run.options().validation_time = *run.verdict().signing_time;
      run.verdict().validation_time = *run.verdict().signing_time;
    }

    // The signature over the signed attributes (or the content).
    if (leaf != nullptr && !run.failed()) {
      const absl::StatusOr<SignatureAlgorithm> alg =
          SignerAlgorithm(signer.signature_algorithm, signer.digest_algorithm);
      if (!alg.ok()) {
        run.Check("signature", CheckResult::kFailed, std::string(alg.status().message()), ts);
        run.Fail(SubIndication::kCryptoConstraintsFailure);
      } else {
        // What the signature covers, hashed here without copying it: the
        // signed attributes re-tagged as a SET or, without them, the
        // content, whose digest is often already known.
        const EVP_MD* sig_md = SignatureHash(*alg);
        DigestValue covered;
        if (signer.signed_attributes.has_value()) {
          covered = Digest(sig_md, signer.SignedPieces());
        } else {
          covered = EVP_MD_get_type(sig_md) == EVP_MD_get_type(md) ? content_digest
                                                                      : Digest(sig_md, {content});
        }
        run.CheckSignature(*leaf, *alg, covered.view(), /*is_digest=*/true, signer.signature);
      }
    }
    if (leaf != nullptr) {
      std::vector<std::shared_ptr<const ParsedCertificate>> others;
      for (const auto& c : certs) {
        if (c != leaf) others.push_back(c);
      }
      run.AssessCertificate(*leaf, others, jpki::IntendedUse::kDocumentSigning);
    }
    Verdict v = run.Finish();
    if (!worst.has_value() || Severity(v) > Severity(*worst)) worst = std::move(v);
  }
  return std::move(*worst);
}

}  // namespace kensho::verify
