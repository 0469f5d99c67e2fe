// A directory of pre-generated RSA-2048 test keys, reused across runs.
//
// RSA key generation costs ~50-100 ms per key, far more than anything else the
// simulator does, so keys are made once and kept in `dir`:
//   ca-00.pem .. ca-NN.pem       keys for roots (one per CA, never shared)
//   key-0000.pem .. key-NNNN.pem keys for end-entity certificates (shared by
//                                many certificates, chosen by the seed)
// All are unencrypted PKCS#8 PEM. They are TEST KEYS ONLY.
// Because RSA PKCS#1 v1.5 signatures are deterministic, the same pool plus
// the same seed and time give byte-identical certificates, CRLs and CMS.
//
// Thread-safety: LoadOrCreate takes an flock on `dir/.lock`, so concurrent
// processes sharing a pool do not generate different keys under one name.
// A loaded KeyPool is immutable.
#ifndef KENSHO_TOOLS_JPKI_SIM_KEY_POOL_H_
#define KENSHO_TOOLS_JPKI_SIM_KEY_POOL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/jpki_sim/ossl.h"

namespace kensho::sim {

class KeyPool {
 public:
  // Loads the keys present and generates (in parallel) any that are missing.
  static absl::StatusOr<KeyPool> LoadOrCreate(const std::string& dir, int ee_keys, int ca_keys);

  int ee_size() const { return static_cast<int>(ee_.size()); }
  int ca_size() const { return static_cast<int>(ca_.size()); }
  EVP_PKEY* ee(int i) const { return ee_[i].get(); }
  EVP_PKEY* ca(int i) const { return ca_[i].get(); }
  static std::string EeFileName(int i);  // "key-0007.pem"
  static std::string CaFileName(int i);  // "ca-03.pem"
  const std::string& dir() const { return dir_; }
  // How many keys this call generated (0 = the pool was warm).
  int generated() const { return generated_; }

 private:
  std::string dir_;
  std::vector<EvpPkeyPtr> ee_;
  std::vector<EvpPkeyPtr> ca_;
  int generated_ = 0;
};

}  // namespace kensho::sim

#endif  // KENSHO_TOOLS_JPKI_SIM_KEY_POOL_H_
