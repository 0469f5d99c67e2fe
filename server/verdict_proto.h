// Translation between the domain (verify::) and kensho.v1 messages.
#ifndef KENSHO_SERVER_VERDICT_PROTO_H_
#define KENSHO_SERVER_VERDICT_PROTO_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "proto/kensho.pb.h"
#include "verify/engine.h"
#include "verify/verdict.h"

namespace kensho::server {

// `include_trace` keeps the per-check trace; the subject is already absent
// unless it was asked for and allowed. Consumes the verdict: its strings
// move into the message instead of being copied.
void ToProto(verify::Verdict&& verdict, bool include_trace, v1::Verdict* out);

// Resolves a kensho.v1.Policy at `now`. `subject_allowed` is the caller's
// permission to receive the basic 4.
verify::VerifyOptions FromProto(const v1::Policy& policy, absl::Time now, bool subject_allowed);

absl::StatusOr<verify::SignatureAlgorithm> FromProto(v1::SignatureAlgorithm alg);
jpki::IntendedUse FromProto(v1::Usage usage);

}  // namespace kensho::server

#endif  // KENSHO_SERVER_VERDICT_PROTO_H_
