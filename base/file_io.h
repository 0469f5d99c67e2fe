// Reading and writing whole files, bounded and atomic.
#ifndef KENSHO_BASE_FILE_IO_H_
#define KENSHO_BASE_FILE_IO_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kensho {

// Reads the file at `path`, refusing files larger than `max_bytes` so a
// misconfigured path (a device, a huge log) cannot exhaust memory.
absl::StatusOr<std::string> ReadFileBounded(const std::string& path,
                                            int64_t max_bytes = 64 << 20);

// Writes `contents` to `path` through a temporary file and rename(2), so a
// reader never sees a half-written file.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents);

}  // namespace kensho

#endif  // KENSHO_BASE_FILE_IO_H_
