#include "revocation/crl_fetcher.h"

#include <curl/curl.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace kensho::revocation {
namespace {

struct Download {
  FILE* out = nullptr;
  int64_t bytes = 0;
  int64_t max_bytes = 0;
  bool too_big = false;
  std::string etag;
  std::string last_modified;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* d = static_cast<Download*>(user);
  size_t n = size * count;
  if (d->bytes + static_cast<int64_t>(n) > d->max_bytes) {
    d->too_big = true;
    return 0;  // makes curl abort with CURLE_WRITE_ERROR
  }
  d->bytes += static_cast<int64_t>(n);
  return std::fwrite(data, 1, n, d->out);
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* d = static_cast<Download*>(user);
  size_t n = size * count;
  absl::string_view line(data, n);
  auto value = [&](absl::string_view name) -> std::string {
    absl::string_view rest = line.substr(name.size());
    return std::string(absl::StripAsciiWhitespace(rest));
  };
  if (absl::StartsWithIgnoreCase(line, "etag:")) d->etag = value("etag:");
  if (absl::StartsWithIgnoreCase(line, "last-modified:")) {
    d->last_modified = value("last-modified:");
  }
  return n;
}

absl::StatusOr<FetchResult> FetchFile(const FetchRequest& request) {
  std::string path(absl::StripPrefix(request.source, "file://"));
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return absl::UnavailableError(absl::StrCat(request.source, ": ", std::strerror(errno)));
  }
  if (st.st_size > request.max_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat(request.source, ": ", st.st_size, " bytes, limit ", request.max_bytes));
  }
  FetchResult r;
  r.path = path;
  r.bytes = st.st_size;
  // The modification time stands in for Last-Modified: an unchanged file is
  // not parsed again.
  r.last_modified = absl::StrCat(st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec, "/", st.st_size);
  r.not_modified = !request.last_modified.empty() && request.last_modified == r.last_modified;
  return r;
}

}  // namespace

void InitFetcher() { curl_global_init(CURL_GLOBAL_DEFAULT); }

absl::StatusOr<FetchResult> FetchCrl(const FetchRequest& request) {
  if (absl::StartsWith(request.source, "file://")) return FetchFile(request);
  if (!absl::StartsWith(request.source, "http://") &&
      !absl::StartsWith(request.source, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported CRL source '", request.source, "' (http, https, file)"));
  }
  Download d;
  d.max_bytes = request.max_bytes;
  d.out = std::fopen(request.download_path.c_str(), "wb");
  if (d.out == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", request.download_path, ": ", std::strerror(errno)));
  }
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  if (!request.etag.empty()) {
    headers = curl_slist_append(headers, absl::StrCat("If-None-Match: ", request.etag).c_str());
  }
  if (!request.last_modified.empty()) {
    headers = curl_slist_append(
        headers, absl::StrCat("If-Modified-Since: ", request.last_modified).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_URL, request.source.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(request.connect_timeout)));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(request.total_timeout)));
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_bytes));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &d);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &d);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "kensho-crl-fetcher/1");
  CURLcode rc = curl_easy_perform(curl);
  long http = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  std::fclose(d.out);

  if (d.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
    return absl::ResourceExhaustedError(
        absl::StrCat(request.source, ": larger than ", request.max_bytes, " bytes"));
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return absl::DeadlineExceededError(absl::StrCat(request.source, ": timed out"));
  }
  if (rc != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat(request.source, ": ", curl_easy_strerror(rc)));
  }
  FetchResult r;
  r.etag = d.etag;
  r.last_modified = d.last_modified;
  if (http == 304) {
    r.not_modified = true;
    r.etag = request.etag;
    r.last_modified = request.last_modified;
    return r;
  }
  if (http != 200) {
    return absl::UnavailableError(absl::StrCat(request.source, ": HTTP ", http));
  }
  r.path = request.download_path;
  r.bytes = d.bytes;
  return r;
}

}  // namespace kensho::revocation
