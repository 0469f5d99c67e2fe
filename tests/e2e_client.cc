#include "tests/e2e_client.h"

#include <grpcpp/grpcpp.h>

#include "gtest/gtest.h"
#include "tests/e2e_util.h"

namespace kensho::testing {

v1::Verdict ValidateWorldCertificate(v1::Validator::Stub* stub, const std::string& world,
                                     const conformance::JsonValue& cert,
                                     v1::RevocationMode mode) {
  grpc::ClientContext ctx;
  v1::ValidateCertificateRequest req;
  req.set_certificate(ReadFile(world + "/" + Str(cert, "file")));
  req.mutable_policy()->set_revocation_mode(mode);
  v1::Verdict verdict;
  const grpc::Status s = stub->ValidateCertificate(&ctx, req, &verdict);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return verdict;
}

}  // namespace kensho::testing
