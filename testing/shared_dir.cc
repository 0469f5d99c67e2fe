#include "testing/shared_dir.h"

#include <climits>
#include <cstdlib>
#include <string>

#include <sys/stat.h>

namespace kensho::testing {
namespace {

bool IsDir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string Dirname(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

std::string WorkspaceDir() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr || workspace == nullptr) return "";
  std::string readme = std::string(srcdir) + "/" + workspace + "/README.md";
  char resolved[PATH_MAX];
  if (::realpath(readme.c_str(), resolved) == nullptr) return "";
  return Dirname(resolved);
}

std::string SharedDir() {
  if (const char* env = std::getenv("KENSHO_SHARED"); env != nullptr && IsDir(env)) {
    return env;
  }
  std::string ws = WorkspaceDir();
  if (ws.empty()) return "";
  std::string shared = Dirname(ws) + "/shared";
  return IsDir(shared) ? shared : "";
}

}  // namespace kensho::testing
