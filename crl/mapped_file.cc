#include "crl/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace kensho::crl {

absl::StatusOr<std::unique_ptr<MappedFile>> MappedFile::Open(const std::string& path, int64_t max_bytes) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    std::string msg = absl::StrCat("cannot open ", path, ": ", strerror(e));
    return e == ENOENT ? absl::NotFoundError(msg) : absl::UnavailableError(msg);
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return absl::UnavailableError(absl::StrCat(path, " is not a regular file"));
  }
  if (st.st_size > max_bytes) {
    close(fd);
    return absl::ResourceExhaustedError(
        absl::StrCat(path, " has ", st.st_size, " bytes, more than the limit of ", max_bytes));
  }
  if (st.st_size == 0) {
    close(fd);
    return std::unique_ptr<MappedFile>(new MappedFile(nullptr, 0));
  }
  void* base = mmap(nullptr, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int e = errno;
  close(fd);
  if (base == MAP_FAILED) return absl::UnavailableError(absl::StrCat("cannot map ", path, ": ", strerror(e)));
  madvise(base, st.st_size, MADV_SEQUENTIAL);
  return std::unique_ptr<MappedFile>(new MappedFile(base, st.st_size));
}

MappedFile::~MappedFile() {
  if (base_ != nullptr) munmap(base_, size_);
}

void MappedFile::ReleaseBefore(size_t offset) {
  static const size_t kPage = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  if (offset > size_) offset = size_;
  const size_t end = offset / kPage * kPage;
  if (base_ == nullptr || end == 0) return;
  // Always from 0: pages released earlier may have been faulted in again.
  madvise(base_, end, MADV_DONTNEED);
  released_ = end;
}

}  // namespace kensho::crl
