// Fetches one CRL from its source into a file, bounded in time and bytes.
//
// http(s):// goes through libcurl with a connect timeout and a whole-transfer
// timeout that really apply (no signals, no DNS wait beyond them), a byte
// limit enforced while receiving, conditional GET (ETag / If-Modified-Since)
// and no redirects to other protocols. file:// is read in place. What arrives
// is not trusted: the caller parses and verifies it.
#ifndef KENSHO_REVOCATION_CRL_FETCHER_H_
#define KENSHO_REVOCATION_CRL_FETCHER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kensho::revocation {

struct FetchRequest {
  std::string source;  // http://, https://, file://
  std::string etag;            // from the last fetch, for If-None-Match
  std::string last_modified;   // from the last fetch, for If-Modified-Since
  absl::Duration connect_timeout = absl::Seconds(3);
  absl::Duration total_timeout = absl::Seconds(60);
  int64_t max_bytes = 512LL << 20;
  std::string download_path;   // where an http(s) body is written
};

struct FetchResult {
  bool not_modified = false;   // 304: keep what is stored
  std::string path;            // the CRL bytes (download_path, or the file:// path)
  std::string etag;
  std::string last_modified;
  int64_t bytes = 0;
};

// Errors: InvalidArgument (unsupported scheme), DeadlineExceeded (timeout),
// ResourceExhausted (over max_bytes), Unavailable (connection, HTTP >= 400,
// missing file).
absl::StatusOr<FetchResult> FetchCrl(const FetchRequest& request);

// Call once before threads start (curl_global_init is not thread-safe).
void InitFetcher();

}  // namespace kensho::revocation

#endif  // KENSHO_REVOCATION_CRL_FETCHER_H_
