// How the engine asks for revocation status of an already validated chain.
// Implemented by the revocation layer (CRL partitions and OCSP cached in
// RocksDB); the engine treats a missing checker as "no status": UNKNOWN.
#ifndef KENSHO_VERIFY_REVOCATION_CHECKER_H_
#define KENSHO_VERIFY_REVOCATION_CHECKER_H_

#include "absl/time/time.h"
#include "verify/certificate.h"
#include "verify/verdict.h"

namespace kensho::verify {

enum class RevocationMode { kDefault, kHardFail, kSoftFail, kPreferOcsp };

class RevocationChecker {
 public:
  virtual ~RevocationChecker() = default;
  // Never blocks on the network: answers from what is cached. Anything not
  // proven GOOD or REVOKED is UNKNOWN (fail closed).
  virtual RevocationSummary Check(const Certificate& leaf, const Certificate& issuer,
                                  absl::Time validation_time, RevocationMode mode) const = 0;
};

}  // namespace kensho::verify

#endif  // KENSHO_VERIFY_REVOCATION_CHECKER_H_
