// The RSA public operation s^e mod n with AVX-512 IFMA, for moduli of up to
// 2048 bits: the arithmetic under RsaPkcs1Verifier when the CPU has it.
//
// Why: a verify is ~17 Montgomery multiplications of 2048-bit numbers.
// OpenSSL 3.0 does them with 64-bit scalar mulx (bn_mul_mont, ~16 µs per
// verify here); its IFMA code (rsaz-avx512) serves only the private-key CRT
// halves. IFMA multiplies eight 52-bit limbs per instruction, so the same
// exponentiation in radix 2^52 (40 limbs, 5 vectors) is about 3x as fast.
//
// Public data only: no secret reaches this code, so nothing here needs to be
// constant time. A wrong result could only make a good signature fail: the
// caller compares the whole encoded message with the one it expects. Tests
// compare it with BN_mod_exp over random and edge-case inputs
// (rsa_ifma_test.cc) and Wycheproof's RSA vectors run through it.
#ifndef KENSHO_VERIFY_RSA_IFMA_H_
#define KENSHO_VERIFY_RSA_IFMA_H_

#include <openssl/bn.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace kensho::verify {

class IfmaModExp {
 public:
  // 40 limbs of 52 bits: 2080 bits, room for any n below 2^2048 and the
  // "almost Montgomery" results below 2n.
  static constexpr int kLimbs = 40;

  // True when this CPU (and its OS) has AVX-512F and IFMA, and the
  // environment does not say KENSHO_RSA_IFMA=0 (read once).
  static bool Available();

  // Null unless Available(), n is odd and 1..2048 bits long, and e has at
  // most 64 bits and is at least 1.
  static std::unique_ptr<IfmaModExp> Make(const BIGNUM* n, const BIGNUM* e);

  // out = s^e mod n, both big-endian in `len` bytes, where len is the
  // modulus length in bytes and s < n (the caller checks both).
  void Compute(const unsigned char* s, size_t len, unsigned char* out) const;

 private:
  IfmaModExp() = default;

  alignas(64) uint64_t n_[kLimbs] = {};
  alignas(64) uint64_t rr_[kLimbs] = {};  // 2^(2*52*40) mod n: into Montgomery form
  uint64_t k0_ = 0;                       // -n^-1 mod 2^52
  uint64_t e_ = 0;
};

}  // namespace kensho::verify

#endif  // KENSHO_VERIFY_RSA_IFMA_H_
