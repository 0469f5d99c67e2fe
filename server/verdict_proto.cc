#include "server/verdict_proto.h"

#include <utility>

#include "absl/status/status.h"
#include "jpki/jst_date.h"
#include "server/proto_time.h"

namespace kensho::server {
namespace {

v1::SubIndication SubToProto(verify::SubIndication s) {
  using S = verify::SubIndication;
  switch (s) {
    case S::kNone: return v1::SUB_INDICATION_UNSPECIFIED;
    case S::kFormatFailure: return v1::FORMAT_FAILURE;
    case S::kWrongCertificateKind: return v1::WRONG_CERTIFICATE_KIND;
    case S::kNoCertificateChainFound: return v1::NO_CERTIFICATE_CHAIN_FOUND;
    case S::kChainConstraintsFailure: return v1::CHAIN_CONSTRAINTS_FAILURE;
    case S::kCryptoConstraintsFailure: return v1::CRYPTO_CONSTRAINTS_FAILURE;
    case S::kHashFailure: return v1::HASH_FAILURE;
    case S::kSigCryptoFailure: return v1::SIG_CRYPTO_FAILURE;
    case S::kChallengeUnknown: return v1::CHALLENGE_UNKNOWN;
    case S::kChallengeExpired: return v1::CHALLENGE_EXPIRED;
    case S::kChallengeReplayed: return v1::CHALLENGE_REPLAYED;
    case S::kNotYetValid: return v1::NOT_YET_VALID;
    case S::kExpired: return v1::EXPIRED;
    case S::kPolicyFailure: return v1::POLICY_FAILURE;
    case S::kRevoked: return v1::REVOKED;
    case S::kRevocationUnavailable: return v1::REVOCATION_UNAVAILABLE;
    case S::kTryLater: return v1::TRY_LATER;
  }
  return v1::SUB_INDICATION_UNSPECIFIED;
}

v1::RevocationReason ReasonToProto(const std::string& reason) {
  v1::RevocationReason r = v1::REVOCATION_REASON_UNSPECIFIED;
  // Most verdicts have no reason: skip the descriptor look-up by name.
  if (!reason.empty()) v1::RevocationReason_Parse(reason, &r);
  return r;
}

}  // namespace

void ToProto(verify::Verdict&& v, bool include_trace, v1::Verdict* out) {
  out->set_indication(v.indication == verify::Indication::kTotalPassed   ? v1::TOTAL_PASSED
                      : v.indication == verify::Indication::kTotalFailed ? v1::TOTAL_FAILED
                                                                         : v1::INDETERMINATE);
  out->set_sub_indication(SubToProto(v.sub_indication));
  switch (v.kind) {
    case verify::CertKind::kJpkiSignature: out->set_kind(v1::JPKI_SIGNATURE); break;
    case verify::CertKind::kJpkiAuthentication: out->set_kind(v1::JPKI_AUTHENTICATION); break;
    case verify::CertKind::kOther: out->set_kind(v1::OTHER); break;
    case verify::CertKind::kUnspecified: break;
  }
  if (v.certificate.has_value()) {
    verify::CertificateSummary& c = *v.certificate;
    v1::CertificateSummary* s = out->mutable_certificate();
    s->set_serial(std::move(c.serial_hex));
    s->set_issuer(std::move(c.issuer));
    s->set_subject(std::move(c.subject));
    ToProto(c.not_before, s->mutable_not_before());
    ToProto(c.not_after, s->mutable_not_after());
    s->set_expiry_date_jst(std::move(c.expiry_date_jst));
    s->set_days_until_expiry(c.days_until_expiry);
    s->set_renewal_window_open(c.renewal_window_open);
    s->set_trust_anchor(std::move(c.trust_anchor));
    s->set_sha256_fingerprint(std::move(c.sha256_hex));
  }
  verify::RevocationSummary& r = v.revocation;
  v1::RevocationSummary* rs = out->mutable_revocation();
  rs->set_status(r.status == verify::RevocationStatus::kGood      ? v1::RevocationSummary::GOOD
                 : r.status == verify::RevocationStatus::kRevoked ? v1::RevocationSummary::REVOKED
                                                                   : v1::RevocationSummary::UNKNOWN);
  rs->set_reason(ReasonToProto(r.reason));
  if (r.revoked_at) ToProto(*r.revoked_at, rs->mutable_revoked_at());
  rs->set_source(r.source == verify::RevocationSource::kCrl    ? v1::RevocationSummary::CRL
                 : r.source == verify::RevocationSource::kOcsp ? v1::RevocationSummary::OCSP
                                                               : v1::RevocationSummary::NONE);
  rs->set_source_id(std::move(r.source_id));
  if (r.this_update) ToProto(*r.this_update, rs->mutable_this_update());
  if (r.next_update) ToProto(*r.next_update, rs->mutable_next_update());
  rs->set_from_cache(r.from_cache);
  rs->set_stale(r.stale);
  if (v.subject.has_value()) {
    jpki::BasicFour& b = *v.subject;
    v1::SubjectAttributes* s = out->mutable_subject();
    s->set_name(std::move(b.name));
    s->set_address(std::move(b.address));
    if (b.birth_date) s->set_birth_date(jpki::FormatIsoDay(*b.birth_date));
    s->set_sex(std::move(b.sex));
    s->set_name_substitute_flags(b.name_substitute_flags);
    s->set_address_substitute_flags(b.address_substitute_flags);
  }
  for (auto& f : v.lifecycle) {
    v1::LifecycleFinding* lf = out->add_lifecycle();
    lf->set_code(std::move(f.code));
    lf->set_detail(std::move(f.detail));
    lf->set_informational(f.informational);
  }
  ToProto(v.validation_time, out->mutable_validation_time());
  if (v.signing_time) ToProto(*v.signing_time, out->mutable_signing_time());
  if (include_trace) {
    for (auto& c : v.trace) {
      v1::Check* pc = out->add_trace();
      pc->set_name(std::move(c.name));
      pc->set_result(c.result == verify::CheckResult::kPassed   ? v1::Check::PASSED
                     : c.result == verify::CheckResult::kFailed ? v1::Check::FAILED
                                                                 : v1::Check::SKIPPED);
      pc->set_detail(std::move(c.detail));
      pc->set_micros(c.micros);
    }
  }
  v1::Timing* t = out->mutable_timing();
  t->set_parse(v.timing.parse);
  t->set_path(v.timing.path);
  t->set_signature(v.timing.signature);
  t->set_revocation(v.timing.revocation);
  t->set_total(v.timing.total);
  out->set_summary(std::move(v.summary));
}

verify::VerifyOptions FromProto(const v1::Policy& p, absl::Time now, bool subject_allowed) {
  verify::VerifyOptions o;
  o.validation_time = p.has_validation_time() ? FromProto(p.validation_time()) : now;
  o.use_signing_time = p.use_signing_time();
  o.trust_profile = p.trust_profile();
  switch (p.revocation_mode()) {
    case v1::REVOCATION_MODE_HARD_FAIL: o.revocation_mode = verify::RevocationMode::kHardFail; break;
    case v1::REVOCATION_MODE_SOFT_FAIL: o.revocation_mode = verify::RevocationMode::kSoftFail; break;
    case v1::REVOCATION_MODE_PREFER_OCSP:
      o.revocation_mode = verify::RevocationMode::kPreferOcsp;
      break;
    default: o.revocation_mode = verify::RevocationMode::kDefault; break;
  }
  o.include_subject = p.include_subject() && subject_allowed;
  o.include_trace = p.include_trace();
  o.policy.acceptable_policies.assign(p.acceptable_policies().begin(),
                                      p.acceptable_policies().end());
  o.policy.require_explicit_policy = p.require_explicit_policy();
  o.policy.inhibit_policy_mapping = p.inhibit_policy_mapping();
  o.policy.inhibit_any_policy = p.inhibit_any_policy();
  return o;
}

absl::StatusOr<verify::SignatureAlgorithm> FromProto(v1::SignatureAlgorithm alg) {
  using A = verify::SignatureAlgorithm;
  switch (alg) {
    case v1::RSA_PKCS1_SHA256: return A::kRsaPkcs1Sha256;
    case v1::RSA_PKCS1_SHA384: return A::kRsaPkcs1Sha384;
    case v1::RSA_PKCS1_SHA512: return A::kRsaPkcs1Sha512;
    case v1::RSA_PSS_SHA256: return A::kRsaPssSha256;
    case v1::RSA_PSS_SHA384: return A::kRsaPssSha384;
    case v1::RSA_PSS_SHA512: return A::kRsaPssSha512;
    case v1::ECDSA_P256_SHA256: return A::kEcdsaP256Sha256;
    case v1::ECDSA_P384_SHA384: return A::kEcdsaP384Sha384;
    default: break;
  }
  return absl::InvalidArgumentError("algorithm: unsupported or unspecified");
}

jpki::IntendedUse FromProto(v1::Usage usage) {
  switch (usage) {
    case v1::USAGE_DOCUMENT_SIGNING: return jpki::IntendedUse::kDocumentSigning;
    case v1::USAGE_AUTHENTICATION: return jpki::IntendedUse::kAuthentication;
    default: return jpki::IntendedUse::kAny;
  }
}

}  // namespace kensho::server
