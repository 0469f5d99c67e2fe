#include "server/audit_log.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/json_string.h"

namespace kensho::server {
namespace {

// The writer is woken when this much waits; past kMaxBufferedBytes recording
// threads wait for it (backpressure: memory stays bounded, nothing is lost).
constexpr size_t kWakeWriterAtBytes = 256 << 10;
constexpr size_t kMaxBufferedBytes = 4 << 20;
constexpr absl::Duration kFlushEvery = absl::Milliseconds(200);

std::string ComputeSerialHash(absl::string_view serial_hex) {
  // Fetched once: EVP_sha256() in EVP_Digest looks the implementation up
  // per call, which cost more than the hash.
  static const EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(serial_hex.data(), serial_hex.size(), digest, &n, sha256, nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), n));
}

// SHA-256 of the serial's hex text, in hex: stable across lines, not the
// serial. Remembered per thread (bounded) for the certificates seen lately:
// the same signers come back, and hash plus hex cost ~0.5 µs a line.
void AppendSerialHash(absl::string_view serial_hex, std::string* out) {
  thread_local absl::flat_hash_map<std::string, std::string> memo;
  auto it = memo.find(serial_hex);
  if (it == memo.end()) {
    if (memo.size() >= 4096) memo.clear();
    it = memo.emplace(std::string(serial_hex), ComputeSerialHash(serial_hex)).first;
  }
  out->push_back('"');
  out->append(it->second);  // hex: nothing to escape
  out->push_back('"');
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
  // ".mmmZ" by hand: snprintf was a fifth of a record's formatting.
  const char frac[6] = {'.',
                        static_cast<char>('0' + ms / 100),
                        static_cast<char>('0' + ms / 10 % 10),
                        static_cast<char>('0' + ms % 10),
                        'Z',
                        '"'};
  out->append(frac, sizeof frac);
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
    has_work_.Signal();
  }
  writer_.join();  // the writer writes what is left before it returns
  if (owned_) std::fclose(out_);
}

std::string AuditLog::Line(const AuditRecord& r) {
  std::string line;
  AppendLine(r, &line);
  return line;
}

void AuditLog::AppendLine(const AuditRecord& r, std::string* out) {
  std::string& line = *out;
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
    AppendSerialHash(r.serial_hex, &line);
  }
  absl::StrAppend(&line, ",\"micros\":", r.micros, "}");
}

void AuditLog::AppendRecord(const AuditRecord& record, std::string* lines) {
  AppendLine(record, lines);
  lines->push_back('\n');
}

void AuditLog::Record(const AuditRecord& record) {
  // Built outside the lock, in a buffer each thread keeps.
  thread_local std::string line;
  line.clear();
  AppendRecord(record, &line);
  RecordLines(line);
}

void AuditLog::RecordLines(absl::string_view lines) {
  if (lines.empty()) return;
  // CondVars, not Mutex::Await: a condition waiting on mu_ would make every
  // unlock evaluate it (absl's slow path), and recorders unlock constantly.
  absl::MutexLock lock(&mu_);
  while (buffer_.size() >= kMaxBufferedBytes) drained_.Wait(&mu_);
  buffer_.append(lines.data(), lines.size());
  if (buffer_.size() >= kWakeWriterAtBytes) has_work_.Signal();
}

void AuditLog::Loop() {
  std::string writing;
  while (true) {
    bool stop;
    {
      absl::MutexLock lock(&mu_);
      if (!stopping_ && buffer_.size() < kWakeWriterAtBytes) {
        has_work_.WaitWithTimeout(&mu_, kFlushEvery);
      }
      stop = stopping_;
      writing.swap(buffer_);  // recording goes on while this is written
      drained_.SignalAll();
    }
    if (!writing.empty()) {
      std::fwrite(writing.data(), 1, writing.size(), out_);
      std::fflush(out_);
      writing.clear();
    }
    if (stop) return;  // what was recorded before stopping_ is written
  }
}

}  // namespace kensho::server
