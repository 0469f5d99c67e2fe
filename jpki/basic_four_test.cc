#include "jpki/basic_four.h"

#include <memory>
#include <string>
#include <vector>

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "jpki/oids.h"
#include "jpki/profile_finding.h"
#include "jpki/utf8.h"

namespace kensho::jpki {
namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

constexpr char kName[] = "山田　太郎";  // full-width space U+3000
constexpr char kAddress[] = "山形県西置賜郡飯豊町大字椿１２３４番地";

// One otherName to put in the SAN. `type` is the ASN.1 tag of the value.
struct OtherName {
  std::string oid;
  std::string bytes;
  int type = V_ASN1_UTF8STRING;
};

std::vector<OtherName> GoodBasicFour() {
  return {
      {kNameOid, kName},
      {kNameSubstituteFlagsOid, "0"},
      {kSexOid, "1"},
      {kBirthDateOid, "419900102"},
      {kAddressOid, kAddress},
      {kAddressSubstituteFlagsOid, "0"},
  };
}

// The otherName value as OpenSSL holds it: an ASN1_TYPE.
ASN1_TYPE* MakeValue(const OtherName& on) {
  ASN1_TYPE* t = ASN1_TYPE_new();
  switch (on.type) {
    case V_ASN1_INTEGER: {
      ASN1_INTEGER* i = ASN1_INTEGER_new();
      ASN1_INTEGER_set(i, 419900102);
      ASN1_TYPE_set(t, V_ASN1_INTEGER, i);
      break;
    }
    case V_ASN1_NULL:
      ASN1_TYPE_set(t, V_ASN1_NULL, nullptr);
      break;
    default: {  // string types; bytes are copied unvalidated on purpose
      ASN1_STRING* s = ASN1_STRING_type_new(on.type);
      ASN1_STRING_set(s, on.bytes.data(), static_cast<int>(on.bytes.size()));
      ASN1_TYPE_set(t, on.type, s);
    }
  }
  return t;
}

GENERAL_NAMES* MakeSan(const std::vector<OtherName>& names) {
  GENERAL_NAMES* gens = sk_GENERAL_NAME_new_null();
  for (const OtherName& on : names) {
    GENERAL_NAME* gn = GENERAL_NAME_new();
    ASN1_OBJECT* oid = OBJ_txt2obj(on.oid.c_str(), /*no_name=*/1);
    EXPECT_NE(oid, nullptr) << on.oid;
    EXPECT_EQ(GENERAL_NAME_set0_othername(gn, oid, MakeValue(on)), 1);
    sk_GENERAL_NAME_push(gens, gn);
  }
  // A non-otherName entry, which the reader must ignore.
  GENERAL_NAME* dns = GENERAL_NAME_new();
  ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
  ASN1_STRING_set(ia5, "example.jp", -1);
  GENERAL_NAME_set0_value(dns, GEN_DNS, ia5);
  sk_GENERAL_NAME_push(gens, dns);
  return gens;
}

EVP_PKEY* TestKey() {
  static EVP_PKEY* key = EVP_EC_gen("P-256");  // small and fast; never freed
  return key;
}

// Parses DER the way production code receives certificates.
X509Ptr FromDer(const std::vector<unsigned char>& der) {
  const unsigned char* p = der.data();
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())),
                 &X509_free);
}

std::vector<unsigned char> ToDer(X509* cert) {
  unsigned char* buf = nullptr;
  const int len = i2d_X509(cert, &buf);
  std::vector<unsigned char> der(buf, buf + (len > 0 ? len : 0));
  OPENSSL_free(buf);
  return der;
}

// A signed certificate whose SAN holds `names` (each list becomes its own
// SAN extension; an empty outer list means no SAN), round-tripped via DER.
std::vector<unsigned char> MakeCertDer(
    const std::vector<std::vector<OtherName>>& sans) {
  X509Ptr cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("JP"), -1,
                             -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), TestKey());
  for (const std::vector<OtherName>& san : sans) {
    GENERAL_NAMES* gens = MakeSan(san);
    EXPECT_EQ(X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, gens, 0,
                                X509V3_ADD_APPEND),
              1);
    GENERAL_NAMES_free(gens);
  }
  EXPECT_GT(X509_sign(cert.get(), TestKey(), EVP_sha256()), 0);
  return ToDer(cert.get());
}

X509Ptr MakeCert(const std::vector<OtherName>& names) {
  X509Ptr cert = FromDer(MakeCertDer({names}));
  EXPECT_NE(cert, nullptr);
  return cert;
}

int Count(const std::vector<ProfileFinding>& findings, const char* code) {
  int n = 0;
  for (const ProfileFinding& f : findings) n += f.code == code;
  return n;
}

std::string Dump(const std::vector<ProfileFinding>& findings) {
  std::string s;
  for (const ProfileFinding& f : findings) s += f.code + ": " + f.detail + "\n";
  return s;
}

TEST(ReadBasicFourTest, ReadsAllSixWithFullWidthText) {
  X509Ptr cert = MakeCert(GoodBasicFour());
  std::vector<ProfileFinding> findings;
  const BasicFour b = ReadBasicFour(cert.get(), &findings);
  EXPECT_TRUE(findings.empty()) << Dump(findings);
  EXPECT_EQ(b.name, kName);
  EXPECT_EQ(b.name_substitute_flags, "0");
  EXPECT_EQ(b.sex, "1");
  EXPECT_EQ(b.birth_date_raw, "419900102");
  EXPECT_EQ(b.address, kAddress);
  EXPECT_EQ(b.address_substitute_flags, "0");
  ASSERT_TRUE(b.birth_date.has_value());
  EXPECT_EQ(*b.birth_date, absl::CivilDay(1990, 1, 2));
}

TEST(ReadBasicFourTest, AbroadAddressIsJustText) {
  std::vector<OtherName> names = GoodBasicFour();
  names[4].bytes = "国外転出 2024/05/27";
  std::vector<ProfileFinding> findings;
  const BasicFour b = ReadBasicFour(MakeCert(names).get(), &findings);
  EXPECT_TRUE(findings.empty()) << Dump(findings);
  EXPECT_EQ(b.address, "国外転出 2024/05/27");
}

// Each row changes the good SAN and lists the findings it must cause.
TEST(ReadBasicFourTest, FindingsTable) {
  struct Case {
    const char* name;
    std::vector<OtherName> names;
    std::vector<std::pair<const char*, int>> want;  // code -> count
    const char* detail_has;
  };
  auto without = [](size_t i) {
    std::vector<OtherName> n = GoodBasicFour();
    n.erase(n.begin() + i);
    return n;
  };
  auto with = [](size_t i, OtherName on) {
    std::vector<OtherName> n = GoodBasicFour();
    n[i] = std::move(on);
    return n;
  };
  auto plus = [](OtherName on) {
    std::vector<OtherName> n = GoodBasicFour();
    n.push_back(std::move(on));
    return n;
  };
  const Case cases[] = {
      {"sex missing", without(2), {{kCodeBasicFourMissing, 1}}, "sex"},
      {"address missing", without(4), {{kCodeBasicFourMissing, 1}},
       "address (1.2.392.200149.8.5.5.5) is missing"},
      {"birth date missing", without(3), {{kCodeBasicFourMissing, 1}},
       "birth date"},
      {"nothing", {}, {{kCodeBasicFourMissing, 6}}, "name"},
      {"duplicate name", plus({kNameOid, "鈴木　花子"}),
       {{kCodeBasicFourDuplicate, 1}}, "first is used"},
      {"name is INTEGER", with(0, {kNameOid, "", V_ASN1_INTEGER}),
       {{kCodeBasicFourWrongType, 1}}, "INTEGER"},
      {"sex is NULL", with(2, {kSexOid, "", V_ASN1_NULL}),
       {{kCodeBasicFourWrongType, 1}}, "NULL"},
      {"birth date is PrintableString",
       with(3, {kBirthDateOid, "419900102", V_ASN1_PRINTABLESTRING}),
       {{kCodeBasicFourWrongType, 1}}, "PRINTABLESTRING"},
      {"name in Shift_JIS", with(0, {kNameOid, "\x8E\x52\x93\x63"}),
       {{kCodeBasicFourInvalidUtf8, 1}}, "byte 0"},
      {"address with surrogate",
       with(4, {kAddressOid, std::string("山形") + "\xED\xA0\x80"}),
       {{kCodeBasicFourInvalidUtf8, 1}}, "byte 6"},
      {"overlong slash in address", with(4, {kAddressOid, "a\xC0\xAF"}),
       {{kCodeBasicFourInvalidUtf8, 1}}, "byte 1"},
      {"NUL in name", with(0, {kNameOid, std::string("山田") + '\0' + "evil"}),
       {{kCodeBasicFourInvalidUtf8, 1}}, "U+0000"},
      {"birth era mismatch", with(3, {kBirthDateOid, "319900102"}),
       {{kCodeBasicFourBadBirthDate, 1}}, "era 4 (Heisei)"},
      {"birth 29 Feb in common year", with(3, {kBirthDateOid, "520230229"}),
       {{kCodeBasicFourBadBirthDate, 1}}, "no real"},
      {"birth empty", with(3, {kBirthDateOid, ""}),
       {{kCodeBasicFourBadBirthDate, 1}}, "9 digits"},
      {"birth full-width digits", with(3, {kBirthDateOid, "４１９９０"}),
       {{kCodeBasicFourBadBirthDate, 1}}, "9 digits"},
      {"unknown otherName", plus({"1.2.392.200149.8.5.5.99", "ヤマダ"}),
       {{kCodeUnknownOtherName, 1}}, "1.2.392.200149.8.5.5.99"},
      {"unknown otherName, INTEGER",
       plus({"1.3.6.1.4.1.99999.1", "", V_ASN1_INTEGER}),
       {{kCodeUnknownOtherName, 1}}, "1.3.6.1.4.1.99999.1"},
      {"unknown very long OID",
       plus({"1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24."
             "25.26.27.28.29.30.31.32.33.34.35.36.37.38.39.40",
             "x"}),
       {{kCodeUnknownOtherName, 1}}, "..."},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    X509Ptr cert = MakeCert(c.names);
    ASSERT_NE(cert, nullptr);
    std::vector<ProfileFinding> findings;
    ReadBasicFour(cert.get(), &findings);
    size_t total = 0;
    for (const auto& [code, n] : c.want) {
      EXPECT_EQ(Count(findings, code), n) << code << "\n" << Dump(findings);
      total += n;
    }
    EXPECT_EQ(findings.size(), total) << Dump(findings);
    bool detail_found = false;
    for (const ProfileFinding& f : findings) {
      detail_found |= absl::StrContains(f.detail, c.detail_has);
    }
    EXPECT_TRUE(detail_found) << c.detail_has << "\n" << Dump(findings);
  }
}

TEST(ReadBasicFourTest, DuplicateKeepsFirstValue) {
  std::vector<OtherName> names = GoodBasicFour();
  names.push_back({kNameOid, "鈴木　花子"});
  std::vector<ProfileFinding> findings;
  EXPECT_EQ(ReadBasicFour(MakeCert(names).get(), &findings).name, kName);
}

TEST(ReadBasicFourTest, BadValuesLeaveFieldsEmpty) {
  std::vector<OtherName> names = GoodBasicFour();
  names[0] = {kNameOid, "\xFF\xFE"};
  names[3] = {kBirthDateOid, "", V_ASN1_INTEGER};
  std::vector<ProfileFinding> findings;
  const BasicFour b = ReadBasicFour(MakeCert(names).get(), &findings);
  EXPECT_EQ(b.name, "");
  EXPECT_EQ(b.birth_date_raw, "");
  EXPECT_FALSE(b.birth_date.has_value());
  // Already reported as wrong type: no second, confusing BAD_BIRTH_DATE.
  EXPECT_EQ(Count(findings, kCodeBasicFourBadBirthDate), 0) << Dump(findings);
  EXPECT_EQ(b.address, kAddress);
}

TEST(ReadBasicFourTest, FindingSeverity) {
  std::vector<OtherName> names = GoodBasicFour();
  names.push_back({"1.2.3.4", "x"});
  names.erase(names.begin() + 2);
  std::vector<ProfileFinding> findings;
  ReadBasicFour(MakeCert(names).get(), &findings);
  for (const ProfileFinding& f : findings) {
    EXPECT_EQ(f.informational, f.code == kCodeUnknownOtherName) << f.code;
  }
  EXPECT_EQ(findings.size(), 2u) << Dump(findings);
}

TEST(ReadBasicFourTest, NoSubjectAltName) {
  X509Ptr cert = FromDer(MakeCertDer({}));
  ASSERT_NE(cert, nullptr);
  std::vector<ProfileFinding> findings;
  ReadBasicFour(cert.get(), &findings);
  EXPECT_EQ(Count(findings, kCodeBasicFourMissing), 6) << Dump(findings);
  EXPECT_TRUE(absl::StrContains(findings[0].detail, "no subjectAltName"));
}

TEST(ReadBasicFourTest, TwoSubjectAltNameExtensions) {
  X509Ptr cert = FromDer(MakeCertDer({GoodBasicFour(), GoodBasicFour()}));
  ASSERT_NE(cert, nullptr);
  std::vector<ProfileFinding> findings;
  const BasicFour b = ReadBasicFour(cert.get(), &findings);
  EXPECT_EQ(Count(findings, kCodeSubjectAltNameUnreadable), 1)
      << Dump(findings);
  EXPECT_EQ(Count(findings, kCodeBasicFourMissing), 6) << Dump(findings);
  EXPECT_EQ(b.name, "");
}

TEST(ReadBasicFourTest, UndecodableSubjectAltName) {
  X509Ptr cert(X509_new(), &X509_free);
  ASN1_OCTET_STRING* garbage = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(garbage,
                        reinterpret_cast<const unsigned char*>("\x30\x05\xA0"),
                        3);
  X509_EXTENSION* ext =
      X509_EXTENSION_create_by_NID(nullptr, NID_subject_alt_name, 0, garbage);
  ASSERT_NE(ext, nullptr);
  ASSERT_EQ(X509_add_ext(cert.get(), ext, -1), 1);
  X509_EXTENSION_free(ext);
  ASN1_OCTET_STRING_free(garbage);
  std::vector<ProfileFinding> findings;
  ReadBasicFour(cert.get(), &findings);
  EXPECT_EQ(Count(findings, kCodeSubjectAltNameUnreadable), 1)
      << Dump(findings);
  EXPECT_EQ(Count(findings, kCodeBasicFourMissing), 6);
}

TEST(ReadBasicFourTest, NullCertAndNullFindings) {
  std::vector<ProfileFinding> findings;
  const BasicFour b = ReadBasicFour(nullptr, &findings);
  EXPECT_EQ(Count(findings, kCodeBasicFourMissing), 6);
  EXPECT_FALSE(b.birth_date.has_value());
  // Findings may be dropped; values still come back.
  EXPECT_EQ(ReadBasicFour(MakeCert(GoodBasicFour()).get(), nullptr).name,
            kName);
  ReadBasicFour(nullptr, nullptr);
}

// Hostile input: every single-byte corruption and truncation of a good
// certificate either fails to parse or is read without crashing, and anything
// read back is valid UTF-8 (run under --config=asan for memory errors).
TEST(ReadBasicFourTest, SurvivesCorruptedCertificates) {
  std::vector<OtherName> names = GoodBasicFour();
  names.push_back({"1.2.3.4", "", V_ASN1_INTEGER});
  const std::vector<unsigned char> good = MakeCertDer({names});
  ASSERT_FALSE(good.empty());
  int parsed = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    for (unsigned char mask : {0x01, 0x80, 0xFF}) {
      std::vector<unsigned char> der = good;
      der[i] = static_cast<unsigned char>(der[i] ^ mask);
      X509Ptr cert = FromDer(der);
      if (cert == nullptr) continue;
      ++parsed;
      std::vector<ProfileFinding> findings;
      const BasicFour b = ReadBasicFour(cert.get(), &findings);
      for (const std::string* v :
           {&b.name, &b.name_substitute_flags, &b.sex, &b.birth_date_raw,
            &b.address, &b.address_substitute_flags}) {
        EXPECT_TRUE(IsValidUtf8(*v)) << "offset " << i;
      }
    }
    std::vector<unsigned char> cut(good.begin(), good.begin() + i);
    X509Ptr cert = FromDer(cut);
    if (cert != nullptr) ReadBasicFour(cert.get(), nullptr);
  }
  EXPECT_GT(parsed, 0);  // the loop did exercise the reader
}

}  // namespace
}  // namespace kensho::jpki
