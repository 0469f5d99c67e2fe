#include "verify/rsa_ifma.h"

// GCC 12's AVX-512 intrinsics start from deliberately undefined vectors,
// which -Wuninitialized reports once inlined (GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <cstdlib>
#include <cstring>

namespace kensho::verify {
namespace {

constexpr int kLimbs = IfmaModExp::kLimbs;
constexpr int kVectors = kLimbs / 8;  // eight 64-bit lanes per 512-bit vector
constexpr int kLimbBits = 52;
constexpr uint64_t kMask = (uint64_t{1} << kLimbBits) - 1;
constexpr size_t kMaxBytes = 256;

// The vectors must stay in registers: the per-vector loops are unrolled
// whole (at -O2 GCC would keep the arrays in memory, 3x slower).
#define KENSHO_UNROLL _Pragma("GCC unroll 8")

// Big-endian bytes (at most 256) into 52-bit limbs, least significant first.
void ToLimbs(const unsigned char* be, size_t len, uint64_t* limbs) {
  uint64_t words[kMaxBytes / 8 + 2] = {};  // little-endian words, with zeros past the top
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {  // whole big-endian words from the end
    uint64_t w;
    std::memcpy(&w, be + len - i - 8, 8);
    words[i / 8] = __builtin_bswap64(w);
  }
  for (; i < len; ++i) words[i / 8] |= uint64_t{be[len - 1 - i]} << (8 * (i % 8));
  for (int k = 0; k < kLimbs; ++k) {
    const int bit = kLimbBits * k;
    const int w = bit / 64;
    const int shift = bit % 64;
    uint64_t v = words[w] >> shift;
    if (shift > 64 - kLimbBits) v |= words[w + 1] << (64 - shift);
    limbs[k] = v & kMask;
  }
}

// Normalized limbs (each below 2^52) of a value below 2^(8*len) into
// big-endian bytes.
void FromLimbs(const uint64_t* limbs, size_t len, unsigned char* be) {
  uint64_t words[kMaxBytes / 8 + 2] = {};
  for (int k = 0; k < kLimbs; ++k) {
    const int bit = kLimbBits * k;
    const int w = bit / 64;
    const int shift = bit % 64;
    words[w] |= limbs[k] << shift;
    if (shift > 64 - kLimbBits) words[w + 1] |= limbs[k] >> (64 - shift);
  }
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    const uint64_t w = __builtin_bswap64(words[i / 8]);
    std::memcpy(be + len - i - 8, &w, 8);
  }
  for (; i < len; ++i) be[len - 1 - i] = static_cast<unsigned char>(words[i / 8] >> (8 * (i % 8)));
}

// The high 52 bits of the 104-bit product of two limbs.
uint64_t High52(uint64_t x, uint64_t y) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(x) * y) >> kLimbBits);
}

// r = a * b / 2^2080 mod n, "almost": for a, b < 2n (and n < 2^2048) the
// result is below 2n, with every limb normalized below 2^52 again, so it can
// be fed back in. Word-by-word Montgomery multiplication (Gueron and
// Krasnov's AMM in radix 2^52): per limb b[i], add a*b[i] and y*n with y
// chosen to zero the lowest limb, then shift down one limb. IFMA gives the
// low and high 52-bit halves of each product separately; a high half
// belongs one limb up, so it is added after the shift.
//
// Lanes are not carried inside the loop: each gains at most 4 * 2^52 per
// round over at most 40 rounds, below 2^60. Only the lowest limb's carry is
// kept, as a scalar, because that limb is shifted out; the vector's lowest
// lane never holds it.
//
// Speed: each round's y waits on the lowest limb, so that chain is kept
// short and out of the vectors. The lowest limb is rebuilt in scalar code:
// lane 1 as it was before this round's y*n (the vector work behind it does
// not wait on y), plus y*n's share, the carry and the products that land on
// it. The a*b halves, which do not depend on y, are summed apart and added
// in one step. Each vector loop is unrolled so the vectors stay in
// registers. ~0.25 µs per call here (18 calls per RSA-2048 verify);
// OpenSSL's bn_mul_mont ~0.8 µs.
//
// r may alias a or b: it is written after both are read.
__attribute__((target("avx512f,avx512ifma"))) void Amm(uint64_t* r, const uint64_t* a,
                                                       const uint64_t* b, const uint64_t* n,
                                                       uint64_t k0) {
  __m512i va[kVectors];
  __m512i vn[kVectors];
  __m512i acc[kVectors];
  const __m512i zero = _mm512_setzero_si512();
  const __m512i b0 = _mm512_set1_epi64(static_cast<long long>(b[0]));
  KENSHO_UNROLL
  for (int j = 0; j < kVectors; ++j) {
    va[j] = _mm512_loadu_si512(a + 8 * j);
    vn[j] = _mm512_loadu_si512(n + 8 * j);
    acc[j] = _mm512_madd52lo_epu64(zero, va[j], b0);
  }
  const uint64_t a0 = a[0];
  const uint64_t n0 = n[0];
  const uint64_t n1 = n[1];
  uint64_t low = (a0 * b[0]) & kMask;  // the lowest limb: acc's lane 0 plus the carry
  for (int i = 0; i < kLimbs; ++i) {
    const uint64_t lane1_before =
        static_cast<uint64_t>(_mm_extract_epi64(_mm512_castsi512_si128(acc[0]), 1));
    const uint64_t y = (low * k0) & kMask;
    const __m512i vy = _mm512_set1_epi64(static_cast<long long>(y));
    KENSHO_UNROLL
    for (int j = 0; j < kVectors; ++j) acc[j] = _mm512_madd52lo_epu64(acc[j], vn[j], vy);
    // low + y*n0 is a multiple of 2^52: what passes up from it is its carry
    // and the high half of y*n0 (the vector adds that half to lane 0 below).
    const uint64_t carry_and_high = static_cast<uint64_t>(
        (static_cast<unsigned __int128>(n0) * y + low) >> kLimbBits);
    const uint64_t lane1 = lane1_before + ((n1 * y) & kMask);

    // hi(a * b[i]) and lo(a * b[i+1]): both land on the limbs after the shift.
    const uint64_t next_b = i + 1 < kLimbs ? b[i + 1] : 0;
    const __m512i bi = _mm512_set1_epi64(static_cast<long long>(b[i]));
    const __m512i bn = _mm512_set1_epi64(static_cast<long long>(next_b));
    __m512i ab[kVectors];
    KENSHO_UNROLL
    for (int j = 0; j < kVectors; ++j) {
      ab[j] = _mm512_madd52lo_epu64(_mm512_madd52hi_epu64(zero, va[j], bi), va[j], bn);
    }
    KENSHO_UNROLL
    for (int j = 0; j + 1 < kVectors; ++j) acc[j] = _mm512_alignr_epi64(acc[j + 1], acc[j], 1);
    acc[kVectors - 1] = _mm512_alignr_epi64(zero, acc[kVectors - 1], 1);
    KENSHO_UNROLL
    for (int j = 0; j < kVectors; ++j) {
      acc[j] = _mm512_add_epi64(_mm512_madd52hi_epu64(acc[j], vn[j], vy), ab[j]);
    }
    // The same sum for lane 0, in scalar code.
    low = lane1 + carry_and_high + High52(a0, b[i]) + ((a0 * next_b) & kMask);
  }
  acc[0] = _mm512_mask_set1_epi64(acc[0], 1, static_cast<long long>(low));  // with its carry
  // Normalize: each lane's bits above 52 go one lane up, in passes over all
  // lanes at once until every lane is below 2^52. Lanes are below 2^61, so
  // after the first pass a lane is 2^52 or more only if its low bits were
  // within 2^9 of the top: a second pass is all but never needed. (The
  // result is below 2n < 2^2049: nothing is carried past the top limb.)
  const __m512i mask = _mm512_set1_epi64(static_cast<long long>(kMask));
  for (;;) {
    __m512i carry[kVectors];
    KENSHO_UNROLL
    for (int j = 0; j < kVectors; ++j) {
      carry[j] = _mm512_srli_epi64(acc[j], kLimbBits);
      acc[j] = _mm512_and_si512(acc[j], mask);
    }
    __mmask8 over = 0;
    KENSHO_UNROLL
    for (int j = 0; j < kVectors; ++j) {
      acc[j] = _mm512_add_epi64(acc[j],
                                _mm512_alignr_epi64(carry[j], j > 0 ? carry[j - 1] : zero, 7));
      over |= _mm512_cmpgt_epu64_mask(acc[j], mask);
    }
    if (over == 0) break;
  }
  KENSHO_UNROLL
  for (int j = 0; j < kVectors; ++j) _mm512_storeu_si512(r + 8 * j, acc[j]);
}

// a -= n when a >= n, for normalized limbs.
void ReduceOnce(uint64_t* a, const uint64_t* n) {
  for (int k = kLimbs - 1; k >= 0; --k) {
    if (a[k] != n[k]) {
      if (a[k] < n[k]) return;
      break;
    }
  }
  uint64_t borrow = 0;
  for (int k = 0; k < kLimbs; ++k) {
    const uint64_t v = a[k] - n[k] - borrow;
    a[k] = v & kMask;
    borrow = v >> 63;
  }
}

bool CpuHasIfma() {
  __builtin_cpu_init();
  // libgcc's and compiler-rt's checks include the OS saving the AVX-512 state.
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
}

}  // namespace

bool IfmaModExp::Available() {
  static const bool available = [] {
    const char* setting = std::getenv("KENSHO_RSA_IFMA");
    if (setting != nullptr && std::strcmp(setting, "0") == 0) return false;
    return CpuHasIfma();
  }();
  return available;
}

std::unique_ptr<IfmaModExp> IfmaModExp::Make(const BIGNUM* n, const BIGNUM* e) {
  if (!Available() || n == nullptr || e == nullptr || !BN_is_odd(n) ||
      BN_num_bits(n) > 8 * static_cast<int>(kMaxBytes) || BN_num_bits(e) > 64 || BN_is_zero(e)) {
    return nullptr;
  }
  std::unique_ptr<IfmaModExp> m(new IfmaModExp());
  unsigned char buf[kMaxBytes];
  if (BN_bn2binpad(n, buf, sizeof(buf)) != static_cast<int>(sizeof(buf))) return nullptr;
  ToLimbs(buf, sizeof(buf), m->n_);
  // Newton's iteration for n^-1 mod 2^64: an odd x is its own inverse mod
  // 2^3, and each step doubles the correct bits (3, 6, ..., 96).
  const uint64_t n0 = m->n_[0];
  uint64_t inv = n0;
  for (int i = 0; i < 5; ++i) inv *= 2 - n0 * inv;
  m->k0_ = (0 - inv) & kMask;
  // R^2 mod n with R = 2^(52*40): multiplying by it enters Montgomery form.
  BN_CTX* ctx = BN_CTX_new();
  BIGNUM* r2 = BN_new();
  const bool ok = ctx != nullptr && r2 != nullptr &&
                  BN_set_bit(r2, 2 * kLimbBits * kLimbs) == 1 && BN_mod(r2, r2, n, ctx) == 1 &&
                  BN_bn2binpad(r2, buf, sizeof(buf)) == static_cast<int>(sizeof(buf));
  BN_free(r2);
  BN_CTX_free(ctx);
  if (!ok) return nullptr;
  ToLimbs(buf, sizeof(buf), m->rr_);
  m->e_ = static_cast<uint64_t>(BN_get_word(e));
  return m;
}

void IfmaModExp::Compute(const unsigned char* s, size_t len, unsigned char* out) const {
  alignas(64) uint64_t plain[kLimbs];
  alignas(64) uint64_t base[kLimbs];
  alignas(64) uint64_t x[kLimbs];
  ToLimbs(s, len, plain);
  Amm(base, plain, rr_, n_, k0_);  // s * R mod n
  std::memcpy(x, base, sizeof(x));
  // Left to right over e's bits (e = 65537: 16 squarings, one multiply).
  // The last multiply, for an odd e, takes s itself instead of s * R: its
  // result is out of Montgomery form already, one multiplication saved.
  const int top = 63 - __builtin_clzll(e_);
  for (int bit = top - 1; bit >= 0; --bit) {
    Amm(x, x, x, n_, k0_);
    if ((e_ >> bit) & 1) Amm(x, x, bit == 0 ? plain : base, n_, k0_);
  }
  // Still s^e * R unless that last multiply ran (e odd and above 1).
  const bool ended_by_plain_multiply = top > 0 && (e_ & 1) != 0;
  if (!ended_by_plain_multiply) {
    alignas(64) uint64_t one[kLimbs] = {1};
    Amm(x, x, one, n_, k0_);  // out of Montgomery form
  }
  ReduceOnce(x, n_);  // each way the result is below n + 1
  FromLimbs(x, len, out);
}

}  // namespace kensho::verify
