// JPKI lifecycle findings end to end: certificates issued by a jpki_sim root
// that break (or sit at the edge of) the profile rules, verified over gRPC.
// Also the personal-data switch: the basic 4 only when allowed and asked.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "proto/kensho.grpc.pb.h"
#include "tests/e2e_util.h"
#include "tests/server_process.h"
#include "tools/jpki_sim/world.h"

namespace kensho {
namespace {

using ::kensho::testing::ReadFile;

EVP_PKEY* ReadKey(const std::string& path) {
  std::string pem = ReadFile(path);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return key;
}

X509* ReadCert(const std::string& path) {
  std::string pem = ReadFile(path);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return x;
}

void AddOtherName(GENERAL_NAMES* names, const char* oid, const std::string& utf8) {
  GENERAL_NAME* gn = GENERAL_NAME_new();
  ASN1_TYPE* value = ASN1_TYPE_new();
  ASN1_UTF8STRING* s = ASN1_UTF8STRING_new();
  ASN1_STRING_set(s, utf8.data(), static_cast<int>(utf8.size()));
  ASN1_TYPE_set(value, V_ASN1_UTF8STRING, s);
  GENERAL_NAME_set0_othername(gn, OBJ_txt2obj(oid, 1), value);
  sk_GENERAL_NAME_push(names, gn);
}

// A signature certificate (署名用) for a holder born on `birth` (era digit +
// YYYYMMDD), valid [not_before, not_after], signed by the world's current
// signature root.
std::string MakeSignatureCert(const std::string& world, const std::string& birth,
                              absl::Time not_before, absl::Time not_after, long serial) {
  EVP_PKEY* ca_key = ReadKey(world + "/keypool/ca-02.pem");
  X509* ca = ReadCert(world + "/roots/sign_gen3.pem");
  EVP_PKEY* key = ReadKey(world + "/keypool/key-0000.pem");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_set_issuer_name(x, X509_get_subject_name(ca));
  X509_NAME* name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char*)"JP", -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char*)"LIFECYCLE", -1,
                             -1, 0);
  X509_set_subject_name(x, name);
  X509_NAME_free(name);
  ASN1_TIME_set(X509_getm_notBefore(x), absl::ToTimeT(not_before));
  ASN1_TIME_set(X509_getm_notAfter(x), absl::ToTimeT(not_after));
  X509_set_pubkey(x, key);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, ca, x, nullptr, nullptr, 0);
  for (auto [nid, value] : std::initializer_list<std::pair<int, const char*>>{
           {NID_key_usage, "critical,digitalSignature,nonRepudiation"},
           {NID_authority_key_identifier, "keyid:always"},
           {NID_subject_key_identifier, "hash"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    EXPECT_NE(ext, nullptr) << value;
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  CERTIFICATEPOLICIES* policies = sk_POLICYINFO_new_null();
  POLICYINFO* policy = POLICYINFO_new();
  ASN1_OBJECT_free(policy->policyid);
  policy->policyid = OBJ_txt2obj("1.2.392.200149.8.5.1.1.20", 1);
  sk_POLICYINFO_push(policies, policy);
  X509_add1_ext_i2d(x, NID_certificate_policies, policies, /*crit=*/1, 0);
  CERTIFICATEPOLICIES_free(policies);
  GENERAL_NAMES* names = sk_GENERAL_NAME_new_null();
  AddOtherName(names, "1.2.392.200149.8.5.5.1", "検証　花子");
  AddOtherName(names, "1.2.392.200149.8.5.5.2", "0");
  AddOtherName(names, "1.2.392.200149.8.5.5.3", "2");
  AddOtherName(names, "1.2.392.200149.8.5.5.4", birth);
  AddOtherName(names, "1.2.392.200149.8.5.5.5", "山形県西置賜郡飯豊町大字椿１番地");
  AddOtherName(names, "1.2.392.200149.8.5.5.6", "0");
  X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, 0);
  GENERAL_NAMES_free(names);
  X509_sign(x, ca_key, EVP_sha256());
  unsigned char* der = nullptr;
  int len = i2d_X509(x, &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  X509_free(x);
  X509_free(ca);
  EVP_PKEY_free(key);
  EVP_PKEY_free(ca_key);
  return out;
}

absl::Time JstEndOfDay(int y, int m, int d) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, 14, 59, 59), absl::UTCTimeZone());
}
absl::Time Utc(int y, int m, int d) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, 3, 0, 0), absl::UTCTimeZone());
}

class LifecycleE2ETest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = std::string(std::getenv("TEST_TMPDIR")) + "/world";
    sim::WorldOptions options = testing::TestWorld(world_, 5, 11, 4);
    options.with_workloads = false;
    absl::Status s = sim::GenerateWorld(options);
    ASSERT_TRUE(s.ok()) << s;
    now_ = options.now;
    std::string config = world_ + "/kensho.textproto";
    std::ofstream(config) << "trust_profiles { name: \"jpki-sign\" anchor_files: \"" << world_
                          << "/trust/jpki-sign.pem\" }\n"
                          << "trust_profiles { name: \"jpki-auth\" anchor_files: \"" << world_
                          << "/trust/jpki-auth.pem\" }\n";
    std::ofstream(config + ".allow")
        << ReadFile(config) << "allow_subject_without_authentication: true\n";
    closed_ = new testing::ServerProcess({"--listen=127.0.0.1:0", "--data_dir=" + world_ +
                                          "/data1", "--config=" + config});
    open_ = new testing::ServerProcess({"--listen=127.0.0.1:0", "--data_dir=" + world_ +
                                        "/data2", "--config=" + config + ".allow"});
    ASSERT_FALSE(closed_->address().empty()) << closed_->stderr_text();
    ASSERT_FALSE(open_->address().empty()) << open_->stderr_text();
  }
  static void TearDownTestSuite() {
    delete closed_;
    delete open_;
  }

  v1::Verdict Validate(testing::ServerProcess* server, const std::string& der, absl::Time at,
                       bool include_subject = false) {
    auto stub = v1::Validator::NewStub(
        grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    v1::ValidateCertificateRequest req;
    req.set_certificate(der);
    req.set_usage(v1::USAGE_DOCUMENT_SIGNING);
    req.mutable_policy()->mutable_validation_time()->set_seconds(absl::ToUnixSeconds(at));
    req.mutable_policy()->set_include_subject(include_subject);
    v1::Verdict verdict;
    grpc::Status s = stub->ValidateCertificate(&ctx, req, &verdict);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return verdict;
  }

  static bool Has(const v1::Verdict& v, const std::string& code) {
    for (const auto& f : v.lifecycle()) {
      if (f.code() == code) return true;
    }
    return false;
  }

  static std::string world_;
  static absl::Time now_;
  static testing::ServerProcess* closed_;
  static testing::ServerProcess* open_;
};

std::string LifecycleE2ETest::world_;
absl::Time LifecycleE2ETest::now_;
testing::ServerProcess* LifecycleE2ETest::closed_ = nullptr;
testing::ServerProcess* LifecycleE2ETest::open_ = nullptr;

// The roots of the world were made relative to its `now`; certificates here
// are issued a year before it so that they chain to generation 3.
TEST_F(LifecycleE2ETest, WithinFiveBirthdaysPasses) {
  absl::CivilDay issue = absl::ToCivilDay(now_ - absl::Hours(24 * 365), absl::UTCTimeZone());
  int y = static_cast<int>(issue.year());
  // Born 1990-01-01 (Heisei, era digit 4).
  std::string der = MakeSignatureCert(world_, "419900101", Utc(y, issue.month(), issue.day()),
                                      JstEndOfDay(y + 5, 1, 1), 1001);
  // Birthdays after issue: the 1st Jan of y+1..y+5 -> the 5th is y+5-01-01.
  v1::Verdict v = Validate(closed_, der, now_);
  EXPECT_EQ(v.indication(), v1::TOTAL_PASSED) << v.summary();
  EXPECT_EQ(v.kind(), v1::JPKI_SIGNATURE);
  EXPECT_FALSE(Has(v, "BEYOND_FIVE_BIRTHDAYS"));
  EXPECT_EQ(v.certificate().expiry_date_jst(), absl::StrFormat("%04d-01-01", y + 5));
  // The basic 4 never leave without permission, even when asked.
  EXPECT_FALSE(v.has_subject());
  v1::Verdict closed_asked = Validate(closed_, der, now_, /*include_subject=*/true);
  EXPECT_FALSE(closed_asked.has_subject());
  v1::Verdict open_asked = Validate(open_, der, now_, /*include_subject=*/true);
  ASSERT_TRUE(open_asked.has_subject());
  EXPECT_EQ(open_asked.subject().name(), "検証　花子");
  EXPECT_EQ(open_asked.subject().birth_date(), "1990-01-01");
  EXPECT_EQ(open_asked.subject().sex(), "2");
  v1::Verdict open_not_asked = Validate(open_, der, now_);
  EXPECT_FALSE(open_not_asked.has_subject());
}

TEST_F(LifecycleE2ETest, BeyondFiveBirthdaysIsPolicyFailure) {
  absl::CivilDay issue = absl::ToCivilDay(now_ - absl::Hours(24 * 365), absl::UTCTimeZone());
  int y = static_cast<int>(issue.year());
  // One day past the 5th birthday (and the issue date is not in the 3 months
  // before a birthday unless it is October-December: pick a mid-year birthday
  // 6 months away from the issue month).
  int birth_month = (static_cast<int>(issue.month()) + 5) % 12 + 1;
  // Heisei (era digit 4), 1990-MM-15.
  std::string birth = absl::StrFormat("41990%02d15", birth_month);
  absl::CivilDay next_birthday(y, birth_month, 15);
  if (next_birthday <= issue) next_birthday = absl::CivilDay(y + 1, birth_month, 15);
  int fifth_year = static_cast<int>(next_birthday.year()) + 4;
  std::string der = MakeSignatureCert(
      world_, birth, Utc(y, issue.month(), issue.day()),
      JstEndOfDay(fifth_year, birth_month, 16), 1002);
  v1::Verdict v = Validate(closed_, der, now_);
  EXPECT_EQ(v.indication(), v1::TOTAL_FAILED) << v.summary();
  EXPECT_EQ(v.sub_indication(), v1::POLICY_FAILURE) << v.summary();
  EXPECT_TRUE(Has(v, "BEYOND_FIVE_BIRTHDAYS")) << v.DebugString();
}

TEST_F(LifecycleE2ETest, IssuedUnder15IsPolicyFailure) {
  absl::CivilDay issue = absl::ToCivilDay(now_ - absl::Hours(24 * 365), absl::UTCTimeZone());
  int y = static_cast<int>(issue.year());
  // 14 years old at issue: born 14 years before, on the day after the issue day.
  absl::CivilDay born = absl::CivilDay(y - 14, issue.month(), issue.day()) + 1;
  // Heisei (4) ends 2019-04-30, Reiwa (5) from 2019-05-01.
  int era = born >= absl::CivilDay(2019, 5, 1) ? 5 : 4;
  std::string birth = absl::StrFormat("%d%04d%02d%02d", era, born.year(), born.month(), born.day());
  std::string der = MakeSignatureCert(world_, birth, Utc(y, issue.month(), issue.day()),
                                      JstEndOfDay(y + 4, born.month(), born.day()), 1003);
  v1::Verdict v = Validate(closed_, der, now_);
  EXPECT_EQ(v.sub_indication(), v1::POLICY_FAILURE) << v.summary();
  EXPECT_TRUE(Has(v, "ISSUED_UNDER_15")) << v.DebugString();
}

TEST_F(LifecycleE2ETest, RenewalWindowIsInformation) {
  absl::CivilDay issue = absl::ToCivilDay(now_ - absl::Hours(24 * 365), absl::UTCTimeZone());
  int y = static_cast<int>(issue.year());
  std::string der = MakeSignatureCert(world_, "419900101", Utc(y, issue.month(), issue.day()),
                                      JstEndOfDay(y + 5, 1, 1), 1004);
  // Validated 30 days before expiry: inside the 3-month renewal window.
  v1::Verdict v = Validate(closed_, der, JstEndOfDay(y + 5, 1, 1) - absl::Hours(24 * 30));
  EXPECT_TRUE(Has(v, "RENEWAL_WINDOW_OPEN")) << v.DebugString();
  EXPECT_TRUE(v.certificate().renewal_window_open());
  EXPECT_EQ(v.certificate().days_until_expiry(), 30);
}

}  // namespace
}  // namespace kensho
