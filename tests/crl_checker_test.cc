// revocation::CrlRevocationChecker over a real RocksDB store filled from a jpki_sim world,
// with the clock moved forward to see stale-while-revalidate and its bound.
#include "revocation/crl_checker.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <sys/stat.h>

#include <fstream>
#include <optional>
#include <utility>
#include <vector>
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

// A CRL for `ca` numbered `number` (a delta CRL for complete CRL `base`
// when given) with an IDP naming `url`, listing (serial, reason) pairs
// (reason -1: none), valid from an hour ago for a day.
X509_CRL* MakeCrl(X509* ca, EVP_PKEY* ca_key, long number, std::optional<long> base,
                  const std::vector<std::pair<long, int>>& entries, const std::string& url,
                  absl::Time now) {
  X509_CRL* crl = X509_CRL_new();
  X509_CRL_set_version(crl, 1);
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
  ASN1_TIME* t = ASN1_TIME_set(nullptr, absl::ToTimeT(now - absl::Hours(1) + absl::Seconds(number)));
  X509_CRL_set1_lastUpdate(crl, t);
  ASN1_TIME_set(t, absl::ToTimeT(now + absl::Hours(24)));
  X509_CRL_set1_nextUpdate(crl, t);
  for (const auto& [serial_number, reason] : entries) {
    X509_REVOKED* r = X509_REVOKED_new();
    ASN1_INTEGER* serial = ASN1_INTEGER_new();
    ASN1_INTEGER_set(serial, serial_number);
    X509_REVOKED_set_serialNumber(r, serial);
    ASN1_INTEGER_free(serial);
    ASN1_TIME_set(t, absl::ToTimeT(now - absl::Hours(2)));
    X509_REVOKED_set_revocationDate(r, t);
    if (reason >= 0) {
      ASN1_ENUMERATED* code = ASN1_ENUMERATED_new();
      ASN1_ENUMERATED_set(code, reason);
      X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, code, 0, 0);
      ASN1_ENUMERATED_free(code);
    }
    X509_CRL_add0_revoked(crl, r);
  }
  ASN1_TIME_free(t);
  ASN1_INTEGER* n = ASN1_INTEGER_new();
  ASN1_INTEGER_set(n, number);
  X509_CRL_add1_ext_i2d(crl, NID_crl_number, n, 0, 0);
  if (base.has_value()) {
    ASN1_INTEGER_set(n, *base);
    X509_CRL_add1_ext_i2d(crl, NID_delta_crl, n, /*crit=*/1, 0);
  }
  ASN1_INTEGER_free(n);
  AddCrlExt(crl, ca, NID_authority_key_identifier, "keyid:always");
  AddCrlExt(crl, ca, NID_issuing_distribution_point, absl::StrCat("critical,fullname:URI:", url).c_str());
  X509_CRL_sort(crl);
  if (X509_CRL_sign(crl, ca_key, EVP_sha256()) <= 0) {
    X509_CRL_free(crl);
    return nullptr;
  }
  return crl;
}

void WriteCrl(X509_CRL* crl, const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "wb");
  i2d_X509_CRL_fp(f, crl);
  std::fclose(f);
}

std::string Der(X509* x) {
  unsigned char* p = nullptr;
  const int n = i2d_X509(x, &p);
  std::string out(reinterpret_cast<char*>(p), n);
  OPENSSL_free(p);
  return out;
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
  X509_CRL* crl = MakeCrl(ca, ca_key, 1, std::nullopt, {{0x1234, -1}}, url, now);
  ASSERT_NE(crl, nullptr);

  const std::string ca_pem = tmp + "/url_ca.pem";
  FILE* f = std::fopen(ca_pem.c_str(), "w");
  PEM_write_X509(f, ca);
  std::fclose(f);
  const std::string crl_path = tmp + "/url.crl";
  WriteCrl(crl, crl_path);

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

  auto issuer = verify::Certificate::ParseDer(Der(ca));
  auto revoked = verify::Certificate::ParseDer(Der(revoked_leaf));
  auto good = verify::Certificate::ParseDer(Der(good_leaf));
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

// Delta CRLs (RFC 5280 5.2.4) over a complete CRL, fetched from the
// partition's delta_source: the delta lists new revocations and releases a
// held certificate (removeFromCRL); deltas that do not fit are refused.
TEST(CrlRevocationCheckerTest, DeltaCrlOverTheCompleteOne) {
  const std::string tmp = std::string(std::getenv("TEST_TMPDIR")) + "/delta";
  ASSERT_EQ(::mkdir(tmp.c_str(), 0755), 0);
  const absl::Time now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  EVP_PKEY* ca_key = EVP_RSA_gen(2048);
  EVP_PKEY* leaf_key = EVP_RSA_gen(2048);
  X509* ca = MakeCert(ca_key, ca_key, nullptr, "Delta Test CA", 1, now);
  const std::string url = "http://crl.example/url-test.crl";  // the leaves' CRLDP
  // Complete CRL 1: 0x1234 keyCompromise (1), 0x2000 certificateHold (6).
  X509_CRL* complete = MakeCrl(ca, ca_key, 1, std::nullopt, {{0x1234, 1}, {0x2000, 6}}, url, now);
  // Delta 2 over 1: 0x2000 released (removeFromCRL, 8), 0x3000 keyCompromise.
  X509_CRL* delta = MakeCrl(ca, ca_key, 2, 1, {{0x2000, 8}, {0x3000, 1}}, url, now);
  ASSERT_TRUE(complete != nullptr && delta != nullptr);
  WriteCrl(complete, tmp + "/complete.crl");
  WriteCrl(delta, tmp + "/delta.crl");
  const std::string ca_pem = tmp + "/ca.pem";
  FILE* f = std::fopen(ca_pem.c_str(), "w");
  PEM_write_X509(f, ca);
  std::fclose(f);

  auto trust = verify::TrustStore::Create({{"delta-test", {ca_pem}, {}, false}});
  ASSERT_TRUE(trust.ok()) << trust.status();
  auto rocks = cache::RocksStore::Open(tmp + "/db");
  ASSERT_TRUE(rocks.ok());
  auto store = cache::RevocationStore::Open(rocks->get());
  ASSERT_TRUE(store.ok());
  PartitionSource source{"p", "file://" + tmp + "/complete.crl", url, "delta-test"};
  source.delta_source = "file://" + tmp + "/delta.crl";
  auto partitions = PartitionManager::Create({source}, "", *trust, store->get(), FetchPolicy(), tmp);
  ASSERT_TRUE(partitions.ok()) << partitions.status();
  absl::Status refreshed = (*partitions)->Refresh("p", now);
  ASSERT_TRUE(refreshed.ok()) << refreshed;

  CrlRevocationChecker checker(partitions->get(), store->get(), nullptr, [&] { return now; });
  auto issuer = verify::Certificate::ParseDer(Der(ca));
  ASSERT_TRUE(issuer.ok());
  auto status_of = [&](long serial) {
    X509* leaf = MakeCert(leaf_key, ca_key, ca, "Leaf", serial, now);
    auto cert = verify::Certificate::ParseDer(Der(leaf));
    X509_free(leaf);
    EXPECT_TRUE(cert.ok());
    return checker.Check(**cert, **issuer, now, verify::RevocationMode::kHardFail);
  };
  EXPECT_EQ(status_of(0x1234).status, verify::RevocationStatus::kRevoked);
  EXPECT_EQ(status_of(0x2000).status, verify::RevocationStatus::kGood) << "released by the delta";
  auto added = status_of(0x3000);
  EXPECT_EQ(added.status, verify::RevocationStatus::kRevoked);
  EXPECT_EQ(added.reason, "KEY_COMPROMISE");
  EXPECT_EQ(status_of(0x4000).status, verify::RevocationStatus::kGood);

  // Deltas that do not fit, each refused with the data kept: one for a
  // newer complete CRL than the one held, one numbered before it, and a
  // complete CRL offered as the delta.
  auto import = [&](X509_CRL* crl) {
    unsigned char* p = nullptr;
    const int n = i2d_X509_CRL(crl, &p);
    std::string der(reinterpret_cast<char*>(p), n);
    OPENSSL_free(p);
    X509_CRL_free(crl);
    return (*partitions)->Import("p", der, now).status();
  };
  absl::Status future_base = import(MakeCrl(ca, ca_key, 9, 5, {{0x5000, 1}}, url, now));
  EXPECT_NE(std::string(future_base.message()).find("complete CRL not held"), std::string::npos)
      << future_base;
  // A delta no newer than the complete CRL is contained in it: nothing to
  // apply, not an error (a delta source may lag its complete CRL).
  absl::Status contained = import(MakeCrl(ca, ca_key, 1, 1, {{0x5000, 1}}, url, now));
  EXPECT_TRUE(contained.ok()) << contained;
  WriteCrl(complete, tmp + "/delta.crl");
  absl::Status wrong_kind = (*partitions)->Refresh("p", now);
  EXPECT_NE(std::string(wrong_kind.message()).find("complete or delta"), std::string::npos) << wrong_kind;
  EXPECT_EQ(status_of(0x5000).status, verify::RevocationStatus::kGood);
  EXPECT_EQ(status_of(0x3000).status, verify::RevocationStatus::kRevoked);

  // A new complete CRL (3) that has taken in the delta replaces both.
  absl::Status next = import(MakeCrl(ca, ca_key, 3, std::nullopt, {{0x1234, 1}, {0x3000, 1}}, url, now));
  ASSERT_TRUE(next.ok()) << next;
  EXPECT_EQ(status_of(0x2000).status, verify::RevocationStatus::kGood);
  EXPECT_EQ(status_of(0x3000).status, verify::RevocationStatus::kRevoked);
  auto stored = (*store)->GetPartition("p");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_FALSE((*stored)->delta.has_value());

  X509_CRL_free(complete);
  X509_CRL_free(delta);
  X509_free(ca);
  EVP_PKEY_free(leaf_key);
  EVP_PKEY_free(ca_key);
}

}  // namespace
}  // namespace kensho::revocation
