// Round-trips the certificate, CRL, CMS and OCSP-index writers through
// OpenSSL's parsers and verifiers.
#include <openssl/cms.h>
#include <openssl/x509v3.h>

#include <cstdlib>

#include "gtest/gtest.h"
#include "tools/jpki_sim/cert_factory.h"
#include "tools/jpki_sim/cms_writer.h"
#include "tools/jpki_sim/crl_writer.h"
#include "tools/jpki_sim/files.h"
#include "tools/jpki_sim/key_pool.h"
#include "tools/jpki_sim/ocsp_index.h"

namespace kensho::sim {
namespace {

absl::Time Utc(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone());
}

class PkiWritersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto pool = KeyPool::LoadOrCreate(JoinPath(getenv("TEST_TMPDIR"), "pool"), 2, 1);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = new KeyPool(std::move(*pool));
    auto root = MakeRoot(RootSpec{CertKind::kSignature, "JPKI", pool_->ca(0), 0x067C6A21,
                                  Utc(2023, 7, 16, 0, 50, 27), Utc(2033, 7, 15, 14, 59, 59)});
    ASSERT_TRUE(root.ok()) << root.status();
    root_ = root->release();
  }
  static void TearDownTestSuite() {
    X509_free(root_);
    delete pool_;
  }

  X509Ptr SignatureCert() {
    EndEntitySpec s;
    s.kind = CertKind::kSignature;
    s.issuer = root_;
    s.issuer_key = pool_->ca(0);
    s.subject_key = pool_->ee(0);
    s.serial = 0x1234567;
    s.not_before = Utc(2025, 10, 27, 1, 2, 3);
    s.not_after = Utc(2030, 2, 17, 14, 59, 59);
    s.common_name = "20251027ABCDEFGHJK";
    s.prefecture_romaji = "Yamagata";
    s.city_romaji = "Iide-machi";
    s.name = "山田　花子";
    s.name_flags = "0";
    s.sex = "2";
    s.birth_date = "419900217";
    s.address = "山形県西置賜郡飯豊町大字椿１２３番地";
    s.address_flags = "0";
    auto cert = MakeEndEntity(s);
    EXPECT_TRUE(cert.ok()) << cert.status();
    return std::move(*cert);
  }

  static KeyPool* pool_;
  static X509* root_;
};
KeyPool* PkiWritersTest::pool_ = nullptr;
X509* PkiWritersTest::root_ = nullptr;

std::string Oneline(const X509_NAME* name) {
  char* s = X509_NAME_oneline(name, nullptr, 0);
  std::string out(s);
  OPENSSL_free(s);
  return out;
}

TEST_F(PkiWritersTest, RootProfile) {
  EXPECT_EQ(Oneline(X509_get_subject_name(root_)),
            "/C=JP/O=JPKI/OU=JPKI for digital signature/OU=Japan Agency for Local Authority Information Systems");
  EXPECT_EQ(X509_verify(root_, pool_->ca(0)), 1);
  EXPECT_EQ(X509_check_ca(root_), 1);
  EXPECT_EQ(X509_get_key_usage(root_), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_NE(X509_get0_subject_key_id(root_), nullptr);
}

TEST_F(PkiWritersTest, SignatureCertProfile) {
  X509Ptr cert = SignatureCert();
  ASSERT_TRUE(cert);
  EXPECT_EQ(X509_verify(cert.get(), pool_->ca(0)), 1);
  EXPECT_EQ(Oneline(X509_get_subject_name(cert.get())), "/C=JP/L=Yamagata/L=Iide-machi/CN=20251027ABCDEFGHJK");
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION));
  int crit = -1;
  auto* pols = static_cast<CERTIFICATEPOLICIES*>(
      X509_get_ext_d2i(cert.get(), NID_certificate_policies, &crit, nullptr));
  ASSERT_NE(pols, nullptr);
  EXPECT_EQ(crit, 1);
  char oid[64];
  OBJ_obj2txt(oid, sizeof oid, sk_POLICYINFO_value(pols, 0)->policyid, 1);
  EXPECT_STREQ(oid, kSignaturePolicyOid);
  CERTIFICATEPOLICIES_free(pols);

  auto* san = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr));
  ASSERT_NE(san, nullptr);
  ASSERT_EQ(sk_GENERAL_NAME_num(san), 6);
  GENERAL_NAME* birth = sk_GENERAL_NAME_value(san, 3);
  ASSERT_EQ(birth->type, GEN_OTHERNAME);
  OBJ_obj2txt(oid, sizeof oid, birth->d.otherName->type_id, 1);
  EXPECT_STREQ(oid, kOtherNameBirthDate);
  ASSERT_EQ(birth->d.otherName->value->type, V_ASN1_UTF8STRING);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(birth->d.otherName->value->value.utf8string))),
            "419900217");
  GENERAL_NAMES_free(san);

  auto* dps = static_cast<CRL_DIST_POINTS*>(
      X509_get_ext_d2i(cert.get(), NID_crl_distribution_points, nullptr, nullptr));
  ASSERT_NE(dps, nullptr);
  GENERAL_NAME* dp = sk_GENERAL_NAME_value(sk_DIST_POINT_value(dps, 0)->distpoint->name.fullname, 0);
  ASSERT_EQ(dp->type, GEN_DIRNAME);
  EXPECT_EQ(Oneline(dp->d.directoryName),
            "/C=JP/O=JPKI/OU=JPKI for digital signature/OU=CRL Distribution Points/OU=Yamagata/CN=Iide-machi CRLDP");
  CRL_DIST_POINTS_free(dps);
  EXPECT_NE(X509_get0_authority_key_id(cert.get()), nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(cert.get()), X509_get0_subject_key_id(root_)), 0);
}

TEST_F(PkiWritersTest, CertificatesAreDeterministic) {
  auto a = CertToDer(SignatureCert().get());
  auto b = CertToDer(SignatureCert().get());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

TEST_F(PkiWritersTest, CrlRoundTrip) {
  X509NamePtr dp = CrlDistributionPointName(CertKind::kSignature, "Yamagata", "Iide-machi");
  CrlSpec spec{root_, pool_->ca(0), Utc(2026, 2, 28, 23), Utc(2026, 3, 2), 492312, dp.get()};
  std::vector<CrlEntry> entries = {
      {0x01, Utc(2026, 1, 2), kAffiliationChanged, std::nullopt},
      {0x80, Utc(2026, 1, 3), kKeyCompromise, Utc(2026, 1, 1, 12)},
      {0x1234567890ull, Utc(2026, 1, 4), kCertificateHold, std::nullopt},
  };
  const std::string path = JoinPath(getenv("TEST_TMPDIR"), "t.crl");
  ASSERT_TRUE(WriteCrl(spec, entries, path).ok());
  auto der = ReadFile(path);
  ASSERT_TRUE(der.ok());
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
  X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(der->size()));
  ASSERT_NE(crl, nullptr);
  EXPECT_EQ(p, reinterpret_cast<const unsigned char*>(der->data()) + der->size());
  EXPECT_EQ(X509_CRL_verify(crl, pool_->ca(0)), 1);
  EXPECT_EQ(X509_CRL_get_version(crl), 1);
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl);
  ASSERT_EQ(sk_X509_REVOKED_num(revoked), 3);
  auto* reason = static_cast<ASN1_ENUMERATED*>(
      X509_REVOKED_get_ext_d2i(sk_X509_REVOKED_value(revoked, 1), NID_crl_reason, nullptr, nullptr));
  ASSERT_NE(reason, nullptr);
  EXPECT_EQ(ASN1_ENUMERATED_get(reason), kKeyCompromise);
  ASN1_ENUMERATED_free(reason);
  int crit = -1;
  auto* idp = static_cast<ISSUING_DIST_POINT*>(
      X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &crit, nullptr));
  ASSERT_NE(idp, nullptr);
  EXPECT_EQ(crit, 1);
  ISSUING_DIST_POINT_free(idp);
  auto* number = static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, NID_crl_number, nullptr, nullptr));
  ASSERT_NE(number, nullptr);
  EXPECT_EQ(ASN1_INTEGER_get(number), 492312);
  ASN1_INTEGER_free(number);
  X509_CRL_free(crl);
}

TEST_F(PkiWritersTest, EmptyAndStreamedCrls) {
  const std::string path = JoinPath(getenv("TEST_TMPDIR"), "empty.crl");
  CrlSpec spec{root_, pool_->ca(0), Utc(2026, 2, 28, 23), Utc(2026, 3, 2), 1, nullptr};
  ASSERT_TRUE(WriteCrl(spec, {}, path).ok());
  auto der = ReadFile(path);
  ASSERT_TRUE(der.ok());
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
  X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(der->size()));
  ASSERT_NE(crl, nullptr);
  EXPECT_EQ(X509_CRL_verify(crl, pool_->ca(0)), 1);
  EXPECT_EQ(X509_CRL_get_REVOKED(crl), nullptr) << "revokedCertificates omitted when empty";
  X509_CRL_free(crl);

  const std::string big = JoinPath(getenv("TEST_TMPDIR"), "big.crl");
  ASSERT_TRUE(WriteCrl(
                  spec, 20000,
                  [](int64_t i) {
                    return CrlEntry{static_cast<uint64_t>(i + 1), Utc(2026, 1, 1) + absl::Seconds(i), kSuperseded,
                                    std::nullopt};
                  },
                  big)
                  .ok());
  der = ReadFile(big);
  ASSERT_TRUE(der.ok());
  p = reinterpret_cast<const unsigned char*>(der->data());
  crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(der->size()));
  ASSERT_NE(crl, nullptr);
  EXPECT_EQ(X509_CRL_verify(crl, pool_->ca(0)), 1);
  EXPECT_EQ(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)), 20000);
  X509_CRL_free(crl);
}

TEST_F(PkiWritersTest, CmsAttachedDetachedAndWrongKey) {
  X509Ptr cert = SignatureCert();
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, root_);
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), absl::ToTimeT(Utc(2026, 3, 1)));
  for (bool detached : {false, true}) {
    for (bool wrong : {false, true}) {
      CmsSpec spec;
      spec.signer = cert.get();
      spec.key = pool_->ee(0);
      spec.content = "確定申告書";
      spec.detached = detached;
      spec.signing_time = Utc(2026, 2, 1, 9);
      spec.wrong_key = wrong ? pool_->ee(1) : nullptr;
      auto der = MakeSignedData(spec);
      ASSERT_TRUE(der.ok()) << der.status();
      auto again = MakeSignedData(spec);
      EXPECT_EQ(*der, *again) << "deterministic";
      const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
      CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der->size()));
      ASSERT_NE(cms, nullptr);
      EXPECT_EQ(CMS_is_detached(cms), detached ? 1 : 0);
      BIO* content = BIO_new_mem_buf(spec.content.data(), static_cast<int>(spec.content.size()));
      int ok = CMS_verify(cms, nullptr, store, detached ? content : nullptr, nullptr, CMS_BINARY);
      EXPECT_EQ(ok, wrong ? 0 : 1) << "detached=" << detached << " wrong=" << wrong;
      CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
      EXPECT_GE(CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1), 0);
      EXPECT_GE(CMS_signed_get_attr_by_NID(si, NID_pkcs9_messageDigest, -1), 0);
      EXPECT_GE(CMS_signed_get_attr_by_NID(si, NID_pkcs9_contentType, -1), 0);
      EXPECT_EQ(CMS_SignerInfo_cert_cmp(si, cert.get()), 0) << "issuerAndSerialNumber names the signer";
      BIO_free(content);
      CMS_ContentInfo_free(cms);
    }
  }
  X509_STORE_free(store);
}

TEST_F(PkiWritersTest, SignNonceIsPkcs1Sha256) {
  std::string nonce(32, '\x5a');
  auto sig = SignNonce(pool_->ee(0), nonce);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->size(), 256u);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, pool_->ee(0)), 1);
  EXPECT_EQ(EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                             reinterpret_cast<const unsigned char*>(nonce.data()), nonce.size()),
            1);
  EVP_MD_CTX_free(md);
}

TEST(OcspIndexTest, Format) {
  EXPECT_EQ(SerialHex(0), "00");
  EXPECT_EQ(SerialHex(0xABC), "0ABC");
  EXPECT_EQ(SerialHex(0x1D2C886A), "1D2C886A");
  OcspIndexEntry good{0x1D2C886A, Utc(2030, 2, 17, 14, 59, 59), "/C=JP/CN=X", false, {}, 0, std::nullopt};
  OcspIndexEntry lost{0xABC, Utc(2030, 2, 17, 14, 59, 59), "/C=JP/CN=Y", true, Utc(2026, 1, 2, 3, 4, 5),
                      kKeyCompromise, Utc(2026, 1, 1)};
  OcspIndexEntry hold{0xABD, Utc(2030, 2, 17, 14, 59, 59), "/C=JP/CN=Z", true, Utc(2026, 1, 2, 3, 4, 5),
                      kCertificateHold, std::nullopt};
  EXPECT_EQ(FormatOcspIndex({good, lost, hold}),
            "V\t300217145959Z\t\t1D2C886A\tunknown\t/C=JP/CN=X\n"
            "R\t300217145959Z\t260102030405Z,keyCompromise,20260101000000Z\t0ABC\tunknown\t/C=JP/CN=Y\n"
            "R\t300217145959Z\t260102030405Z,certificateHold,holdInstructionReject\t0ABD\tunknown\t/C=JP/CN=Z\n");
}

}  // namespace
}  // namespace kensho::sim
