#include "server/audit_log.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/json_string.h"

namespace kensho::server {
namespace {

constexpr size_t kWriteAtBytes = 256 << 10;
constexpr absl::Duration kFlushEvery = absl::Milliseconds(200);

// SHA-256 of the serial's hex text, in hex: stable across lines, not the serial.
std::string SerialHash(absl::string_view serial_hex) {
  // Fetched once: EVP_sha256() in EVP_Digest looks the implementation up
  // per call, which cost more than the hash.
  static const EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(serial_hex.data(), serial_hex.size(), digest, &n, sha256, nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), n));
}

// "2026-11-27T00:55:44.225Z". The part up to the second is formatted once
// per second per thread (absl::FormatTime costs microseconds).
void AppendTime(absl::Time t, std::string* out) {
  thread_local int64_t cached_second = INT64_MIN;
  thread_local std::string cached;
  const int64_t millis = absl::ToUnixMillis(t);
  const int64_t second = millis >= 0 ? millis / 1000 : (millis - 999) / 1000;
  if (second != cached_second) {
    cached = absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(second), absl::UTCTimeZone());
    cached_second = second;
  }
  const int ms = static_cast<int>(millis - second * 1000);
  out->push_back('"');
  out->append(cached);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", ms);
  out->append(frac);
  out->push_back('"');
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path) {
  if (path.empty() || path == "-") return std::unique_ptr<AuditLog>(new AuditLog(stderr, false));
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit log ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<AuditLog>(new AuditLog(f, true));
}

AuditLog::AuditLog(std::FILE* out, bool owned) : out_(out), owned_(owned) {
  writer_ = std::thread([this] { Loop(); });
}

AuditLog::~AuditLog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_.join();
  absl::MutexLock lock(&mu_);
  WriteLocked();
  if (owned_) std::fclose(out_);
}

std::string AuditLog::Line(const AuditRecord& r) {
  std::string line;
  line.reserve(256);
  line += "{\"time\":";
  AppendTime(r.time, &line);
  line += ",\"caller\":";
  AppendJsonString(r.caller, &line);
  line += ",\"method\":";
  AppendJsonString(r.method, &line);
  line += ",\"code\":";
  AppendJsonString(r.code, &line);
  if (!r.indication.empty()) {
    line += ",\"indication\":";
    AppendJsonString(r.indication, &line);
  }
  if (!r.sub_indication.empty()) {
    line += ",\"sub_indication\":";
    AppendJsonString(r.sub_indication, &line);
  }
  if (!r.serial_hex.empty()) {
    line += ",\"serial_sha256\":";
    AppendJsonString(SerialHash(r.serial_hex), &line);
  }
  absl::StrAppend(&line, ",\"micros\":", r.micros, "}");
  return line;
}

void AuditLog::Record(const AuditRecord& record) {
  std::string line = Line(record);
  line.push_back('\n');
  absl::MutexLock lock(&mu_);
  buffer_ += line;
  if (buffer_.size() >= kWriteAtBytes) WriteLocked();  // backpressure, not loss
}

void AuditLog::WriteLocked() {
  if (buffer_.empty()) return;
  std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
  std::fflush(out_);
  buffer_.clear();
}

void AuditLog::Loop() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), kFlushEvery);
    WriteLocked();
  }
}

}  // namespace kensho::server
