#include "server/admin_service.h"

#include "cache/key_schema.h"
#include "server/proto_time.h"

namespace kensho::server {

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
  status->set_serving(status->not_serving_reasons().empty());
  if (const cache::RocksStore* store = state.store()) {
    v1::CacheStatus* c = status->add_caches();
    c->set_name("rocksdb.revoked");
    c->set_entries(store->EstimateKeys(cache::kRevokedFamily));
  }
  if (const verify::Engine* engine = state.engine()) {
    v1::CacheStatus* c = status->add_caches();
    c->set_name("certificates");
    c->set_entries(static_cast<int64_t>(engine->certificate_cache().size()));
    c->set_capacity(static_cast<int64_t>(engine->certificate_cache().capacity()));
    c->set_hits(engine->certificate_cache().hits());
    c->set_misses(engine->certificate_cache().misses());
    v1::CacheStatus* p = status->add_caches();
    p->set_name("paths");
    p->set_entries(engine->path_validator().cache_size());
    p->set_capacity(static_cast<int64_t>(engine->options().path_cache_capacity));
  }
  for (const char* feature :
       {"revocation: CRL/OCSP status is UNKNOWN (soft-fail) until issue 6 lands",
        "Admin.RefreshRevocation, Admin.ImportCrl (issue 6: revocation)"}) {
    status->add_unimplemented(feature);
  }
}

grpc::ServerUnaryReactor* AdminService::GetStatus(grpc::CallbackServerContext* context,
                                                  const v1::GetStatusRequest*,
                                                  v1::ServerStatus* response) {
  FillServerStatus(*state_, response);
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::RefreshRevocation(
    grpc::CallbackServerContext* context, const v1::RefreshRevocationRequest*,
    v1::RefreshRevocationResponse*) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                               "RefreshRevocation arrives with revocation support (issue 6)"));
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::ImportCrl(grpc::CallbackServerContext* context,
                                                  const v1::ImportCrlRequest* request,
                                                  v1::ImportCrlResponse*) {
  auto* reactor = context->DefaultReactor();
  if (request->crl().empty()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "crl: required"));
  } else {
    reactor->Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                 "ImportCrl arrives with revocation support (issue 6)"));
  }
  return reactor;
}

}  // namespace kensho::server
