#include "absl/strings/string_view.h"
#include "tools/jpki_sim/files.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace kensho::sim {

absl::Status MakeDirs(const std::string& dir) {
  if (dir.empty()) return absl::OkStatus();
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    partial = dir.substr(0, pos);
    if (partial.empty()) continue;
    if (mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
      return absl::InternalError(absl::StrCat("mkdir ", partial, ": ", strerror(errno)));
    }
  }
  return absl::OkStatus();
}

absl::Status WriteFile(const std::string& path, absl::string_view data) {
  FILE* f = fopen(path.c_str(), "wb");
  if (f == nullptr) return absl::InternalError(absl::StrCat("open ", path, ": ", strerror(errno)));
  size_t n = data.empty() ? 0 : fwrite(data.data(), 1, data.size(), f);
  int close_rc = fclose(f);
  if (n != data.size() || close_rc != 0) {
    return absl::InternalError(absl::StrCat("write ", path, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status WriteFileAtomic(const std::string& path, absl::string_view data) {
  std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  absl::Status s = WriteFile(tmp, data);
  if (!s.ok()) return s;
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("rename ", tmp, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return absl::NotFoundError(absl::StrCat("open ", path, ": ", strerror(errno)));
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  bool err = ferror(f);
  fclose(f);
  if (err) return absl::InternalError(absl::StrCat("read ", path));
  return out;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

absl::Status RemoveFileIfExists(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return absl::InternalError(absl::StrCat("unlink ", path, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status RemoveFilesIn(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return absl::OkStatus();
  absl::Status status;
  while (dirent* e = readdir(d)) {
    std::string path = JoinPath(dir, e->d_name);
    struct stat st;
    if (lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      absl::Status s = RemoveFileIfExists(path);
      if (!s.ok() && status.ok()) status = s;
    }
  }
  closedir(d);
  return status;
}

std::string JoinPath(absl::string_view a, absl::string_view b) {
  if (a.empty()) return std::string(b);
  if (!b.empty() && b.front() == '/') return std::string(b);
  if (a.back() == '/') return absl::StrCat(a, b);
  return absl::StrCat(a, "/", b);
}

}  // namespace kensho::sim
