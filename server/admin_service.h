// kensho.v1.Admin over the gRPC callback API: status for operators.
#ifndef KENSHO_SERVER_ADMIN_SERVICE_H_
#define KENSHO_SERVER_ADMIN_SERVICE_H_

#include "absl/synchronization/mutex.h"
#include "proto/kensho.grpc.pb.h"
#include "server/caller_auth.h"
#include "server/server_state.h"

namespace kensho::server {

class AdminService final : public v1::Admin::CallbackService {
 public:
  // Both must outlive the service.
  AdminService(const ServerState* state, const CallerAuthorizer* auth)
      : state_(state), auth_(auth) {}
  // Waits for RefreshRevocation work still running (bounded by the fetch
  // timeouts), so nothing outlives the partition manager.
  ~AdminService() override;

  grpc::ServerUnaryReactor* GetStatus(grpc::CallbackServerContext* context,
                                      const v1::GetStatusRequest* request,
                                      v1::ServerStatus* response) override;
  grpc::ServerUnaryReactor* RefreshRevocation(
      grpc::CallbackServerContext* context, const v1::RefreshRevocationRequest* request,
      v1::RefreshRevocationResponse* response) override;
  grpc::ServerUnaryReactor* ImportCrl(grpc::CallbackServerContext* context,
                                      const v1::ImportCrlRequest* request,
                                      v1::ImportCrlResponse* response) override;

 private:
  // OK when the caller has the ADMIN role.
  absl::Status Authorize(grpc::CallbackServerContext* context) const;

  const ServerState* state_;
  const CallerAuthorizer* auth_;
  absl::Mutex mu_;
  int refreshing_ ABSL_GUARDED_BY(mu_) = 0;
};

// Fills `status` from `state`; separate from the reactor so it is testable
// without gRPC.
void FillServerStatus(const ServerState& state, v1::ServerStatus* status);
void FillPartitionStatus(const revocation::PartitionView& view, v1::PartitionStatus* status);

}  // namespace kensho::server

#endif  // KENSHO_SERVER_ADMIN_SERVICE_H_
