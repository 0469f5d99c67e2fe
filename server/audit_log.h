// The audit log: one JSON line per answered verdict or failed call, with
// when, who (the caller's configured name), which method, the outcome and a
// hash of the certificate's serial number. Never personal data (the basic
// 4), document bytes or request ids: a line says that a caller checked some
// certificate and what the answer was, and the serial hash lets an auditor
// match lines about the same certificate without the log naming it.
//
// Lines are buffered and written by a background thread every 200 ms, or
// as soon as 256 KiB are waiting; recording threads never write, but wait
// when 4 MiB are waiting (so memory is bounded and nothing is dropped). The
// destructor writes the rest.
// Thread-safe.
#ifndef KENSHO_SERVER_AUDIT_LOG_H_
#define KENSHO_SERVER_AUDIT_LOG_H_

#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace kensho::server {

struct AuditRecord {
  absl::Time time;
  absl::string_view caller;          // "" when not identified
  absl::string_view method;          // e.g. "VerifySignedDocument"
  absl::string_view code;            // gRPC status name, e.g. "OK"
  absl::string_view indication;      // "" without a verdict
  absl::string_view sub_indication;  // "" when none
  absl::string_view serial_hex;      // hashed; "" without a certificate
  int64_t micros = 0;                // time to answer
};

class AuditLog {
 public:
  // `path`: "" or "-" for stderr, otherwise a file opened for appending.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void Record(const AuditRecord& record);
  // Appends `record`'s JSON line (with its newline) to *lines, for
  // RecordLines: a batch's lines are built by its thread and handed over at
  // once, one lock per batch task instead of one per item.
  static void AppendRecord(const AuditRecord& record, std::string* lines);
  void RecordLines(absl::string_view lines);

  // The JSON line for `record`, without the newline (exposed for tests).
  static std::string Line(const AuditRecord& record);

 private:
  AuditLog(std::FILE* out, bool owned);
  static void AppendLine(const AuditRecord& record, std::string* out);
  // The writer thread: writes what is buffered every 200 ms or when 256 KiB
  // wait, outside the lock, and the rest when stopping.
  void Loop();

  std::FILE* const out_;
  const bool owned_;
  absl::Mutex mu_;
  std::string buffer_ ABSL_GUARDED_BY(mu_);
  absl::CondVar has_work_;  // the writer's: 256 KiB wait, or stopping
  absl::CondVar drained_;   // recorders': the buffer was taken
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread writer_;
};

}  // namespace kensho::server

#endif  // KENSHO_SERVER_AUDIT_LOG_H_
