#include "jpki/lifecycle_rules.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "jpki/profile_finding.h"

namespace kensho::jpki {
namespace {

using absl::CivilDay;

absl::Time Utc(int y, int mo, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

// The real test card (issued 2025-10-27, birthday 17 February, notAfter
// 2030-02-17 end of day JST), validated mid-life for document signing: no
// findings at all.
LifecycleInput GoodSignature() {
  LifecycleInput in;
  in.kind = CertKind::kSignature;
  in.use = IntendedUse::kDocumentSigning;
  in.not_before = Utc(2025, 10, 27, 1, 0, 0);
  in.not_after = Utc(2030, 2, 17, 14, 59, 59);
  in.validation_time = Utc(2026, 6, 1, 0, 0, 0);
  in.birth_date = CivilDay(1985, 2, 17);
  in.rsa_bits = 2048;
  in.sha256_or_stronger = true;
  in.has_non_repudiation = true;
  in.has_digital_signature = true;
  return in;
}

LifecycleInput GoodAuthentication() {
  LifecycleInput in = GoodSignature();
  in.kind = CertKind::kAuthentication;
  in.use = IntendedUse::kAuthentication;
  in.birth_date.reset();  // the auth cert carries no basic 4
  in.has_non_repudiation = false;
  return in;
}

std::string Codes(const std::vector<ProfileFinding>& findings) {
  std::string s;
  for (const ProfileFinding& f : findings) {
    s += f.code + (f.informational ? "(i)" : "") + " ";
  }
  return s;
}

TEST(EvaluateLifecycleTest, GoodCertificatesHaveNoFindings) {
  EXPECT_EQ(Codes(EvaluateLifecycle(GoodSignature())), "");
  EXPECT_EQ(Codes(EvaluateLifecycle(GoodAuthentication())), "");
}

TEST(EvaluateLifecycleTest, Table) {
  struct Case {
    const char* name;
    std::function<void(LifecycleInput&)> change;
    std::string want_codes;  // Codes() of the result, in rule order
    std::string detail_has;  // in the first finding's detail, if any
  };
  const Case cases[] = {
      // Five-birthday rule, to the second of the JST day.
      {"notAfter one second beyond the 5th birthday",
       [](LifecycleInput& in) { in.not_after = Utc(2030, 2, 17, 15, 0, 0); },
       "BEYOND_FIVE_BIRTHDAYS ", "allowed last day 2030-02-17"},
      {"29 Feb birth, notAfter 1 Mar is accepted",
       [](LifecycleInput& in) {
         in.birth_date = CivilDay(2000, 2, 29);
         in.not_after = Utc(2030, 3, 1, 14, 59, 59);
       },
       "", ""},
      {"29 Feb birth, notAfter 2 Mar is not",
       [](LifecycleInput& in) {
         in.birth_date = CivilDay(2000, 2, 29);
         in.not_after = Utc(2030, 3, 2, 14, 59, 59);
       },
       "BEYOND_FIVE_BIRTHDAYS ", "1 March"},
      {"no birth date: rule skipped",
       [](LifecycleInput& in) {
         in.birth_date.reset();
         in.not_after = Utc(2040, 1, 1, 0, 0, 0);
       },
       "", ""},
      {"auth cert: five-birthday rule not applied to it here",
       [](LifecycleInput& in) {
         in.kind = CertKind::kAuthentication;
         in.use = IntendedUse::kAny;
         in.not_after = Utc(2040, 1, 1, 0, 0, 0);
       },
       "", ""},
      // Age at issue, by the JST issue day.
      {"issued the day before the 15th birthday",
       [](LifecycleInput& in) { in.birth_date = CivilDay(2010, 10, 28); },
       "ISSUED_UNDER_15 ", "at age 14"},
      {"issued on the 15th birthday",
       [](LifecycleInput& in) { in.birth_date = CivilDay(2010, 10, 27); },
       "", ""},
      {"23:59:59 JST the day before the 15th birthday",
       [](LifecycleInput& in) {
         in.birth_date = CivilDay(2010, 10, 28);
         in.not_before = Utc(2025, 10, 27, 14, 59, 59);
       },
       "ISSUED_UNDER_15 ", "issued 2025-10-27"},
      {"00:00:00 JST of the 15th birthday",
       [](LifecycleInput& in) {
         in.birth_date = CivilDay(2010, 10, 28);
         in.not_before = Utc(2025, 10, 27, 15, 0, 0);
       },
       "", ""},
      {"auth cert for a child is fine",
       [](LifecycleInput& in) {
         in.kind = CertKind::kAuthentication;
         in.use = IntendedUse::kAny;
         in.birth_date = CivilDay(2020, 1, 1);
       },
       "", ""},
      // Usage.
      {"auth cert used to sign a document",
       [](LifecycleInput& in) { in.kind = CertKind::kAuthentication; },
       "WRONG_CERTIFICATE_FOR_USAGE ", "user-authentication certificate"},
      {"signature cert used to log in",
       [](LifecycleInput& in) { in.use = IntendedUse::kAuthentication; },
       "WRONG_CERTIFICATE_FOR_USAGE ", "signature certificate used for"},
      {"kOther is not judged",
       [](LifecycleInput& in) {
         in.kind = CertKind::kOther;
         in.birth_date.reset();
       },
       "", ""},
      // Key and hash.
      {"RSA-1024", [](LifecycleInput& in) { in.rsa_bits = 1024; },
       "WEAK_KEY ", "1024 bits"},
      {"RSA-2047", [](LifecycleInput& in) { in.rsa_bits = 2047; },
       "WEAK_KEY ", "2047"},
      {"RSA-4096", [](LifecycleInput& in) { in.rsa_bits = 4096; }, "", ""},
      {"not RSA", [](LifecycleInput& in) { in.rsa_bits = 0; }, "", ""},
      {"SHA-1", [](LifecycleInput& in) { in.sha256_or_stronger = false; },
       "WEAK_HASH ", "SHA-256"},
      // keyUsage.
      {"signing without nonRepudiation",
       [](LifecycleInput& in) { in.has_non_repudiation = false; },
       "MISSING_NON_REPUDIATION ", "nonRepudiation"},
      {"nonRepudiation not needed when use is unknown",
       [](LifecycleInput& in) {
         in.has_non_repudiation = false;
         in.use = IntendedUse::kAny;
       },
       "", ""},
      {"login without digitalSignature",
       [](LifecycleInput& in) {
         in = GoodAuthentication();
         in.has_digital_signature = false;
       },
       "MISSING_DIGITAL_SIGNATURE ", "digitalSignature"},
      // Renewal window: JstDay(validation) >= 2029-11-17, not expired.
      {"day before the window (JST)",
       [](LifecycleInput& in) {
         in.validation_time = Utc(2029, 11, 16, 14, 59, 59);
       },
       "", ""},
      {"first second of the window (JST)",
       [](LifecycleInput& in) {
         in.validation_time = Utc(2029, 11, 16, 15, 0, 0);
       },
       "RENEWAL_WINDOW_OPEN(i) ", "in 92 days"},
      {"last second of validity",
       [](LifecycleInput& in) {
         in.validation_time = Utc(2030, 2, 17, 14, 59, 59);
       },
       "RENEWAL_WINDOW_OPEN(i) ", "expires 2030-02-17 (JST), in 0 days"},
      {"expired: window closed (expiry is the path validator's)",
       [](LifecycleInput& in) {
         in.validation_time = Utc(2030, 2, 17, 15, 0, 0);
       },
       "", ""},
      // Several at once, in rule order.
      {"everything wrong",
       [](LifecycleInput& in) {
         in.birth_date = CivilDay(2012, 1, 1);
         in.not_after = Utc(2035, 1, 1, 0, 0, 0);
         in.use = IntendedUse::kAuthentication;
         in.rsa_bits = 1024;
         in.sha256_or_stronger = false;
       },
       "BEYOND_FIVE_BIRTHDAYS ISSUED_UNDER_15 WRONG_CERTIFICATE_FOR_USAGE "
       "WEAK_KEY WEAK_HASH ",
       "6th birthday 2031-01-01"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    LifecycleInput in = GoodSignature();
    c.change(in);
    const std::vector<ProfileFinding> got = EvaluateLifecycle(in);
    EXPECT_EQ(Codes(got), c.want_codes);
    if (!got.empty()) {
      EXPECT_TRUE(absl::StrContains(got[0].detail, c.detail_has))
          << got[0].detail;
    }
  }
}

TEST(EvaluateLifecycleTest, OnlyRenewalWindowIsInformational) {
  LifecycleInput in = GoodSignature();
  in.validation_time = Utc(2030, 1, 1, 0, 0, 0);
  in.rsa_bits = 1024;
  for (const ProfileFinding& f : EvaluateLifecycle(in)) {
    EXPECT_EQ(f.informational, f.code == kCodeRenewalWindowOpen) << f.code;
  }
}

TEST(EvaluateLifecycleTest, DefaultsFailClosed) {
  LifecycleInput in;  // nothing filled in
  EXPECT_TRUE(HasFinding(EvaluateLifecycle(in), kCodeWeakHash));
}

// Infinite times never reach a certificate, but must not overflow day
// arithmetic (the asan config runs UBSan with halt_on_error).
TEST(EvaluateLifecycleTest, InfiniteTimesAreSafe) {
  for (absl::Time t : {absl::InfinitePast(), absl::InfiniteFuture()}) {
    LifecycleInput in = GoodSignature();
    in.not_before = t;
    EXPECT_TRUE(HasFinding(EvaluateLifecycle(in), kCodeBeyondFiveBirthdays));
    in = GoodSignature();
    in.not_after = t;
    EXPECT_TRUE(HasFinding(EvaluateLifecycle(in), kCodeBeyondFiveBirthdays));
    in = GoodSignature();
    in.validation_time = t;
    EXPECT_FALSE(HasFinding(EvaluateLifecycle(in), kCodeRenewalWindowOpen));
    const LifecycleSummary s = Summarize(t, Utc(2026, 1, 1, 0, 0, 0));
    EXPECT_FALSE(s.renewal_window_open);
  }
}

TEST(RuleFunctionsTest, RunIndividually) {
  LifecycleInput in = GoodSignature();
  in.rsa_bits = 512;
  std::vector<ProfileFinding> out;
  CheckUsage(in, &out);
  EXPECT_TRUE(out.empty());
  CheckKeyStrength(in, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].code, kCodeWeakKey);
}

TEST(SummarizeTest, Table) {
  const absl::Time not_after = Utc(2030, 2, 17, 14, 59, 59);
  struct Case {
    absl::Time not_after;
    absl::Time validation;
    std::string expiry;
    int days;
    bool open;
  } cases[] = {
      {not_after, Utc(2026, 6, 1, 0, 0, 0), "2030-02-17", 1357, false},
      {not_after, Utc(2029, 11, 16, 14, 59, 59), "2030-02-17", 93, false},
      {not_after, Utc(2029, 11, 16, 15, 0, 0), "2030-02-17", 92, true},
      {not_after, Utc(2030, 2, 17, 14, 59, 59), "2030-02-17", 0, true},
      {not_after, Utc(2030, 2, 17, 15, 0, 0), "2030-02-17", -1, false},
      // 15:00:00Z is already the next day in Japan.
      {Utc(2030, 2, 17, 15, 0, 0), Utc(2030, 2, 17, 15, 0, 0), "2030-02-18",
       0, true},
      // Clamped window start: expiry 31 May opens on 28 February.
      {Utc(2029, 5, 31, 14, 59, 59), Utc(2029, 2, 27, 15, 0, 0), "2029-05-31",
       92, true},
      {Utc(2029, 5, 31, 14, 59, 59), Utc(2029, 2, 27, 14, 59, 59),
       "2029-05-31", 93, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::FormatTime(c.validation));
    const LifecycleSummary s = Summarize(c.not_after, c.validation);
    EXPECT_EQ(s.expiry_date_jst, c.expiry);
    EXPECT_EQ(s.days_until_expiry, c.days);
    EXPECT_EQ(s.renewal_window_open, c.open);
  }
}

}  // namespace
}  // namespace kensho::jpki
