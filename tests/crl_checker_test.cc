// revocation::CrlRevocationChecker over a real RocksDB store filled from a jpki_sim world,
// with the clock moved forward to see stale-while-revalidate and its bound.
#include "revocation/crl_checker.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cache/revocation_store.h"
#include "cache/rocks_store.h"
#include "conformance/json.h"
#include "gtest/gtest.h"
#include "revocation/partition_manager.h"
#include "tests/e2e_util.h"
#include "tools/jpki_sim/world.h"
#include "verify/certificate.h"
#include "verify/trust_store.h"

namespace kensho::revocation {
namespace {

using ::kensho::testing::ReadFile;

TEST(CrlRevocationCheckerTest, StaleWhileRevalidateUpToItsBound) {
  const std::string tmp = std::getenv("TEST_TMPDIR");
  const absl::Time now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  sim::WorldOptions options;
  options.out_dir = tmp + "/world";
  options.people = 40;
  options.seed = 8;
  options.now = now;
  options.key_pool_size = 4;
  options.with_workloads = false;
  ASSERT_TRUE(sim::GenerateWorld(options).ok());
  auto manifest = conformance::ParseJson(ReadFile(options.out_dir + "/manifest.json"));
  ASSERT_TRUE(manifest.ok());
  std::string revoked_file, good_file;
  for (const auto& c : manifest->Find("certificates")->elements()) {
    if (c.Find("kind")->text() != "JPKI_SIGNATURE" ||
        c.Find("issuer")->text() != "roots/sign_gen3.pem") {
      continue;
    }
    if (c.Find("status")->text() == "revoked" && revoked_file.empty()) {
      revoked_file = c.Find("file")->text();
    }
    if (c.Find("status")->text() == "good" && good_file.empty()) good_file = c.Find("file")->text();
  }
  ASSERT_FALSE(revoked_file.empty());
  ASSERT_FALSE(good_file.empty());

  auto trust = verify::TrustStore::Create(
      {{"jpki-sign", {options.out_dir + "/trust/jpki-sign.pem"}, {}, false}});
  ASSERT_TRUE(trust.ok()) << trust.status();
  auto rocks = cache::RocksStore::Open(tmp + "/db");
  ASSERT_TRUE(rocks.ok());
  auto store = cache::RevocationStore::Open(rocks->get());
  ASSERT_TRUE(store.ok());
  auto partitions = PartitionManager::Create({}, options.out_dir + "/crl", *trust, store->get(),
                                             FetchPolicy(), tmp);
  ASSERT_TRUE(partitions.ok()) << partitions.status();
  for (const auto& v : (*partitions)->Snapshot(now)) {
    (*partitions)->Refresh(v.config.id, now).IgnoreError();  // other profiles' CRLs fail
  }
  auto issuer = verify::Certificate::ParseBundle(
      ReadFile(options.out_dir + "/roots/sign_gen3.pem"));
  ASSERT_TRUE(issuer.ok());
  auto revoked = verify::Certificate::ParseDer(ReadFile(options.out_dir + "/" + revoked_file));
  auto good = verify::Certificate::ParseDer(ReadFile(options.out_dir + "/" + good_file));
  ASSERT_TRUE(revoked.ok() && good.ok());

  absl::Time clock = now;
  CrlRevocationChecker checker(partitions->get(), store->get(), nullptr, [&] { return clock; },
                               absl::Hours(24));
  using verify::RevocationMode;
  using verify::RevocationStatus;
  const verify::Certificate& ca = *issuer->front();
  // Fresh (the world's CRLs are valid for 24 h).
  EXPECT_EQ(checker.Check(**good, ca, now, RevocationMode::kSoftFail).status,
            RevocationStatus::kGood);
  EXPECT_EQ(checker.Check(**revoked, ca, now, RevocationMode::kSoftFail).status,
            RevocationStatus::kRevoked);
  // One hour past nextUpdate: stale; soft-fail still believes GOOD, hard-fail does not.
  clock = now + absl::Hours(25);
  auto soft = checker.Check(**good, ca, clock, RevocationMode::kSoftFail);
  EXPECT_TRUE(soft.stale);
  EXPECT_EQ(soft.status, RevocationStatus::kGood);
  EXPECT_EQ(checker.Check(**good, ca, clock, RevocationMode::kHardFail).status,
            RevocationStatus::kUnknown);
  // Past the 24 h bound: no status, whatever the mode; REVOKED stays.
  clock = now + absl::Hours(49);
  EXPECT_EQ(checker.Check(**good, ca, clock, RevocationMode::kSoftFail).status,
            RevocationStatus::kUnknown);
  EXPECT_EQ(checker.Check(**revoked, ca, clock, RevocationMode::kSoftFail).status,
            RevocationStatus::kRevoked);
}

// Adds the extension `value` (OpenSSL's config syntax) to a certificate or
// CRL, with `issuer` as the issuer for key identifiers.
template <typename T, int (*Add)(T*, X509_EXTENSION*, int)>
void AddExt(T* to, X509* issuer, X509* subject, X509_CRL* crl, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, subject, nullptr, crl, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ASSERT_NE(ext, nullptr) << value;
  Add(to, ext, -1);
  X509_EXTENSION_free(ext);
}
void AddCertExt(X509* cert, X509* issuer, int nid, const char* value) {
  AddExt<X509, X509_add_ext>(cert, issuer, cert, nullptr, nid, value);
}
void AddCrlExt(X509_CRL* crl, X509* issuer, int nid, const char* value) {
  AddExt<X509_CRL, X509_CRL_add_ext>(crl, issuer, nullptr, crl, nid, value);
}

X509* MakeCert(EVP_PKEY* key, EVP_PKEY* signer_key, X509* issuer, const char* cn, long serial,
               absl::Time now) {
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_NAME* name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_subject_name(x, name);
  X509_set_issuer_name(x, issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509_NAME_free(name);
  ASN1_TIME_set(X509_getm_notBefore(x), absl::ToTimeT(now - absl::Hours(24 * 30)));
  ASN1_TIME_set(X509_getm_notAfter(x), absl::ToTimeT(now + absl::Hours(24 * 365)));
  X509_set_pubkey(x, key);
  X509* ca = issuer != nullptr ? issuer : x;
  if (issuer == nullptr) {
    AddCertExt(x, ca, NID_basic_constraints, "critical,CA:TRUE");
    AddCertExt(x, ca, NID_key_usage, "critical,keyCertSign,cRLSign");
    AddCertExt(x, ca, NID_subject_key_identifier, "hash");
  } else {
    AddCertExt(x, ca, NID_key_usage, "critical,digitalSignature");
    AddCertExt(x, ca, NID_authority_key_identifier, "keyid:always");
    AddCertExt(x, ca, NID_crl_distribution_points, "URI:http://crl.example/url-test.crl");
  }
  X509_sign(x, signer_key, EVP_sha256());
  return x;
}

// A distribution point may be a URL instead of JPKI's DirName: the
// certificate's CRLDP URI and the CRL's IDP URI name the partition.
TEST(CrlRevocationCheckerTest, UrlDistributionPointNamesThePartition) {
  const std::string tmp = std::getenv("TEST_TMPDIR");
  const absl::Time now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  EVP_PKEY* ca_key = EVP_RSA_gen(2048);
  EVP_PKEY* leaf_key = EVP_RSA_gen(2048);
  ASSERT_TRUE(ca_key != nullptr && leaf_key != nullptr);
  X509* ca = MakeCert(ca_key, ca_key, nullptr, "URL Test CA", 1, now);
  X509* revoked_leaf = MakeCert(leaf_key, ca_key, ca, "Revoked Leaf", 0x1234, now);
  X509* good_leaf = MakeCert(leaf_key, ca_key, ca, "Good Leaf", 0x1235, now);

  const char* url = "http://crl.example/url-test.crl";
  X509_CRL* crl = X509_CRL_new();
  X509_CRL_set_version(crl, 1);
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
  ASN1_TIME* t = ASN1_TIME_set(nullptr, absl::ToTimeT(now - absl::Hours(1)));
  X509_CRL_set1_lastUpdate(crl, t);
  ASN1_TIME_set(t, absl::ToTimeT(now + absl::Hours(24)));
  X509_CRL_set1_nextUpdate(crl, t);
  X509_REVOKED* r = X509_REVOKED_new();
  ASN1_INTEGER* serial = ASN1_INTEGER_new();
  ASN1_INTEGER_set(serial, 0x1234);
  X509_REVOKED_set_serialNumber(r, serial);
  ASN1_INTEGER_free(serial);
  ASN1_TIME_set(t, absl::ToTimeT(now - absl::Hours(2)));
  X509_REVOKED_set_revocationDate(r, t);
  ASN1_TIME_free(t);
  X509_CRL_add0_revoked(crl, r);
  ASN1_INTEGER* number = ASN1_INTEGER_new();
  ASN1_INTEGER_set(number, 1);
  X509_CRL_add1_ext_i2d(crl, NID_crl_number, number, 0, 0);
  ASN1_INTEGER_free(number);
  AddCrlExt(crl, ca, NID_authority_key_identifier, "keyid:always");
  AddCrlExt(crl, ca, NID_issuing_distribution_point, absl::StrCat("critical,fullname:URI:", url).c_str());
  X509_CRL_sort(crl);
  ASSERT_GT(X509_CRL_sign(crl, ca_key, EVP_sha256()), 0);

  const std::string ca_pem = tmp + "/url_ca.pem";
  FILE* f = std::fopen(ca_pem.c_str(), "w");
  PEM_write_X509(f, ca);
  std::fclose(f);
  const std::string crl_path = tmp + "/url.crl";
  f = std::fopen(crl_path.c_str(), "wb");
  i2d_X509_CRL_fp(f, crl);
  std::fclose(f);

  auto trust = verify::TrustStore::Create({{"url-test", {ca_pem}, {}, false}});
  ASSERT_TRUE(trust.ok()) << trust.status();
  auto rocks = cache::RocksStore::Open(tmp + "/url_db");
  ASSERT_TRUE(rocks.ok());
  auto store = cache::RevocationStore::Open(rocks->get());
  ASSERT_TRUE(store.ok());
  auto partitions = PartitionManager::Create(
      {PartitionSource{"url-part", "file://" + crl_path, url, "url-test"}}, "", *trust,
      store->get(), FetchPolicy(), tmp);
  ASSERT_TRUE(partitions.ok()) << partitions.status();
  absl::Status refreshed = (*partitions)->Refresh("url-part", now);
  ASSERT_TRUE(refreshed.ok()) << refreshed;

  auto der = [](X509* x) {
    unsigned char* p = nullptr;
    const int n = i2d_X509(x, &p);
    std::string out(reinterpret_cast<char*>(p), n);
    OPENSSL_free(p);
    return out;
  };
  auto issuer = verify::Certificate::ParseDer(der(ca));
  auto revoked = verify::Certificate::ParseDer(der(revoked_leaf));
  auto good = verify::Certificate::ParseDer(der(good_leaf));
  ASSERT_TRUE(issuer.ok() && revoked.ok() && good.ok());
  CrlRevocationChecker checker(partitions->get(), store->get(), nullptr, [&] { return now; });
  auto r1 = checker.Check(**revoked, **issuer, now, verify::RevocationMode::kHardFail);
  EXPECT_EQ(r1.status, verify::RevocationStatus::kRevoked) << r1.source_id;
  EXPECT_EQ(r1.source_id, "url-part");
  auto r2 = checker.Check(**good, **issuer, now, verify::RevocationMode::kHardFail);
  EXPECT_EQ(r2.status, verify::RevocationStatus::kGood) << r2.source_id;

  // The same CRL offered for a partition of another URL is refused.
  auto other = PartitionManager::Create(
      {PartitionSource{"other-part", "file://" + crl_path, "http://crl.example/other.crl",
                       "url-test"}},
      "", *trust, store->get(), FetchPolicy(), tmp);
  ASSERT_TRUE(other.ok());
  absl::Status wrong = (*other)->Refresh("other-part", now);
  EXPECT_FALSE(wrong.ok());
  EXPECT_NE(std::string(wrong.message()).find("issuingDistributionPoint"), std::string::npos) << wrong;

  X509_CRL_free(crl);
  X509_free(good_leaf);
  X509_free(revoked_leaf);
  X509_free(ca);
  EVP_PKEY_free(leaf_key);
  EVP_PKEY_free(ca_key);
}

}  // namespace
}  // namespace kensho::revocation
