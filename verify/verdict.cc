#include "verify/verdict.h"

namespace kensho::verify {

Indication IndicationFor(SubIndication s) {
  switch (s) {
    case SubIndication::kNone:
      return Indication::kTotalPassed;
    case SubIndication::kNoCertificateChainFound:
    case SubIndication::kRevocationUnavailable:
    case SubIndication::kTryLater:
    case SubIndication::kCryptoConstraintsFailure:
      return Indication::kIndeterminate;
    default:
      return Indication::kTotalFailed;
  }
}

const char* SubIndicationName(SubIndication s) {
  switch (s) {
    case SubIndication::kNone: return "";
    case SubIndication::kFormatFailure: return "FORMAT_FAILURE";
    case SubIndication::kWrongCertificateKind: return "WRONG_CERTIFICATE_KIND";
    case SubIndication::kNoCertificateChainFound: return "NO_CERTIFICATE_CHAIN_FOUND";
    case SubIndication::kChainConstraintsFailure: return "CHAIN_CONSTRAINTS_FAILURE";
    case SubIndication::kCryptoConstraintsFailure: return "CRYPTO_CONSTRAINTS_FAILURE";
    case SubIndication::kHashFailure: return "HASH_FAILURE";
    case SubIndication::kSigCryptoFailure: return "SIG_CRYPTO_FAILURE";
    case SubIndication::kChallengeUnknown: return "CHALLENGE_UNKNOWN";
    case SubIndication::kChallengeExpired: return "CHALLENGE_EXPIRED";
    case SubIndication::kChallengeReplayed: return "CHALLENGE_REPLAYED";
    case SubIndication::kNotYetValid: return "NOT_YET_VALID";
    case SubIndication::kExpired: return "EXPIRED";
    case SubIndication::kPolicyFailure: return "POLICY_FAILURE";
    case SubIndication::kRevoked: return "REVOKED";
    case SubIndication::kRevocationUnavailable: return "REVOCATION_UNAVAILABLE";
    case SubIndication::kTryLater: return "TRY_LATER";
  }
  return "";
}

}  // namespace kensho::verify
