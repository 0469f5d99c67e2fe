// File-system helpers for the simulator's output tree.
#ifndef KENSHO_TOOLS_JPKI_SIM_FILES_H_
#define KENSHO_TOOLS_JPKI_SIM_FILES_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kensho::sim {

// Creates `dir` and its parents (like mkdir -p).
absl::Status MakeDirs(const std::string& dir);
absl::Status WriteFile(const std::string& path, absl::string_view data);
// Writes `path.tmp.<pid>` then renames it over `path`, so readers see the old
// file or the whole new one, never a part.
absl::Status WriteFileAtomic(const std::string& path, absl::string_view data);
absl::StatusOr<std::string> ReadFile(const std::string& path);
bool FileExists(const std::string& path);
absl::Status RemoveFileIfExists(const std::string& path);
// Removes the regular files directly inside `dir` (not subdirectories).
absl::Status RemoveFilesIn(const std::string& dir);
std::string JoinPath(absl::string_view a, absl::string_view b);

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_FILES_H_
