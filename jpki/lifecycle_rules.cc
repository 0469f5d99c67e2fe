#include "jpki/lifecycle_rules.h"

#include "absl/strings/str_cat.h"
#include "jpki/five_birthday_rule.h"
#include "jpki/jst_date.h"

namespace kensho::jpki {
namespace {

void Violation(std::vector<ProfileFinding>* out, const char* code,
               std::string detail) {
  out->push_back({code, std::move(detail), /*informational=*/false});
}

}  // namespace

LifecycleSummary Summarize(absl::Time not_after, absl::Time validation_time) {
  const absl::CivilDay expiry = JstDay(not_after);
  LifecycleSummary s;
  s.expiry_date_jst = FormatIsoDay(expiry);
  s.days_until_expiry = DaysUntil(validation_time, expiry);
  // Month arithmetic on CivilDay::min()/max() would overflow; an infinite
  // notAfter never comes from a certificate, so it simply has no window.
  s.renewal_window_open =
      IsFiniteTime(not_after) && IsFiniteTime(validation_time) &&
      validation_time <= not_after &&
      JstDay(validation_time) >=
          AddMonthsClamped(expiry, -kRenewalWindowMonths);
  return s;
}

void CheckFiveBirthdays(const LifecycleInput& in,
                        std::vector<ProfileFinding>* out) {
  if (in.kind != CertKind::kSignature || !in.birth_date.has_value()) return;
  const FiveBirthdayCheck c =
      CheckNotAfter(*in.birth_date, in.not_before, in.not_after);
  if (!c.within) {
    Violation(out, kCodeBeyondFiveBirthdays,
              absl::StrCat("notAfter beyond allowed last day ",
                           FormatIsoDay(c.allowed_last_day), ": ", c.detail));
  }
}

void CheckIssuedAge(const LifecycleInput& in,
                    std::vector<ProfileFinding>* out) {
  if (in.kind != CertKind::kSignature || !in.birth_date.has_value() ||
      !IsFiniteTime(in.not_before)) {
    return;
  }
  const absl::CivilDay issue_day = JstDay(in.not_before);
  const int age = AgeOn(*in.birth_date, issue_day);
  if (age < kMinSignatureAge) {
    Violation(out, kCodeIssuedUnder15,
              absl::StrCat("signature certificate issued ",
                           FormatIsoDay(issue_day), " at age ", age,
                           " (born ", FormatIsoDay(*in.birth_date),
                           "); minimum is ", kMinSignatureAge));
  }
}

void CheckUsage(const LifecycleInput& in, std::vector<ProfileFinding>* out) {
  if (in.kind == CertKind::kAuthentication &&
      in.use == IntendedUse::kDocumentSigning) {
    Violation(out, kCodeWrongCertificateForUsage,
              "user-authentication certificate used to sign a document; "
              "documents need the signature certificate");
  } else if (in.kind == CertKind::kSignature &&
             in.use == IntendedUse::kAuthentication) {
    Violation(out, kCodeWrongCertificateForUsage,
              "signature certificate used for authentication; login needs "
              "the user-authentication certificate");
  }
}

void CheckKeyStrength(const LifecycleInput& in,
                      std::vector<ProfileFinding>* out) {
  if (in.rsa_bits > 0 && in.rsa_bits < kMinRsaBits) {
    Violation(out, kCodeWeakKey,
              absl::StrCat("RSA key of ", in.rsa_bits, " bits; minimum is ",
                           kMinRsaBits));
  }
}

void CheckHashStrength(const LifecycleInput& in,
                       std::vector<ProfileFinding>* out) {
  if (!in.sha256_or_stronger) {
    Violation(out, kCodeWeakHash,
              "certificate signature hash is weaker than SHA-256");
  }
}

void CheckKeyUsage(const LifecycleInput& in,
                   std::vector<ProfileFinding>* out) {
  if (in.kind == CertKind::kSignature &&
      in.use == IntendedUse::kDocumentSigning && !in.has_non_repudiation) {
    Violation(out, kCodeMissingNonRepudiation,
              "signature certificate lacks keyUsage nonRepudiation");
  }
  if (in.kind == CertKind::kAuthentication &&
      in.use == IntendedUse::kAuthentication && !in.has_digital_signature) {
    Violation(out, kCodeMissingDigitalSignature,
              "user-authentication certificate lacks keyUsage "
              "digitalSignature");
  }
}

void CheckRenewalWindow(const LifecycleInput& in,
                        std::vector<ProfileFinding>* out) {
  const LifecycleSummary s = Summarize(in.not_after, in.validation_time);
  if (s.renewal_window_open) {
    out->push_back({kCodeRenewalWindowOpen,
                    absl::StrCat("expires ", s.expiry_date_jst, " (JST), in ",
                                 s.days_until_expiry,
                                 " days; renewal is possible"),
                    /*informational=*/true});
  }
}

std::vector<ProfileFinding> EvaluateLifecycle(const LifecycleInput& in) {
  std::vector<ProfileFinding> out;
  CheckFiveBirthdays(in, &out);
  CheckIssuedAge(in, &out);
  CheckUsage(in, &out);
  CheckKeyStrength(in, &out);
  CheckHashStrength(in, &out);
  CheckKeyUsage(in, &out);
  CheckRenewalWindow(in, &out);
  return out;
}

}  // namespace kensho::jpki
