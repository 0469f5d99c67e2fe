// gRPC calls the end-to-end tests share (kept apart from e2e_util, which has
// no gRPC, so that helpers without it stay cheap to compile).
#ifndef KENSHO_TESTS_E2E_CLIENT_H_
#define KENSHO_TESTS_E2E_CLIENT_H_

#include <string>

#include "conformance/json.h"
#include "proto/kensho.grpc.pb.h"

namespace kensho::testing {

// ValidateCertificate for the world's certificate `cert` (its manifest entry,
// whose "file" is relative to `world`) under `mode`; the call must succeed.
v1::Verdict ValidateWorldCertificate(v1::Validator::Stub* stub, const std::string& world,
                                     const conformance::JsonValue& cert,
                                     v1::RevocationMode mode);

}  // namespace kensho::testing

#endif  // KENSHO_TESTS_E2E_CLIENT_H_
