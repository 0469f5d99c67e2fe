// What verification reads from a certificate beyond the path: policies, key
// usage, key size, signature hash strength and the JPKI basic 4. Computed
// once when the certificate enters the cache.
#ifndef KENSHO_VERIFY_CERTIFICATE_FACTS_H_
#define KENSHO_VERIFY_CERTIFICATE_FACTS_H_

#include <string>
#include <vector>

#include "jpki/basic_four.h"
#include "jpki/profile_finding.h"
#include "verify/certificate.h"

namespace kensho::verify {

struct CertificateFacts {
  std::vector<std::string> policy_oids;  // dotted
  bool has_key_usage = false;
  bool digital_signature = false;
  bool non_repudiation = false;
  int rsa_bits = 0;                  // 0 when not RSA
  bool is_ec = false;
  bool sha256_or_stronger = false;   // the certificate's own signature hash
  // Read when the certificate carries basic-4 otherNames.
  bool has_basic_four = false;
  jpki::BasicFour basic_four;
  std::vector<jpki::ProfileFinding> basic_four_findings;
};

CertificateFacts ReadCertificateFacts(const Certificate& cert);

// A certificate with its facts: what the cache holds.
struct ParsedCertificate {
  CertificateRef certificate;
  CertificateFacts facts;
};

}  // namespace kensho::verify

#endif  // KENSHO_VERIFY_CERTIFICATE_FACTS_H_
