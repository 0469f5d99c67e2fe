#include "revocation/crl_checker.h"

#include <openssl/x509v3.h>

#include "absl/strings/str_cat.h"
#include "crl/name_printer.h"

namespace kensho::revocation {
namespace {

constexpr size_t kMaxMemo = 100000;

}  // namespace

std::string ApiReasonName(std::optional<crl::RevocationReason> reason) {
  if (!reason.has_value()) return "";
  switch (*reason) {
    case crl::RevocationReason::kAffiliationChanged: return "BASIC_INFO_CHANGED";
    case crl::RevocationReason::kSuperseded: return "RENEWED";
    case crl::RevocationReason::kCessationOfOperation: return "NO_LONGER_NEEDED";
    case crl::RevocationReason::kKeyCompromise: return "KEY_COMPROMISE";
    case crl::RevocationReason::kCertificateHold: return "SUSPENDED";
    case crl::RevocationReason::kCaCompromise: return "CA_COMPROMISE";
    default: return "";
  }
}

CrlRevocationChecker::CrlRevocationChecker(const PartitionManager* partitions,
                                           const cache::RevocationStore* store,
                                           OcspManager* ocsp, std::function<absl::Time()> clock,
                                           absl::Duration max_stale)
    : partitions_(partitions),
      ocsp_(ocsp),
      clock_(std::move(clock)),
      max_stale_(max_stale),
      lookups_(store) {}

std::optional<verify::RevocationSummary> CrlRevocationChecker::FromOcsp(
    const verify::Certificate& leaf, const verify::Certificate& issuer,
    absl::Time validation_time, bool* coming) const {
  *coming = false;
  if (ocsp_ == nullptr) return std::nullopt;
  const absl::Time now = clock_();
  std::optional<OcspAnswer> a = ocsp_->Cached(leaf, issuer, now);
  if (!a.has_value()) {
    *coming = ocsp_->Request(leaf, issuer, now);
    return std::nullopt;
  }
  if (a->status == OcspAnswer::Status::kUnknown) return std::nullopt;
  verify::RevocationSummary r;
  r.source = verify::RevocationSource::kOcsp;
  r.source_id = ocsp_->UrlFor(issuer);
  r.this_update = a->this_update;
  r.next_update = a->next_update;
  r.from_cache = true;
  if (a->status == OcspAnswer::Status::kRevoked && a->revoked_at.has_value() &&
      *a->revoked_at <= validation_time) {
    r.status = verify::RevocationStatus::kRevoked;
    r.revoked_at = a->revoked_at;
    r.reason = a->reason >= 0 && crl::IsValidReasonCode(a->reason)
                   ? ApiReasonName(static_cast<crl::RevocationReason>(a->reason))
                   : "";
  } else {
    r.status = verify::RevocationStatus::kGood;
  }
  return r;
}

verify::RevocationSummary CrlRevocationChecker::Check(const verify::Certificate& leaf,
                                                      const verify::Certificate& issuer,
                                                      absl::Time validation_time,
                                                      verify::RevocationMode mode) const {
  // PREFER_OCSP: a current OCSP answer first. Otherwise the CRL, and OCSP
  // only when the CRL cannot answer.
  bool ocsp_coming = false;
  if (mode == verify::RevocationMode::kPreferOcsp) {
    if (auto r = FromOcsp(leaf, issuer, validation_time, &ocsp_coming)) return *r;
    verify::RevocationSummary r = FromCrl(leaf, issuer, validation_time, mode);
    r.try_later = r.status == verify::RevocationStatus::kUnknown && ocsp_coming;
    return r;
  }
  verify::RevocationSummary r = FromCrl(leaf, issuer, validation_time, mode);
  if (r.status == verify::RevocationStatus::kUnknown) {
    if (auto o = FromOcsp(leaf, issuer, validation_time, &ocsp_coming)) return *o;
    r.try_later = ocsp_coming;
  }
  return r;
}

std::shared_ptr<const std::vector<std::string>> CrlRevocationChecker::DistributionPoints(
    const verify::Certificate& leaf) const {
  if (auto recent = recent_dps_.Find(leaf.sha256()); recent != nullptr) return recent;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = dps_.find(leaf.sha256());
    if (it != dps_.end()) {
      recent_dps_.Put(leaf.sha256(), it->second);
      return it->second;
    }
  }
  std::vector<std::string> out;
  auto* points = static_cast<STACK_OF(DIST_POINT)*>(
      X509_get_ext_d2i(leaf.x509(), NID_crl_distribution_points, nullptr, nullptr));
  for (int i = 0; points != nullptr && i < sk_DIST_POINT_num(points); ++i) {
    const DIST_POINT* dp = sk_DIST_POINT_value(points, i);
    if (dp->distpoint == nullptr || dp->distpoint->type != 0) continue;
    const GENERAL_NAMES* names = dp->distpoint->name.fullname;
    for (int j = 0; j < sk_GENERAL_NAME_num(names); ++j) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, j);
      if (name->type == GEN_URI) {  // a URL distribution point, matched as written
        const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
        out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                         static_cast<size_t>(ASN1_STRING_length(uri)));
        continue;
      }
      if (name->type != GEN_DIRNAME) continue;
      const unsigned char* der = nullptr;
      size_t len = 0;
      if (X509_NAME_get0_der(name->d.directoryName, &der, &len) != 1) continue;
      auto text = crl::NameToString(absl::string_view(reinterpret_cast<const char*>(der), len));
      if (text.ok()) out.push_back(*text);
    }
  }
  sk_DIST_POINT_pop_free(points, DIST_POINT_free);
  auto shared = std::make_shared<const std::vector<std::string>>(std::move(out));
  recent_dps_.Put(leaf.sha256(), shared);
  absl::MutexLock lock(&mu_);
  if (dps_.size() >= kMaxMemo) dps_.clear();
  dps_[leaf.sha256()] = shared;
  return shared;
}

std::shared_ptr<const cache::PartitionMetadata> CrlRevocationChecker::CoveringPartition(
    const verify::Certificate& leaf, const std::string& key_id, bool* has_points,
    std::string* first_point) const {
  *has_points = true;
  thread_local std::string key;  // reused: no allocation per look-up
  key.assign(leaf.sha256()).append(key_id);  // the SHA-256 has a fixed length
  // Read before the look-ups below: an answer is tagged with a count no
  // newer than the coverage it came from.
  const uint64_t changes = partitions_->covering_changes();
  if (auto recent = recent_partitions_.Find(key); recent != nullptr && recent->changes == changes) {
    const cache::PartitionMetadata* partition = recent->partition.get();
    return std::shared_ptr<const cache::PartitionMetadata>(std::move(recent), partition);
  }
  const std::shared_ptr<const std::vector<std::string>> points = DistributionPoints(leaf);
  if (points->empty()) {
    *has_points = false;
    return nullptr;
  }
  for (const std::string& dp : *points) {
    if (auto partition = partitions_->Covering(dp, key_id); partition != nullptr) {
      recent_partitions_.Put(
          key, std::make_shared<const RecentPartition>(RecentPartition{changes, partition}));
      return partition;
    }
  }
  *first_point = points->front();
  return nullptr;
}

verify::RevocationSummary CrlRevocationChecker::FromCrl(const verify::Certificate& leaf,
                                                        const verify::Certificate& issuer,
                                                        absl::Time validation_time,
                                                        verify::RevocationMode mode) const {
  verify::RevocationSummary r;
  const std::string& key_id =
      !issuer.subject_key_id().empty() ? issuer.subject_key_id() : leaf.authority_key_id();
  bool has_points = true;
  std::string first_point;
  const std::shared_ptr<const cache::PartitionMetadata> partition =
      CoveringPartition(leaf, key_id, &has_points, &first_point);
  if (!has_points) {
    r.source_id = "certificate names no CRL distribution point";
    return r;
  }
  if (partition == nullptr) {
    r.source_id = absl::StrCat("no CRL stored for ", first_point);
    return r;
  }
  r.source = verify::RevocationSource::kCrl;
  r.source_id = partition->partition_id;
  // With a delta CRL, its times: the status is as current as the delta.
  r.this_update = partition->current_this_update();
  r.next_update = partition->current_next_update();
  r.from_cache = true;
  const absl::Time now = clock_();
  r.stale = r.next_update.has_value() && now > *r.next_update;
  const bool too_stale = r.stale && now > *r.next_update + max_stale_;

  const ASN1_INTEGER* serial = X509_get0_serialNumber(leaf.x509());
  const absl::string_view serial_bytes(reinterpret_cast<const char*>(ASN1_STRING_get0_data(serial)),
                                       static_cast<size_t>(ASN1_STRING_length(serial)));
  auto hit = lookups_.Lookup(partition->partition_id, serial_bytes);
  if (!hit.ok()) {
    // Storage trouble: fail closed.
    return verify::RevocationSummary{verify::RevocationStatus::kUnknown, "", std::nullopt,
                                     verify::RevocationSource::kCrl,
                                     absl::StrCat(partition->partition_id, ": ",
                                                  hit.status().message())};
  }
  const cache::StoredRevokedEntry* entry = hit->has_value() ? &**hit : nullptr;
  if (entry != nullptr && entry->revocation_date <= validation_time) {
    r.status = verify::RevocationStatus::kRevoked;
    r.reason = ApiReasonName(entry->reason);
    r.revoked_at = entry->revocation_date;
    return r;
  }
  // Not listed (or revoked only after the validation time).
  r.status = verify::RevocationStatus::kGood;
  if ((r.stale && mode == verify::RevocationMode::kHardFail) || too_stale) {
    r.status = verify::RevocationStatus::kUnknown;
  }
  return r;
}

}  // namespace kensho::revocation

