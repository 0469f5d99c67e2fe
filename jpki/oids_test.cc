#include "jpki/oids.h"

#include <memory>
#include <string>

#include <openssl/asn1.h>
#include <openssl/objects.h>

#include "gtest/gtest.h"

namespace kensho::jpki {
namespace {

// Each constant must be a well-formed dotted OID that OpenSSL prints back
// unchanged, because basic_four compares against OBJ_obj2txt output.
TEST(OidsTest, ConstantsRoundTripThroughOpenSsl) {
  for (const char* oid :
       {kDefaultSignaturePolicyOid, kDefaultAuthPolicyOid, kNameOid,
        kNameSubstituteFlagsOid, kSexOid, kBirthDateOid, kAddressOid,
        kAddressSubstituteFlagsOid}) {
    SCOPED_TRACE(oid);
    std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> obj(
        OBJ_txt2obj(oid, /*no_name=*/1), &ASN1_OBJECT_free);
    ASSERT_NE(obj, nullptr);
    char buf[64];
    ASSERT_GT(OBJ_obj2txt(buf, sizeof(buf), obj.get(), 1), 0);
    EXPECT_EQ(std::string(buf), oid);
  }
}

TEST(OidsTest, PolicyDefaultsAreOverridable) {
  JpkiOids defaults;
  EXPECT_EQ(defaults.signature_policy, "1.2.392.200149.8.5.1.1.20");
  EXPECT_EQ(defaults.auth_policy, "1.2.392.200149.8.5.1.3.30");
  JpkiOids custom;
  custom.signature_policy = "1.2.3.4";
  EXPECT_EQ(custom.signature_policy, "1.2.3.4");
  EXPECT_EQ(custom.auth_policy, kDefaultAuthPolicyOid);
}

TEST(OidsTest, BasicFourArcs) {
  EXPECT_STREQ(kNameOid, "1.2.392.200149.8.5.5.1");
  EXPECT_STREQ(kNameSubstituteFlagsOid, "1.2.392.200149.8.5.5.2");
  EXPECT_STREQ(kSexOid, "1.2.392.200149.8.5.5.3");
  EXPECT_STREQ(kBirthDateOid, "1.2.392.200149.8.5.5.4");
  EXPECT_STREQ(kAddressOid, "1.2.392.200149.8.5.5.5");
  EXPECT_STREQ(kAddressSubstituteFlagsOid, "1.2.392.200149.8.5.5.6");
}

}  // namespace
}  // namespace kensho::jpki
