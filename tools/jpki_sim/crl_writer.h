// Writes X.509 v2 CRLs in DER, streaming: the TBSCertList is encoded by hand
// (der.h) and hashed while it is written, so a CRL with millions of entries
// takes seconds and constant memory. Extensions: authorityKeyIdentifier (the
// issuer's SKI; the JPKI root generations share one DN), cRLNumber and, when
// a distribution point is given, a critical issuingDistributionPoint naming
// it. Entries carry reasonCode (omitted for unspecified) and invalidityDate.
#ifndef KENSHO_TOOLS_JPKI_SIM_CRL_WRITER_H_
#define KENSHO_TOOLS_JPKI_SIM_CRL_WRITER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tools/jpki_sim/ossl.h"

namespace kensho::sim {

struct CrlEntry {
  uint64_t serial = 0;
  absl::Time revoked_at;
  int reason = 0;  // RFC 5280 CRLReason
  std::optional<absl::Time> invalidity;
};

struct CrlSpec {
  const X509* issuer = nullptr;  // supplies the issuer name and SKI
  EVP_PKEY* key = nullptr;       // the issuer's key (RSA, signs sha256WithRSAEncryption)
  absl::Time this_update;
  absl::Time next_update;
  uint64_t crl_number = 1;
  const X509_NAME* distribution_point = nullptr;  // IDP fullName DirName, or none
};

// `entry_at(i)` for i in [0, count) is called twice (sizing, then writing)
// and must give the same entry both times. Writes `path` atomically.
absl::Status WriteCrl(const CrlSpec& spec, int64_t count, const std::function<CrlEntry(int64_t)>& entry_at,
                      const std::string& path);
absl::Status WriteCrl(const CrlSpec& spec, const std::vector<CrlEntry>& entries, const std::string& path);

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_CRL_WRITER_H_
