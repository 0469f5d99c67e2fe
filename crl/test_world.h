// Test helper: a jpki_sim world generated once per test binary (by running
// the //tools/jpki_sim binary, a data dependency) into $TEST_TMPDIR, and
// what tests need from it: its partitions (from crl/partitions.json), file
// bytes and root certificates. Fixed seed and now, so runs are repeatable.
#ifndef KENSHO_CRL_TEST_WORLD_H_
#define KENSHO_CRL_TEST_WORLD_H_

#include <openssl/x509.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace kensho::crl::testing {

struct SimPartition {
  std::string id;
  std::string issuer;   // e.g. roots/sign_gen3.pem
  std::string dirname;  // printable IDP DirName
  std::string file;     // e.g. crl/sign-gen3-....crl
  int64_t entries = 0;
  std::string crl_number;  // decimal
};

struct SimWorld {
  std::string dir;
  absl::Time now;
  std::vector<SimPartition> partitions;
};

// Generates (first call) and returns the world: 50 people, seed 1,
// now 2026-03-01T00:00:00Z, plus crl/scale.crl with `scale_entries` entries
// when > 0 (the first call decides). Aborts the test binary on failure.
const SimWorld& World(int64_t scale_entries = 0);

// Whole file; aborts if unreadable.
std::string ReadFileOrDie(const std::string& path);
// First certificate of a PEM file (caller frees); aborts on failure.
X509* ReadPemCertOrDie(const std::string& path);
// Every certificate of a PEM bundle, in order (caller frees).
std::vector<X509*> ReadPemCertsOrDie(const std::string& path);

}  // namespace kensho::crl::testing

#endif  // KENSHO_CRL_TEST_WORLD_H_
