#include "verify/rsa_ifma.h"

#include <openssl/bn.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace kensho::verify {
namespace {

struct BnDeleter {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnDeleter>;

Bn Word(uint64_t w) {
  Bn b(BN_new());
  BN_set_word(b.get(), w);
  return b;
}

Bn RandomOdd(int bits) {
  Bn n(BN_new());
  BN_rand(n.get(), bits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD);
  return n;
}

// 2^bits - 1: every limb full.
Bn AllOnes(int bits) {
  Bn n(BN_new());
  BN_set_bit(n.get(), bits);
  BN_sub_word(n.get(), 1);
  return n;
}

// 2^(bits-1) + 1: the smallest modulus of its size, limbs nearly all zero.
Bn Sparse(int bits) {
  Bn n(BN_new());
  BN_set_bit(n.get(), bits - 1);
  BN_add_word(n.get(), 1);
  return n;
}

// Bases worth trying below n: the edges, a value of all-ones bytes, random.
std::vector<Bn> Bases(const BIGNUM* n, int random) {
  std::vector<Bn> out;
  out.push_back(Word(0));
  out.push_back(Word(1));
  out.push_back(Word(2));
  for (uint64_t minus : {1, 2}) {
    Bn b(BN_dup(n));
    if (BN_cmp(b.get(), Word(minus).get()) > 0) {
      BN_sub_word(b.get(), minus);
      out.push_back(std::move(b));
    }
  }
  Bn ones = AllOnes(BN_num_bits(n) - 1);
  if (BN_cmp(ones.get(), n) < 0) out.push_back(std::move(ones));
  for (int i = 0; i < random; ++i) {
    Bn b(BN_new());
    BN_rand_range(b.get(), n);
    out.push_back(std::move(b));
  }
  return out;
}

// Compares IfmaModExp with BN_mod_exp for every base; returns the number of
// disagreements (and reports the first few).
int Disagreements(const BIGNUM* n, const BIGNUM* e, int random_bases) {
  auto m = IfmaModExp::Make(n, e);
  if (m == nullptr) {
    ADD_FAILURE() << "Make refused n of " << BN_num_bits(n) << " bits";
    return 1;
  }
  BN_CTX* ctx = BN_CTX_new();
  const int len = BN_num_bytes(n);
  int bad = 0;
  for (const Bn& s : Bases(n, random_bases)) {
    std::vector<unsigned char> in(len), got(len), want(len);
    BN_bn2binpad(s.get(), in.data(), len);
    m->Compute(in.data(), len, got.data());
    Bn r(BN_new());
    BN_mod_exp(r.get(), s.get(), e, n, ctx);
    BN_bn2binpad(r.get(), want.data(), len);
    if (got != want && ++bad <= 3) {
      char* nh = BN_bn2hex(n);
      char* sh = BN_bn2hex(s.get());
      char* eh = BN_bn2hex(e);
      ADD_FAILURE() << "n=" << nh << " e=" << eh << " s=" << sh;
      OPENSSL_free(nh);
      OPENSSL_free(sh);
      OPENSSL_free(eh);
    }
  }
  BN_CTX_free(ctx);
  return bad;
}

class IfmaModExpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!IfmaModExp::Available()) GTEST_SKIP() << "this CPU has no AVX-512 IFMA";
  }
};

TEST_F(IfmaModExpTest, AgreesWithOpenSslOverSizesExponentsAndEdges) {
  const std::vector<uint64_t> exponents = {65537, 3, 1, 2, 17, UINT64_MAX, (1ull << 63) + 1};
  for (int bits : {2048, 2047, 2041, 2000, 1536, 1024, 521, 64, 53, 52, 2}) {
    std::vector<Bn> moduli;
    moduli.push_back(AllOnes(bits));
    if (bits > 2) moduli.push_back(Sparse(bits));
    for (int i = 0; i < 4; ++i) moduli.push_back(RandomOdd(bits));
    for (const Bn& n : moduli) {
      for (uint64_t e : exponents) {
        EXPECT_EQ(Disagreements(n.get(), Word(e).get(), 6), 0)
            << bits << "-bit modulus, e=" << e;
      }
    }
  }
}

// The RSA case that matters, over many keys and signatures.
TEST_F(IfmaModExpTest, AgreesWithOpenSslOnManyRsa2048Moduli) {
  Bn e = Word(65537);
  int bad = 0;
  for (int i = 0; i < 300; ++i) bad += Disagreements(RandomOdd(2048).get(), e.get(), 20);
  EXPECT_EQ(bad, 0);
}

TEST_F(IfmaModExpTest, RefusesWhatItCannotDo) {
  Bn e = Word(65537);
  Bn even = Word(1ull << 40);
  EXPECT_EQ(IfmaModExp::Make(even.get(), e.get()), nullptr);
  EXPECT_EQ(IfmaModExp::Make(RandomOdd(2049).get(), e.get()), nullptr);
  EXPECT_EQ(IfmaModExp::Make(RandomOdd(3072).get(), e.get()), nullptr);
  Bn big_e(BN_new());
  BN_set_bit(big_e.get(), 64);
  BN_add_word(big_e.get(), 1);
  EXPECT_EQ(IfmaModExp::Make(RandomOdd(2048).get(), big_e.get()), nullptr);
  EXPECT_EQ(IfmaModExp::Make(RandomOdd(2048).get(), Word(0).get()), nullptr);
  EXPECT_EQ(IfmaModExp::Make(nullptr, e.get()), nullptr);
  EXPECT_NE(IfmaModExp::Make(RandomOdd(2048).get(), e.get()), nullptr);
}

}  // namespace
}  // namespace kensho::verify
