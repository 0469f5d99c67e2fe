#include "crl/partition_ingest.h"

#include <openssl/x509v3.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "crl/test_world.h"
#include "gtest/gtest.h"

namespace kensho::crl {
namespace {

using testing::ReadFileOrDie;
using testing::ReadPemCertOrDie;
using testing::SimPartition;
using testing::World;

std::string Path(const std::string& rel) { return World().dir + "/" + rel; }

class CollectingSink : public RevokedEntrySink {
 public:
  absl::Status Add(const RevokedEntry& e) override {
    if (fail_after >= 0 && static_cast<int>(serials.size()) == fail_after) {
      return absl::UnavailableError("disk full");
    }
    serials.emplace_back(e.serial);
    return absl::OkStatus();
  }
  std::vector<std::string> serials;
  int fail_after = -1;
};

class PartitionIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* kind : {"sign", "auth"}) {
      for (int gen = 1; gen <= 3; ++gen) {
        roots_[absl::StrCat("roots/", kind, "_gen", gen, ".pem")] =
            ReadPemCertOrDie(Path(absl::StrCat("roots/", kind, "_gen", gen, ".pem")));
      }
    }
    roots_["roots/stray_sign.pem"] = ReadPemCertOrDie(Path("roots/stray_sign.pem"));
    // The biggest sign partition, and another partition of the same issuer.
    for (const SimPartition& p : World().partitions) {
      if (absl::StartsWith(p.id, "sign-") && (target_ == nullptr || p.entries > target_->entries))
        target_ = &p;
    }
    ASSERT_NE(target_, nullptr);
    ASSERT_GT(target_->entries, 0);
    for (const SimPartition& p : World().partitions) {
      if (p.issuer == target_->issuer && p.id != target_->id) other_ = &p;
    }
    ASSERT_NE(other_, nullptr);
    der_ = ReadFileOrDie(Path(target_->file));
  }
  void TearDown() override {
    for (auto& [name, cert] : roots_) X509_free(cert);
  }

  PartitionSpec Spec(const SimPartition& p) const {
    PartitionSpec spec;
    spec.partition_id = p.id;
    spec.expected_idp_dirname = p.dirname;
    const std::string kind = absl::StartsWith(p.id, "sign-") ? "sign" : "auth";
    for (int gen = 1; gen <= 3; ++gen) {
      spec.issuer_generations.push_back(roots_.at(absl::StrCat("roots/", kind, "_gen", gen, ".pem")));
    }
    return spec;
  }

  CrlRejectReason Check(const PartitionSpec& spec, absl::string_view der, absl::Time now) const {
    return CheckPartitionCrl(spec, der, now).reason;
  }

  std::map<std::string, X509*> roots_;
  const SimPartition* target_ = nullptr;
  const SimPartition* other_ = nullptr;
  std::string der_;
  absl::Time now_ = World().now;
};

TEST_F(PartitionIngestTest, AcceptsThePartitionsOwnCrlAndStreamsEntries) {
  CollectingSink sink;
  PartitionCrlDecision d = IngestPartitionCrl(Spec(*target_), der_, now_, sink);
  ASSERT_TRUE(d.ok()) << d.status(target_->id);
  EXPECT_EQ(d.entries_streamed, target_->entries);
  EXPECT_EQ(static_cast<int64_t>(sink.serials.size()), target_->entries);
  const X509* signer = roots_.at(target_->issuer);
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(const_cast<X509*>(signer));
  EXPECT_EQ(d.accepted->issuer_key_id,
            std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ski)), ASN1_STRING_length(ski)));
  EXPECT_EQ(Spec(*target_).issuer_generations[d.accepted->issuer_generation], signer);
  EXPECT_EQ(d.accepted->crl.header.crl_number_decimal, target_->crl_number);
}

TEST_F(PartitionIngestTest, EveryWorldPartitionIsAccepted) {
  for (const SimPartition& p : World().partitions) {
    CollectingSink sink;
    PartitionCrlDecision d = IngestPartitionCrl(Spec(p), ReadFileOrDie(Path(p.file)), now_, sink);
    EXPECT_TRUE(d.ok()) << d.status(p.id);
    EXPECT_EQ(static_cast<int64_t>(sink.serials.size()), p.entries) << p.id;
  }
}

TEST_F(PartitionIngestTest, RejectsAnotherMunicipalitysCrl) {
  const std::string other = ReadFileOrDie(Path(other_->file));
  PartitionCrlDecision d = CheckPartitionCrl(Spec(*target_), other, now_);
  EXPECT_EQ(d.reason, CrlRejectReason::kWrongPartition);
  EXPECT_TRUE(absl::StrContains(d.detail, other_->dirname)) << d.detail;
  EXPECT_EQ(d.status(target_->id).code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(PartitionIngestTest, RejectsWrongSignerAndWrongIssuer) {
  PartitionSpec spec = Spec(*target_);
  // Only the generations that did not sign it.
  spec.issuer_generations.erase(
      std::remove(spec.issuer_generations.begin(), spec.issuer_generations.end(), roots_.at(target_->issuer)),
      spec.issuer_generations.end());
  spec.issuer_generations.push_back(roots_.at("roots/stray_sign.pem"));  // same DN, another key
  EXPECT_EQ(Check(spec, der_, now_), CrlRejectReason::kBadSignature);
  // The other CA's roots: another DN.
  PartitionSpec auth = Spec(*target_);
  auth.issuer_generations = {roots_.at("roots/auth_gen1.pem"), roots_.at("roots/auth_gen2.pem"),
                             roots_.at("roots/auth_gen3.pem")};
  EXPECT_EQ(Check(auth, der_, now_), CrlRejectReason::kWrongIssuer);
  // A flipped bit in the signature.
  std::string flipped = der_;
  flipped[flipped.size() - 3] ^= 0x10;
  EXPECT_EQ(Check(Spec(*target_), flipped, now_), CrlRejectReason::kBadSignature);
  // A flipped bit inside an entry's serial: still DER, but the hash changes.
  std::string tampered = der_;
  const size_t serial_pos = tampered.find("\x02\x04", 200);
  ASSERT_NE(serial_pos, std::string::npos);
  tampered[serial_pos + 4] ^= 0x01;
  EXPECT_EQ(Check(Spec(*target_), tampered, now_), CrlRejectReason::kBadSignature);
}

TEST_F(PartitionIngestTest, RejectsNotACrl) {
  EXPECT_EQ(Check(Spec(*target_), "<html><body>404</body></html>", now_), CrlRejectReason::kNotACrl);
  EXPECT_EQ(Check(Spec(*target_), absl::string_view(der_).substr(0, der_.size() / 2), now_),
            CrlRejectReason::kNotACrl);
  EXPECT_EQ(Check(Spec(*target_), der_ + "x", now_), CrlRejectReason::kNotACrl);
  EXPECT_EQ(Check(Spec(*target_), "", now_), CrlRejectReason::kNotACrl);
}

TEST_F(PartitionIngestTest, CrlNumberMustIncrease) {
  PartitionCrlDecision first = CheckPartitionCrl(Spec(*target_), der_, now_);
  ASSERT_TRUE(first.ok());
  const std::string number = *first.accepted->crl.header.crl_number;
  PartitionSpec spec = Spec(*target_);
  spec.last_crl_number = number;
  EXPECT_EQ(Check(spec, der_, now_), CrlRejectReason::kSameCrlNumber);
  std::string bigger = number;
  bigger.back() = static_cast<char>(bigger.back() + 1);  // sim numbers do not end in 0xff
  spec.last_crl_number = bigger;
  EXPECT_EQ(Check(spec, der_, now_), CrlRejectReason::kCrlNumberNotIncreasing);
  spec.last_crl_number = std::string("\x01\x00\x00\x00\x00", 5);
  EXPECT_EQ(Check(spec, der_, now_), CrlRejectReason::kCrlNumberNotIncreasing);
  spec.last_crl_number = std::string("\x05", 1);
  EXPECT_EQ(Check(spec, der_, now_), CrlRejectReason::kNone);
  spec.last_this_update = now_;  // the CRL's thisUpdate is now - 1h
  EXPECT_EQ(Check(spec, der_, now_), CrlRejectReason::kThisUpdateNotIncreasing);
}

TEST_F(PartitionIngestTest, TimeWindow) {
  const PartitionSpec spec = Spec(*target_);
  // thisUpdate = now-1h, nextUpdate = now+24h.
  EXPECT_EQ(Check(spec, der_, now_ - absl::Minutes(64)), CrlRejectReason::kNone);  // within 5 min skew
  EXPECT_EQ(Check(spec, der_, now_ - absl::Hours(2)), CrlRejectReason::kThisUpdateInFuture);
  EXPECT_EQ(Check(spec, der_, now_ + absl::Hours(24)), CrlRejectReason::kNone);
  EXPECT_EQ(Check(spec, der_, now_ + absl::Hours(25)), CrlRejectReason::kExpired);
  PartitionSpec aged = spec;
  aged.max_age = absl::Minutes(30);
  EXPECT_EQ(Check(aged, der_, now_), CrlRejectReason::kTooOld);
}

TEST_F(PartitionIngestTest, SinkFailureIsReported) {
  CollectingSink sink;
  sink.fail_after = 1;
  PartitionCrlDecision d = IngestPartitionCrl(Spec(*target_), der_, now_, sink);
  EXPECT_EQ(d.reason, CrlRejectReason::kEntriesFailed);
  EXPECT_FALSE(d.accepted.has_value());
  EXPECT_TRUE(absl::StrContains(d.detail, "disk full"));
}

}  // namespace
}  // namespace kensho::crl
