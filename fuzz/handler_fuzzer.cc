// Request handling from raw bytes: a kensho.v1.VerifyRequest parsed with
// ParseFromArray, answered by ValidatorHandler::VerifyItem
// (server/validator_handler.h) over a tiny trust store, and the answer
// serialized as the server would send it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "fuzz/fuzz_env.h"
#include "google/protobuf/stubs/logging.h"
#include "proto/kensho.pb.h"
#include "server/validator_handler.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Invalid UTF-8 in string fields is logged per message: noise here.
  google::protobuf::SetLogHandler(nullptr);
  kensho::fuzz::GetFuzzEnv();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static kensho::server::ValidatorHandler* handler = new kensho::server::ValidatorHandler(
      kensho::fuzz::NewFuzzEngine(), [] { return kensho::fuzz::GetFuzzEnv().now; });
  if (size > (1 << 20)) return 0;
  kensho::v1::VerifyRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  kensho::v1::VerifyResponse response;
  handler->VerifyItem(request, /*subject_allowed=*/true, &response);
  if (response.id() != request.id()) std::abort();
  std::string wire;
  if (!response.SerializeToString(&wire)) std::abort();
  return 0;
}
