#include "tools/jpki_sim/life_events.h"

#include <set>

#include "gtest/gtest.h"
#include "tools/jpki_sim/five_birthday.h"
#include "tools/jpki_sim/population.h"

namespace kensho::sim {
namespace {

const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 3, 1, 0, 0, 0), absl::UTCTimeZone());

TEST(PopulationTest, SpecialBirthDatesAndNames) {
  std::vector<Person> people = MakePopulation(40, 3, absl::ToCivilDay(kNow, Jst()));
  ASSERT_EQ(people.size(), 40u);
  std::set<absl::CivilDay> births;
  for (const Person& p : people) {
    births.insert(p.birth);
    int age = AgeOn(p.birth, absl::ToCivilDay(kNow, Jst()));
    EXPECT_GE(age, 0);
    EXPECT_LE(age, 100);
    EXPECT_TRUE(p.sex == "1" || p.sex == "2");
    EXPECT_NE(p.basic4.name.find("\xE3\x80\x80"), std::string::npos) << "full-width space";
    EXPECT_EQ(p.basic4.address.rfind(Municipalities()[p.basic4.municipality].prefecture, 0), 0u);
  }
  for (absl::CivilDay d : {absl::CivilDay(2000, 2, 29), absl::CivilDay(1989, 1, 7), absl::CivilDay(1989, 1, 8),
                           absl::CivilDay(2019, 4, 30), absl::CivilDay(2019, 5, 1)}) {
    EXPECT_TRUE(births.count(d)) << d;
  }
  EXPECT_STREQ(Municipalities()[0].city, "西置賜郡飯豊町");
  EXPECT_EQ(MunicipalitySlug(Municipalities()[0]), "yamagata-iide-machi");
  EXPECT_GE(Municipalities().size(), 30u);
}

TEST(LifeEventsTest, RecordsFollowTheRules) {
  std::vector<Person> people = MakePopulation(400, 11, absl::ToCivilDay(kNow, Jst()));
  std::vector<CertRecord> records = SimulateLives(people, kNow, 11);
  ASSERT_GT(records.size(), 400u);
  std::set<int> reasons;
  std::set<std::string> events;
  int expired = 0, current = 0, renewal_window = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const CertRecord& r = records[i];
    const Person& p = people[r.person];
    absl::CivilDay issue_day = absl::ToCivilDay(r.not_before, Jst());
    EXPECT_LE(r.not_before, kNow);
    EXPECT_LT(r.not_before, r.not_after);
    EXPECT_LE(r.not_after, FiveBirthdayNotAfter(p.birth, issue_day)) << i;
    if (r.kind == CertKind::kAuthentication && r.device == Device::kCard) {
      EXPECT_EQ(r.not_after, FiveBirthdayNotAfter(p.birth, issue_day)) << i;
    }
    // 23:59:59 JST.
    EXPECT_EQ(absl::ToCivilSecond(r.not_after, Jst()).hour(), 23);
    if (r.kind == CertKind::kSignature) {
      EXPECT_GE(AgeOn(p.birth, issue_day), 15) << i;
      EXPECT_EQ(r.device, Device::kCard);
    }
    if (r.revocation) {
      EXPECT_GT(r.revocation->at, r.not_before);
      EXPECT_LT(r.revocation->at, r.not_after);
      EXPECT_LE(r.revocation->at, kNow);
      reasons.insert(r.revocation->reason);
    }
    if (r.predecessor >= 0) {
      ASSERT_LT(r.predecessor, static_cast<int>(i));
      EXPECT_EQ(records[r.predecessor].person, r.person);
      EXPECT_EQ(records[r.predecessor].kind, r.kind);
      EXPECT_TRUE(records[r.predecessor].revocation.has_value());
      events.insert(r.link_event);
    }
    if (r.not_after < kNow) ++expired;
    else if (!r.revocation) {
      ++current;
      if (r.not_after - kNow < absl::Hours(24 * 92)) ++renewal_window;
    }
  }
  for (int reason : {kKeyCompromise, kCaCompromise, kAffiliationChanged, kSuperseded, kCessationOfOperation,
                     kCertificateHold}) {
    EXPECT_TRUE(reasons.count(reason)) << CrlReasonName(reason);
  }
  for (const char* e : {"renewal", "move", "name_change", "lost_card", "suspension", "device_change"}) {
    EXPECT_TRUE(events.count(e)) << e;
  }
  EXPECT_GT(expired, 0);
  EXPECT_GT(current, 0);
  EXPECT_GT(renewal_window, 0);
}

TEST(LifeEventsTest, Deterministic) {
  std::vector<Person> people = MakePopulation(50, 5, absl::ToCivilDay(kNow, Jst()));
  std::vector<CertRecord> a = SimulateLives(people, kNow, 5), b = SimulateLives(people, kNow, 5);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].not_before, b[i].not_before);
    EXPECT_EQ(a[i].not_after, b[i].not_after);
    EXPECT_EQ(a[i].basic4.address, b[i].basic4.address);
  }
}

TEST(LifeEventsTest, ReasonNames) {
  EXPECT_STREQ(ApiReasonName(kAffiliationChanged), "BASIC_INFO_CHANGED");
  EXPECT_STREQ(ApiReasonName(kSuperseded), "RENEWED");
  EXPECT_STREQ(ApiReasonName(kCessationOfOperation), "NO_LONGER_NEEDED");
  EXPECT_STREQ(ApiReasonName(kKeyCompromise), "KEY_COMPROMISE");
  EXPECT_STREQ(ApiReasonName(kCertificateHold), "SUSPENDED");
  EXPECT_STREQ(ApiReasonName(kCaCompromise), "CA_COMPROMISE");
  EXPECT_STREQ(ApiReasonName(kUnspecified), "UNSPECIFIED");
}

}  // namespace
}  // namespace kensho::sim
