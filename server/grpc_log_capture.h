// Routes gRPC's own log lines: while the server starts they are kept, so a
// failure becomes one clear line naming the cause ("address already in use")
// instead of a screen of internal logs; afterwards errors go to stderr.
#ifndef KENSHO_SERVER_GRPC_LOG_CAPTURE_H_
#define KENSHO_SERVER_GRPC_LOG_CAPTURE_H_

#include <string>

namespace kensho::server {

// Installs the log function. Call once, before any gRPC use.
void CaptureGrpcLogs();

// The last error gRPC logged since CaptureGrpcLogs(), without file and line.
std::string LastGrpcError();

// From now on, gRPC errors are printed to stderr as they come.
void ReleaseGrpcLogs();

}  // namespace kensho::server

#endif  // KENSHO_SERVER_GRPC_LOG_CAPTURE_H_
