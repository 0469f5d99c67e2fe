#include "server/admin_service.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cache/key_schema.h"
#include "server/proto_time.h"

namespace kensho::server {

void FillPartitionStatus(const revocation::PartitionView& v, v1::PartitionStatus* p) {
  p->set_partition_id(v.config.id);
  p->set_source(v.config.source);
  if (v.stored.has_value()) {
    const cache::PartitionMetadata& md = *v.stored;
    std::string number;
    for (unsigned char c : md.crl_number) absl::StrAppend(&number, absl::Hex(c, absl::kZeroPad2));
    p->set_crl_number(number);
    ToProto(md.current_this_update(), p->mutable_this_update());
    if (md.current_next_update()) ToProto(*md.current_next_update(), p->mutable_next_update());
    p->set_entries(md.entry_count);
  }
  p->set_stale(v.stale);
  p->set_last_error(v.last_error);
}

void FillServerStatus(const ServerState& state, v1::ServerStatus* status) {
  status->set_version(kVersion);
  ToProto(state.started_at(), status->mutable_started_at());
  status->set_data_dir(state.config().data_dir());
  std::shared_ptr<const verify::TrustStore> trust = state.trust_store();
  bool any_anchor = false;
  if (trust != nullptr) {
    for (const verify::TrustProfile& profile : trust->profiles()) {
      for (const verify::TrustAnchor& anchor : profile.anchors) {
        any_anchor = true;
        v1::TrustAnchorStatus* a = status->add_trust_anchors();
        a->set_profile(profile.name);
        a->set_subject(anchor.certificate->subject());
        a->set_sha256_fingerprint(anchor.certificate->sha256_hex());
        ToProto(anchor.certificate->not_before(), a->mutable_not_before());
        ToProto(anchor.certificate->not_after(), a->mutable_not_after());
        a->set_test_hierarchy(anchor.test_hierarchy);
      }
    }
  }
  if (!any_anchor) status->add_not_serving_reasons("no trust anchors loaded");
  if (revocation::PartitionManager* partitions = state.partitions()) {
    const absl::Time now = absl::Now();
    std::vector<std::string> reasons;
    partitions->Ready(now, &reasons);
    for (std::string& r : reasons) status->add_not_serving_reasons(std::move(r));
    for (const revocation::PartitionView& v : partitions->Snapshot(now)) {
      FillPartitionStatus(v, status->add_partitions());
    }
  }
  status->set_serving(status->not_serving_reasons().empty());
  if (const cache::RocksStore* store = state.store()) {
    v1::CacheStatus* c = status->add_caches();
    c->set_name("rocksdb.revoked");
    c->set_entries(store->EstimateKeys(cache::kRevokedFamily));
  }
  if (std::shared_ptr<const verify::Engine> engine = state.engine()) {
    v1::CacheStatus* c = status->add_caches();
    c->set_name("certificates");
    c->set_entries(static_cast<int64_t>(engine->certificate_cache().size()));
    c->set_capacity(static_cast<int64_t>(engine->certificate_cache().capacity()));
    c->set_hits(engine->certificate_cache().hits());
    c->set_misses(engine->certificate_cache().misses());
    v1::CacheStatus* p = status->add_caches();
    p->set_name("paths");
    p->set_entries(engine->path_validator().cache_size());
    p->set_capacity(engine->path_validator().cache_capacity());
  }
  for (const char* feature : {"delta CRLs (refused at ingest)"}) {
    status->add_unimplemented(feature);
  }
}

absl::Status AdminService::Authorize(grpc::CallbackServerContext* context) const {
  auto rights = auth_->Identify(*context);
  if (!rights.ok()) return rights.status();
  if (!rights->admin) {
    return absl::PermissionDeniedError(
        absl::StrCat("caller '", rights->name, "' lacks the ADMIN role"));
  }
  return absl::OkStatus();
}

namespace {

grpc::ServerUnaryReactor* Refused(grpc::CallbackServerContext* context, const absl::Status& s) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message())));
  return reactor;
}

}  // namespace

grpc::ServerUnaryReactor* AdminService::GetStatus(grpc::CallbackServerContext* context,
                                                  const v1::GetStatusRequest*,
                                                  v1::ServerStatus* response) {
  if (absl::Status s = Authorize(context); !s.ok()) return Refused(context, s);
  FillServerStatus(*state_, response);
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

AdminService::~AdminService() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* n) { return *n == 0; }, &refreshing_));
}

grpc::ServerUnaryReactor* AdminService::RefreshRevocation(
    grpc::CallbackServerContext* context, const v1::RefreshRevocationRequest* request,
    v1::RefreshRevocationResponse* response) {
  if (absl::Status s = Authorize(context); !s.ok()) return Refused(context, s);
  auto* reactor = context->DefaultReactor();
  revocation::PartitionManager* partitions = state_->partitions();
  std::vector<std::string> ids(request->partition_ids().begin(), request->partition_ids().end());
  if (ids.empty()) {
    for (const auto& v : partitions->Snapshot(absl::Now())) ids.push_back(v.config.id);
  }
  // Fetches are bounded by the configured timeouts; run them off the gRPC
  // thread and answer when all are done.
  {
    absl::MutexLock lock(&mu_);
    ++refreshing_;
  }
  std::thread([this, reactor, partitions, ids, response] {
    for (const std::string& id : ids) partitions->Refresh(id, absl::Now()).IgnoreError();
    const auto views = partitions->Snapshot(absl::Now());
    for (const std::string& id : ids) {
      for (const auto& v : views) {
        if (v.config.id == id) FillPartitionStatus(v, response->add_partitions());
      }
    }
    reactor->Finish(response->partitions_size() == static_cast<int>(ids.size())
                        ? grpc::Status::OK
                        : grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown partition id"));
    absl::MutexLock lock(&mu_);
    --refreshing_;
  }).detach();
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::ImportCrl(grpc::CallbackServerContext* context,
                                                  const v1::ImportCrlRequest* request,
                                                  v1::ImportCrlResponse* response) {
  if (absl::Status s = Authorize(context); !s.ok()) return Refused(context, s);
  auto* reactor = context->DefaultReactor();
  if (request->crl().empty()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "crl: required"));
    return reactor;
  }
  auto view = state_->partitions()->Import(request->partition_id(), request->crl(), absl::Now());
  if (!view.ok()) {
    reactor->Finish(grpc::Status(static_cast<grpc::StatusCode>(view.status().code()),
                                 std::string(view.status().message())));
    return reactor;
  }
  FillPartitionStatus(*view, response->mutable_partition());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace kensho::server
