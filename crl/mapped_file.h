// A read-only memory map of a CRL file, so that a 400 MB CRL is parsed
// without reading it into the heap. ReleaseBefore drops pages already
// walked from this process's resident set (they stay in the page cache and
// fault back in if touched again), keeping RSS flat during ingest; pass it as
// crl_parser.h's ReleaseFn.
//
// Thread-safety: data() is immutable; ReleaseBefore must not race itself.
#ifndef KENSHO_CRL_MAPPED_FILE_H_
#define KENSHO_CRL_MAPPED_FILE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kensho::crl {

class MappedFile {
 public:
  // Fails (ResourceExhausted) for files over max_bytes, NotFound/Unavailable
  // when the file cannot be opened or mapped. An empty file maps to "".
  static absl::StatusOr<std::unique_ptr<MappedFile>> Open(const std::string& path, int64_t max_bytes);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  absl::string_view data() const { return {static_cast<const char*>(base_), size_}; }
  // Advises the kernel that bytes before `offset` are not needed now.
  void ReleaseBefore(size_t offset);

 private:
  MappedFile(void* base, size_t size) : base_(base), size_(size) {}
  void* base_;
  size_t size_;
  size_t released_ = 0;
};

}  // namespace kensho::crl

#endif  // KENSHO_CRL_MAPPED_FILE_H_
