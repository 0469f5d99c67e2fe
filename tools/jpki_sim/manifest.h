// The world's manifest.json: what was generated and the verdict a correct
// JPKI validator gives for each item at `now` with full revocation data.
// See README.md for the schema.
#ifndef KENSHO_TOOLS_JPKI_SIM_MANIFEST_H_
#define KENSHO_TOOLS_JPKI_SIM_MANIFEST_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace kensho::sim {

struct Expectation {
  std::string indication;         // TOTAL_PASSED | TOTAL_FAILED | INDETERMINATE
  std::string sub_indication;     // "" or an api.md SubIndication name
  std::string revocation_reason;  // "" or an api.md RevocationReason name
  bool needs_revocation = false;  // the verdict depends on revocation data
};

struct ManifestItem {
  std::string id;    // "doc-000001", "login-000001", "cert-000001"
  std::string type;  // signed_document | auth_assertion | certificate
  std::vector<std::pair<std::string, std::string>> files;  // role -> path relative to the world
  std::string usage;  // certificate items: USAGE_DOCUMENT_SIGNING | USAGE_AUTHENTICATION | USAGE_ANY
  std::string trust_profile;
  std::string person;
  std::string kind;  // JPKI_SIGNATURE | JPKI_AUTHENTICATION
  std::string device;  // "card" | "smartphone"
  std::string certificate_sha256;  // of the certificate the item presents ("" if unparsable)
  Expectation expect;
  std::string variant;
  std::string note;  // free text for people
};

struct ManifestLink {
  std::string old_sha256;
  std::string new_sha256;
  std::string reason;  // api.md RevocationReason of the old certificate
  std::string event;   // renewal | move | name_change | lost_card | suspension | device_change | ca_compromise
};

struct ManifestCertificate {
  std::string id;  // "c-000001"
  std::string person;
  std::string kind;
  std::string device;
  std::string file;
  std::string sha256;
  std::string issuer;  // root file
  int generation = 0;
  std::string serial;  // upper-case hex
  absl::Time not_before;
  absl::Time not_after;
  std::string status;  // good | revoked | expired | not_yet_valid
  std::string revocation_reason;
  absl::Time revoked_at;
  std::string partition;  // CRL partition id
};

struct Manifest {
  uint64_t seed = 0;
  absl::Time now;
  int people = 0;
  std::vector<std::pair<std::string, std::string>> trust;  // profile -> PEM bundle
  std::string partitions;                                  // "crl/partitions.json"
  std::vector<std::pair<std::string, std::string>> extra;  // more top-level string fields
  std::vector<ManifestLink> links;
  std::vector<ManifestItem> items;
  std::vector<ManifestCertificate> certificates;
};

// RFC 3339 UTC with a "Z", second precision.
std::string Rfc3339(absl::Time t);

std::string ManifestToJson(const Manifest& manifest);

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_MANIFEST_H_
