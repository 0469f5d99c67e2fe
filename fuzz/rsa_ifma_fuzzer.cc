// Differential: verify/rsa_ifma.h's s^e mod n against OpenSSL's BN_mod_exp
// on inputs the fuzzer shapes. Any disagreement aborts. On a CPU without
// AVX-512 IFMA (or with KENSHO_RSA_IFMA=0) there is nothing to compare.
//
// Input: 1 byte modulus length selector, 8 bytes e, then the modulus and the
// base, each `len` bytes (short input is padded with the bytes repeated, so
// every input is a case). The modulus is made odd and its length exact; the
// base is reduced mod n, as a verifier's caller guarantees s < n.
#include <openssl/bn.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "verify/rsa_ifma.h"

namespace {

constexpr size_t kLengths[] = {256, 255, 248, 192, 128, 64, 8, 1};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using kensho::verify::IfmaModExp;
  if (!IfmaModExp::Available() || size < 9) return 0;
  const size_t len = kLengths[data[0] % (sizeof(kLengths) / sizeof(kLengths[0]))];
  uint64_t e = 0;
  std::memcpy(&e, data + 1, sizeof(e));
  if (e == 0) e = 65537;
  const uint8_t* rest = data + 9;
  const size_t rest_size = size - 9;
  std::vector<unsigned char> n_bytes(len), s_bytes(len);
  for (size_t i = 0; i < 2 * len; ++i) {
    const unsigned char b = rest_size == 0 ? 0xff : rest[i % rest_size];
    (i < len ? n_bytes[i] : s_bytes[i - len]) = b;
  }
  n_bytes[0] |= 0x80;      // exactly len bytes
  n_bytes[len - 1] |= 1;   // odd

  BN_CTX* ctx = BN_CTX_new();
  BIGNUM* n = BN_bin2bn(n_bytes.data(), static_cast<int>(len), nullptr);
  BIGNUM* s = BN_bin2bn(s_bytes.data(), static_cast<int>(len), nullptr);
  BIGNUM* be = BN_new();
  BIGNUM* want = BN_new();
  BN_set_word(be, e);
  BN_mod(s, s, n, ctx);
  BN_bn2binpad(s, s_bytes.data(), static_cast<int>(len));
  BN_mod_exp(want, s, be, n, ctx);
  std::vector<unsigned char> want_bytes(len), got(len);
  BN_bn2binpad(want, want_bytes.data(), static_cast<int>(len));

  auto m = IfmaModExp::Make(n, be);
  if (m == nullptr) std::abort();  // every odd n of up to 2048 bits is served
  m->Compute(s_bytes.data(), len, got.data());
  if (got != want_bytes) std::abort();

  BN_free(want);
  BN_free(be);
  BN_free(s);
  BN_free(n);
  BN_CTX_free(ctx);
  return 0;
}
