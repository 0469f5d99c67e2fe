#include "tools/jpki_sim/key_pool.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "tools/jpki_sim/files.h"
#include "base/status_macros.h"

namespace kensho::sim {
namespace {

class DirLock {
 public:
  explicit DirLock(const std::string& path) : fd_(open(path.c_str(), O_CREAT | O_RDWR, 0644)) {
    if (fd_ >= 0) flock(fd_, LOCK_EX);
  }
  ~DirLock() {
    if (fd_ >= 0) {
      flock(fd_, LOCK_UN);
      close(fd_);
    }
  }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

}  // namespace

std::string KeyPool::EeFileName(int i) { return absl::StrFormat("key-%04d.pem", i); }
std::string KeyPool::CaFileName(int i) { return absl::StrFormat("ca-%02d.pem", i); }

absl::StatusOr<KeyPool> KeyPool::LoadOrCreate(const std::string& dir, int ee_keys, int ca_keys) {
  if (ee_keys < 2) return absl::InvalidArgumentError("key pool needs at least 2 end-entity keys");
  KENSHO_RETURN_IF_ERROR(MakeDirs(dir));
  DirLock lock(JoinPath(dir, ".lock"));
  if (!lock.ok()) return absl::InternalError(absl::StrCat("cannot lock ", dir));

  KeyPool pool;
  pool.dir_ = dir;
  pool.ee_.resize(ee_keys);
  pool.ca_.resize(ca_keys);
  struct Slot {
    EvpPkeyPtr* key;
    std::string path;
  };
  std::vector<Slot> missing;
  auto load = [&](EvpPkeyPtr* slot, const std::string& path) -> absl::Status {
    if (!FileExists(path)) {
      missing.push_back(Slot{slot, path});
      return absl::OkStatus();
    }
    KENSHO_ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
    KENSHO_ASSIGN_OR_RETURN(*slot, PrivateKeyFromPem(pem));
    if (EVP_PKEY_get_bits(slot->get()) != 2048 || EVP_PKEY_get_base_id(slot->get()) != EVP_PKEY_RSA) {
      return absl::FailedPreconditionError(absl::StrCat(path, " is not an RSA-2048 key"));
    }
    return absl::OkStatus();
  };
  for (int i = 0; i < ca_keys; ++i) KENSHO_RETURN_IF_ERROR(load(&pool.ca_[i], JoinPath(dir, CaFileName(i))));
  for (int i = 0; i < ee_keys; ++i) KENSHO_RETURN_IF_ERROR(load(&pool.ee_[i], JoinPath(dir, EeFileName(i))));

  // Generate the missing ones on all cores.
  std::atomic<size_t> next{0};
  absl::Mutex mu;
  absl::Status first_error;
  auto worker = [&]() {
    for (size_t k; (k = next.fetch_add(1)) < missing.size();) {
      EVP_PKEY* key = EVP_RSA_gen(2048);
      absl::Status s;
      if (key == nullptr) {
        s = OpenSslError("EVP_RSA_gen");
      } else {
        missing[k].key->reset(key);
        auto pem = PrivateKeyToPem(key);
        s = pem.ok() ? WriteFileAtomic(missing[k].path, *pem) : pem.status();
      }
      if (!s.ok()) {
        absl::MutexLock l(&mu);
        if (first_error.ok()) first_error = s;
      }
    }
  };
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  if (threads > missing.size()) threads = static_cast<unsigned>(missing.size());
  std::vector<std::thread> pool_threads;
  for (unsigned t = 0; t < threads; ++t) pool_threads.emplace_back(worker);
  for (auto& t : pool_threads) t.join();
  KENSHO_RETURN_IF_ERROR(first_error);
  pool.generated_ = static_cast<int>(missing.size());
  return pool;
}

}  // namespace kensho::sim
