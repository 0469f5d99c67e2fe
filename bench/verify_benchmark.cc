// Per-verification cost of kensho's engine next to the physical unit (one
// RSA-2048 PKCS#1 v1.5 verify) and next to the straightforward OpenSSL
// pipeline (parse everything, X509_verify_cert / CMS_verify, no caches).
// Issue 4's target: warm cost <= 1.3x one RSA verify and >= 10x cheaper than
// the pipeline. bench/compare_verify.sh runs this and prints the ratios.
//
//   bazel run -c opt //bench:verify_benchmark -- --benchmark_min_time=0.3
//
// A small jpki_sim world (30 people, 8 pool keys, seed 3, now = the clock
// truncated to seconds) is generated once in a temporary directory, which is
// removed at exit (KENSHO_BENCH_KEY_POOL=DIR keeps the key pool in DIR
// instead, so repeated runs skip RSA key generation). Every engine/pipeline benchmark checks once, before
// timing, that its call answers TOTAL_PASSED (or returns 1), and is skipped
// with an error otherwise, so a failure path is never measured by mistake.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/file_io.h"
#include "benchmark/benchmark.h"
#include "conformance/json.h"
#include "jpki/jst_date.h"
#include "jpki/lifecycle_rules.h"
#include "tools/jpki_sim/world.h"
#include "verify/challenge_store.h"
#include "verify/cms_signed_data.h"
#include "verify/engine.h"
#include "verify/rsa_ifma.h"
#include "verify/rsa_pkcs1.h"
#include "verify/signature.h"
#include "verify/trust_store.h"
#include "verify/verdict.h"

namespace kensho {
namespace {

using conformance::JsonValue;

std::string ReadFile(const std::string& path) {
  absl::StatusOr<std::string> data = ReadFileBounded(path);
  return data.ok() ? *std::move(data) : std::string();
}

std::string Str(const JsonValue& v, const char* key) {
  const JsonValue* f = v.Find(key);
  return f != nullptr ? f->text() : "";
}

jpki::IntendedUse UseFromManifest(const std::string& usage) {
  if (usage == "USAGE_DOCUMENT_SIGNING") return jpki::IntendedUse::kDocumentSigning;
  if (usage == "USAGE_AUTHENTICATION") return jpki::IntendedUse::kAuthentication;
  return jpki::IntendedUse::kAny;
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  char buf[256] = {0};
  if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

// Everything the benchmarks share; built once, lazily, thread-safely.
struct Fixture {
  absl::Status status;  // not OK: every benchmark skips with this message
  std::string dir;
  absl::Time now;

  std::string cms;            // good attached signed document
  std::vector<std::string> all_cms;  // every good attached signed document of the world
  std::string cms_id;
  std::string cert_der;       // good certificate item
  std::string cert_id;
  jpki::IntendedUse cert_use = jpki::IntendedUse::kAny;
  std::string cert_profile;
  std::string sign_bundle;    // path of trust/jpki-sign.pem

  std::shared_ptr<const verify::TrustStore> trust;
  std::unique_ptr<verify::Engine> warm_engine;
  std::unique_ptr<verify::Engine> nocache_engine;
  verify::VerifyOptions options;

  // Bare RSA: a public-only RSA-2048 key, a 32-byte digest, its signature.
  EVP_PKEY* rsa_public = nullptr;
  std::string digest;
  std::string rsa_signature;

  // The OpenSSL pipeline's store: the jpki-sign bundle, time = world now.
  X509_STORE* store = nullptr;
};

absl::Status Build(Fixture* f) {
  char tmpl[] = "/tmp/kensho_verify_bench.XXXXXX";
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern = base != nullptr ? absl::StrCat(base, "/kensho_verify_bench.XXXXXX") : tmpl;
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return absl::InternalError("mkdtemp failed");
  f->dir = buf.data();

  f->now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  sim::WorldOptions wo;
  wo.out_dir = f->dir;
  wo.people = 30;
  wo.key_pool_size = 8;
  wo.seed = 3;
  wo.now = f->now;
  // Optional persistent key pool (e.g. for profiling under valgrind, where
  // generating RSA keys is slow); by default the pool lives in the world.
  if (const char* pool = std::getenv("KENSHO_BENCH_KEY_POOL"); pool != nullptr && *pool) {
    wo.key_pool_dir = pool;
  }
  if (absl::Status s = sim::GenerateWorld(wo); !s.ok()) return s;

  auto manifest = conformance::ParseJson(ReadFile(f->dir + "/manifest.json"));
  if (!manifest.ok()) return manifest.status();
  const JsonValue* items = manifest->Find("items");
  if (items == nullptr) return absl::NotFoundError("manifest has no items");
  std::string key_path;
  for (const JsonValue& item : items->elements()) {
    const std::string type = Str(item, "type");
    const std::string variant = Str(item, "variant");
    const JsonValue* files = item.Find("files");
    if (files == nullptr || variant != "good") continue;
    if (type == "signed_document" && files->Find("content") == nullptr) {
      f->all_cms.push_back(ReadFile(f->dir + "/" + Str(*files, "cms")));
      if (f->cms.empty()) {  // the first one is the single-document benchmarks' document
        f->cms = f->all_cms.back();
        f->cms_id = Str(item, "id");
        key_path = f->dir + "/" + Str(*files, "key");
      }
    }
    if (f->cert_der.empty() && type == "certificate" && Str(item, "trust_profile") == "jpki-sign") {
      f->cert_der = ReadFile(f->dir + "/" + Str(*files, "certificate"));
      f->cert_id = Str(item, "id");
      f->cert_use = UseFromManifest(Str(item, "usage"));
      f->cert_profile = Str(item, "trust_profile");
    }
  }
  if (f->cms.empty()) return absl::NotFoundError("no good attached signed_document item");
  if (f->cert_der.empty()) return absl::NotFoundError("no good jpki-sign certificate item");

  const JsonValue* trust = manifest->Find("trust");
  if (trust == nullptr) return absl::NotFoundError("manifest has no trust");
  f->sign_bundle = f->dir + "/" + Str(*trust, "jpki-sign");
  std::vector<verify::TrustProfileSpec> specs(2);
  specs[0].name = "jpki-sign";
  specs[0].anchor_files = {f->sign_bundle};
  specs[1].name = "jpki-auth";
  specs[1].anchor_files = {f->dir + "/" + Str(*trust, "jpki-auth")};
  auto store = verify::TrustStore::Create(specs);
  if (!store.ok()) return store.status();
  f->trust = *store;

  f->options.validation_time = f->now;
  f->warm_engine = std::make_unique<verify::Engine>(f->trust, verify::EngineOptions{});
  verify::EngineOptions nocache;
  nocache.certificate_cache_capacity = 0;
  nocache.path_cache_capacity = 0;
  f->nocache_engine = std::make_unique<verify::Engine>(f->trust, nocache);

  // Bare RSA material: sign a fixed digest with the document's pool key,
  // keep only the public half (as a certificate would give it).
  {
    std::string pem = ReadFile(key_path);
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* priv = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (priv == nullptr) return absl::InternalError(absl::StrCat("key ", key_path, ": ", OpenSslError()));
    if (EVP_PKEY_get_bits(priv) != 2048) {
      EVP_PKEY_free(priv);
      return absl::InternalError("pool key is not RSA-2048");
    }
    f->digest.assign(32, '\0');
    for (int i = 0; i < 32; ++i) f->digest[i] = static_cast<char>(i * 7 + 1);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, priv, nullptr);
    size_t len = 0;
    bool ok = ctx != nullptr && EVP_PKEY_sign_init(ctx) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
              EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) == 1 &&
              EVP_PKEY_sign(ctx, nullptr, &len,
                            reinterpret_cast<const unsigned char*>(f->digest.data()), 32) == 1;
    if (ok) {
      f->rsa_signature.resize(len);
      ok = EVP_PKEY_sign(ctx, reinterpret_cast<unsigned char*>(f->rsa_signature.data()), &len,
                         reinterpret_cast<const unsigned char*>(f->digest.data()), 32) == 1;
      f->rsa_signature.resize(len);
    }
    EVP_PKEY_CTX_free(ctx);
    unsigned char* spki = nullptr;
    int spki_len = ok ? i2d_PUBKEY(priv, &spki) : 0;
    EVP_PKEY_free(priv);
    if (!ok || spki_len <= 0) return absl::InternalError(absl::StrCat("RSA sign: ", OpenSslError()));
    const unsigned char* p = spki;
    f->rsa_public = d2i_PUBKEY(nullptr, &p, spki_len);
    OPENSSL_free(spki);
    if (f->rsa_public == nullptr) return absl::InternalError("d2i_PUBKEY failed");
  }

  // The pipeline's X509_STORE, built once.
  f->store = X509_STORE_new();
  if (f->store == nullptr || X509_STORE_load_file(f->store, f->sign_bundle.c_str()) != 1) {
    return absl::InternalError(absl::StrCat("X509_STORE_load_file: ", OpenSslError()));
  }
  X509_VERIFY_PARAM* param = X509_STORE_get0_param(f->store);
  X509_VERIFY_PARAM_set_time(param, absl::ToTimeT(f->now));  // sets X509_V_FLAG_USE_CHECK_TIME
  return absl::OkStatus();
}

Fixture& Get() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    fx->status = Build(fx);
    if (!fx->dir.empty()) {
      static std::string dir = fx->dir;
      std::atexit([] {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
      });
    }
    if (fx->status.ok()) {
      std::fprintf(stderr, "verify_benchmark: world %s (now %s), document %s (%zu bytes), "
                   "certificate %s (%zu bytes)\n",
                   fx->dir.c_str(), absl::FormatTime(absl::RFC3339_full, fx->now,
                                                     absl::UTCTimeZone()).c_str(),
                   fx->cms_id.c_str(), fx->cms.size(), fx->cert_id.c_str(), fx->cert_der.size());
    }
    return fx;
  }();
  return *f;
}

// Returns false (after SkipWithError) when the fixture is unusable.
bool Ready(benchmark::State& state) {
  Fixture& f = Get();
  if (!f.status.ok()) {
    state.SkipWithError(std::string(f.status.message()).c_str());
    return false;
  }
  return true;
}

// Skips the benchmark unless `v` is an OK TOTAL_PASSED verdict.
bool Passed(benchmark::State& state, const absl::StatusOr<verify::Verdict>& v, const char* what) {
  if (!v.ok()) {
    state.SkipWithError(absl::StrCat(what, ": ", v.status().ToString()).c_str());
    return false;
  }
  if (v->indication != verify::Indication::kTotalPassed) {
    state.SkipWithError(absl::StrCat(what, ": not TOTAL_PASSED: ", v->summary).c_str());
    return false;
  }
  return true;
}

// The engine's RSA path, alone: EVP_PKEY_verify with a fresh EVP_PKEY_CTX.
int RsaVerify(EVP_PKEY* key, const std::string& digest, const std::string& sig) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
  int rc = ctx != nullptr && EVP_PKEY_verify_init(ctx) == 1 &&
                   EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
                   EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) == 1
               ? EVP_PKEY_verify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                                 reinterpret_cast<const unsigned char*>(digest.data()),
                                 digest.size())
               : 0;
  EVP_PKEY_CTX_free(ctx);
  return rc;
}

void BM_RsaVerifyBare(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  if (RsaVerify(f.rsa_public, f.digest, f.rsa_signature) != 1) {
    state.SkipWithError("RSA verify did not return 1");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(RsaVerify(f.rsa_public, f.digest, f.rsa_signature));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RsaVerifyBare);
BENCHMARK(BM_RsaVerifyBare)->Threads(2)->UseRealTime();

// kensho's own RSA PKCS#1 v1.5 verifier (verify/rsa_pkcs1.h), as the engine
// uses it: prepared once per key and thread. Its label says which arithmetic
// served: "ifma" (rsa_ifma.h) or "openssl" (BN_mod_exp_mont; no IFMA, or
// KENSHO_RSA_IFMA=0).
void BM_RsaVerifyKensho(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  auto v = verify::RsaPkcs1Verifier::Make(f.rsa_public, EVP_sha256());
  if (v == nullptr || !v->Verify(f.digest, f.rsa_signature)) {
    state.SkipWithError("kensho's RSA verifier did not accept the signature");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(v->Verify(f.digest, f.rsa_signature));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(v->uses_ifma() ? "ifma" : "openssl");
}
BENCHMARK(BM_RsaVerifyKensho);

// The public-key operation alone, s^65537 mod n, in each arithmetic.
// PublicNumbers: the fixture key's n and e, freed at the end of the scope.
struct PublicNumbers {
  explicit PublicNumbers(EVP_PKEY* key) {
    EVP_PKEY_get_bn_param(key, "n", &n);
    EVP_PKEY_get_bn_param(key, "e", &e);
  }
  ~PublicNumbers() {
    BN_free(e);
    BN_free(n);
  }
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
};

void BM_Part_RsaPublicOpIfma(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  const PublicNumbers key(f.rsa_public);
  auto m = verify::IfmaModExp::Make(key.n, key.e);
  const size_t len = static_cast<size_t>(BN_num_bytes(key.n));
  if (m == nullptr || len != f.rsa_signature.size()) {
    state.SkipWithError("no AVX-512 IFMA here (or KENSHO_RSA_IFMA=0)");
    return;
  }
  const auto* sig = reinterpret_cast<const unsigned char*>(f.rsa_signature.data());
  unsigned char out[256];
  for (auto _ : state) {
    m->Compute(sig, len, out);
    benchmark::DoNotOptimize(out[0]);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Part_RsaPublicOpIfma);
BENCHMARK(BM_Part_RsaPublicOpIfma)->Threads(2)->UseRealTime();

void BM_Part_RsaPublicOpBnMont(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  const PublicNumbers key(f.rsa_public);
  BN_CTX* ctx = BN_CTX_new();
  BN_MONT_CTX* mont = BN_MONT_CTX_new();
  BN_MONT_CTX_set(mont, key.n, ctx);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(f.rsa_signature.data()),
                        static_cast<int>(f.rsa_signature.size()), nullptr);
  BIGNUM* r = BN_new();
  for (auto _ : state) {
    benchmark::DoNotOptimize(BN_mod_exp_mont(r, s, key.e, key.n, ctx, mont));
  }
  state.SetItemsProcessed(state.iterations());
  BN_free(r);
  BN_free(s);
  BN_MONT_CTX_free(mont);
  BN_CTX_free(ctx);
}
BENCHMARK(BM_Part_RsaPublicOpBnMont);
BENCHMARK(BM_Part_RsaPublicOpBnMont)->Threads(2)->UseRealTime();

void BM_CertificateParseCold(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  for (auto _ : state) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(f.cert_der.data());
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(f.cert_der.size()));
    if (x == nullptr) {
      state.SkipWithError("d2i_X509 failed");
      break;
    }
    X509_free(x);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CertificateParseCold);

// ECDSA P-256 / SHA-256 verify of a fixed message with a key made here: the
// other algorithm kensho accepts, next to the RSA unit.
void BM_EcdsaP256VerifyBare(benchmark::State& state) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) {
    state.SkipWithError("EC key generation failed");
    return;
  }
  const std::string message(32, 'm');
  std::string sig(128, '\0');
  size_t sig_len = sig.size();
  EVP_MD_CTX* sctx = EVP_MD_CTX_new();
  EVP_DigestSignInit(sctx, nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(sctx, reinterpret_cast<unsigned char*>(sig.data()), &sig_len,
                 reinterpret_cast<const unsigned char*>(message.data()), message.size());
  EVP_MD_CTX_free(sctx);
  sig.resize(sig_len);
  auto check = verify::VerifyMessage(key, verify::SignatureAlgorithm::kEcdsaP256Sha256, message,
                                     sig);
  if (!check.valid()) {
    state.SkipWithError("ECDSA verify failed");
    EVP_PKEY_free(key);
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        verify::VerifyMessage(key, verify::SignatureAlgorithm::kEcdsaP256Sha256, message, sig));
  }
  state.SetItemsProcessed(state.iterations());
  EVP_PKEY_free(key);
}
BENCHMARK(BM_EcdsaP256VerifyBare);

// Path validation without the path cache (parse cache on): chain building and
// the root's signature check every time.
void BM_EngineValidateCertificateUncachedPath(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  static verify::Engine* engine = [&] {
    verify::EngineOptions o;
    o.path_cache_capacity = 0;
    return new verify::Engine(f.trust, o);
  }();
  const std::vector<absl::string_view> none;
  if (!Passed(state, engine->ValidateCertificate(f.cert_der, none, f.cert_use, f.options),
              "ValidateCertificate (no path cache)")) {
    return;
  }
  for (auto _ : state) {
    auto v = engine->ValidateCertificate(f.cert_der, none, f.cert_use, f.options);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EngineValidateCertificateUncachedPath);

// Login step 1 + the nonce's consumption in step 2 (the challenge store only).
void BM_ChallengeIssueAndConsume(benchmark::State& state) {
  verify::InMemoryChallengeStore store(absl::Minutes(5), 1000000);
  absl::Time now = absl::Now();
  for (auto _ : state) {
    auto c = store.Issue(now);
    if (!c.ok()) {
      state.SkipWithError("issue failed");
      break;
    }
    benchmark::DoNotOptimize(store.Consume(c->nonce, now));
    now += absl::Microseconds(1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ChallengeIssueAndConsume);

void BM_EngineValidateCertificateWarm(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  const std::vector<absl::string_view> none;
  if (!Passed(state, f.warm_engine->ValidateCertificate(f.cert_der, none, f.cert_use, f.options),
              "ValidateCertificate")) {
    return;
  }
  for (auto _ : state) {
    auto v = f.warm_engine->ValidateCertificate(f.cert_der, none, f.cert_use, f.options);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EngineValidateCertificateWarm);

void BM_EngineVerifyCmsWarm(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  if (!Passed(state, f.warm_engine->VerifySignedDocument(f.cms, "", f.options),
              "VerifySignedDocument")) {
    return;
  }
  for (auto _ : state) {
    auto v = f.warm_engine->VerifySignedDocument(f.cms, "", f.options);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EngineVerifyCmsWarm);
BENCHMARK(BM_EngineVerifyCmsWarm)->Threads(2)->UseRealTime();

// The same, warm, but over every good document of the world in turn (its
// signers' certificates, paths and keys), as a server sees them: the
// one-document figure above keeps everything in the core's own caches.
void BM_EngineVerifyCmsWarmWorld(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  for (const std::string& cms : f.all_cms) {
    if (!Passed(state, f.warm_engine->VerifySignedDocument(cms, "", f.options),
                "VerifySignedDocument (world)")) {
      return;
    }
  }
  size_t i = 0;
  for (auto _ : state) {
    auto v = f.warm_engine->VerifySignedDocument(f.all_cms[i], "", f.options);
    benchmark::DoNotOptimize(v);
    if (++i == f.all_cms.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(absl::StrCat(f.all_cms.size(), " documents"));
}
BENCHMARK(BM_EngineVerifyCmsWarmWorld);

// Cache capacity 0 for both the certificate and the path cache: every call
// parses the embedded certificate and validates the path.
void BM_EngineVerifyCmsColdCaches(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  if (!Passed(state, f.nocache_engine->VerifySignedDocument(f.cms, "", f.options),
              "VerifySignedDocument (no caches)")) {
    return;
  }
  for (auto _ : state) {
    auto v = f.nocache_engine->VerifySignedDocument(f.cms, "", f.options);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EngineVerifyCmsColdCaches);

// The straightforward pipeline per document: parse, CMS_verify against the
// jpki-sign store (built once), time = world now.
int PipelineCms(const Fixture& f) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(f.cms.data());
  CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(f.cms.size()));
  if (cms == nullptr) return 0;
  BIO* out = BIO_new(BIO_s_mem());
  int rc = CMS_verify(cms, nullptr, f.store, nullptr, out, CMS_BINARY);
  BIO_free(out);
  CMS_ContentInfo_free(cms);
  return rc;
}

void BM_OpenSslPipelineCms(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  if (PipelineCms(f) != 1) {
    state.SkipWithError(absl::StrCat("CMS_verify did not return 1: ", OpenSslError()).c_str());
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(PipelineCms(f));
  }
  ERR_clear_error();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OpenSslPipelineCms);

// d2i_X509 + X509_STORE_CTX + X509_verify_cert per certificate.
int PipelineCertificate(const Fixture& f, int* verify_error = nullptr) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(f.cert_der.data());
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(f.cert_der.size()));
  if (x == nullptr) return 0;
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  int rc = ctx != nullptr && X509_STORE_CTX_init(ctx, f.store, x, nullptr) == 1
               ? X509_verify_cert(ctx)
               : 0;
  if (verify_error != nullptr && ctx != nullptr) *verify_error = X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_free(x);
  return rc;
}

void BM_OpenSslPipelineCertificate(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  int err = 0;
  if (PipelineCertificate(f, &err) != 1) {
    state.SkipWithError(absl::StrCat("X509_verify_cert did not return 1: ",
                                     X509_verify_cert_error_string(err)).c_str());
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(PipelineCertificate(f));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OpenSslPipelineCertificate);

// --- Attribution: pieces of the warm CMS path, measured alone, so the gap
// between BM_EngineVerifyCmsWarm and BM_RsaVerifyBare can be explained
// natively (callgrind cannot: valgrind hides SHA-NI, so it overstates SHA).

// CertificateCache::Get's key: the one-shot SHA256() (OpenSSL 3.0 fetches
// the implementation on every call).
void BM_Part_Sha256CertDerOneShot(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  unsigned char out[32];
  for (auto _ : state) {
    SHA256(reinterpret_cast<const unsigned char*>(f.cert_der.data()), f.cert_der.size(), out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_Part_Sha256CertDerOneShot);

// The same with an EVP_MD fetched once.
void BM_Part_Sha256CertDerPrefetched(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  unsigned char out[32];
  unsigned int len = 0;
  for (auto _ : state) {
    EVP_Digest(f.cert_der.data(), f.cert_der.size(), out, &len, md, nullptr);
    benchmark::DoNotOptimize(out);
  }
  EVP_MD_free(md);
}
BENCHMARK(BM_Part_Sha256CertDerPrefetched);

// jpki::JstTimeZone() builds absl::FixedTimeZone(+9h) per call (cctz looks
// the zone up by name under a mutex); the warm path calls it ~7 times.
void BM_Part_JstTimeZoneBuild(benchmark::State& state) {
  for (auto _ : state) {
    absl::TimeZone tz = jpki::JstTimeZone();
    benchmark::DoNotOptimize(tz);
  }
}
BENCHMARK(BM_Part_JstTimeZoneBuild);

void BM_Part_JpkiSummarize(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  const absl::Time not_after = f.now + absl::Hours(24 * 365 * 3);
  for (auto _ : state) {
    auto s = jpki::Summarize(not_after, f.now);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_Part_JpkiSummarize);

void BM_Part_ParseSignedData(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  if (!verify::ParseSignedData(f.cms).ok()) {
    state.SkipWithError("ParseSignedData failed");
    return;
  }
  for (auto _ : state) {
    auto v = verify::ParseSignedData(f.cms);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_Part_ParseSignedData);

// The engine parses signatureAlgorithm and digestAlgorithm with
// d2i_X509_ALGOR on every call (sha256WithRSAEncryption, sha256; NULL params).
void BM_Part_D2iAlgorTwice(benchmark::State& state) {
  static const unsigned char kSig[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                       0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
  static const unsigned char kDig[] = {0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                       0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00};
  for (auto _ : state) {
    const unsigned char* p = kSig;
    X509_ALGOR* a = d2i_X509_ALGOR(nullptr, &p, sizeof kSig);
    p = kDig;
    X509_ALGOR* b = d2i_X509_ALGOR(nullptr, &p, sizeof kDig);
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    X509_ALGOR_free(a);
    X509_ALGOR_free(b);
  }
}
BENCHMARK(BM_Part_D2iAlgorTwice);

// The per-call EVP_PKEY_CTX set-up that BM_RsaVerifyBare (and the engine)
// pays on top of the modular exponentiation: new + verify_init + padding +
// signature md + free, no verify.
void BM_Part_RsaCtxSetupOnly(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  for (auto _ : state) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, f.rsa_public, nullptr);
    int ok = EVP_PKEY_verify_init(ctx) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
             EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) == 1;
    benchmark::DoNotOptimize(ok);
    EVP_PKEY_CTX_free(ctx);
  }
}
BENCHMARK(BM_Part_RsaCtxSetupOnly);

// The same verify with a context initialised once and reused (a context is
// not thread-safe: an engine would keep one per thread or dup a prototype).
void BM_Part_RsaVerifyReusedCtx(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, f.rsa_public, nullptr);
  if (ctx == nullptr || EVP_PKEY_verify_init(ctx) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1) {
    state.SkipWithError("ctx set-up failed");
    EVP_PKEY_CTX_free(ctx);
    return;
  }
  const auto* sig = reinterpret_cast<const unsigned char*>(f.rsa_signature.data());
  const auto* dig = reinterpret_cast<const unsigned char*>(f.digest.data());
  if (EVP_PKEY_verify(ctx, sig, f.rsa_signature.size(), dig, f.digest.size()) != 1) {
    state.SkipWithError("verify with a reused ctx did not return 1");
    EVP_PKEY_CTX_free(ctx);
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        EVP_PKEY_verify(ctx, sig, f.rsa_signature.size(), dig, f.digest.size()));
  }
  EVP_PKEY_CTX_free(ctx);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Part_RsaVerifyReusedCtx);

// EVP_PKEY_CTX_dup of an initialised prototype, then verify (thread-safe if
// the prototype is only read).
void BM_Part_RsaVerifyDupCtx(benchmark::State& state) {
  if (!Ready(state)) return;
  Fixture& f = Get();
  EVP_PKEY_CTX* proto = EVP_PKEY_CTX_new_from_pkey(nullptr, f.rsa_public, nullptr);
  if (proto == nullptr || EVP_PKEY_verify_init(proto) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(proto, RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(proto, EVP_sha256()) != 1) {
    state.SkipWithError("ctx set-up failed");
    EVP_PKEY_CTX_free(proto);
    return;
  }
  const auto* sig = reinterpret_cast<const unsigned char*>(f.rsa_signature.data());
  const auto* dig = reinterpret_cast<const unsigned char*>(f.digest.data());
  for (auto _ : state) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_dup(proto);
    int rc = ctx != nullptr
                 ? EVP_PKEY_verify(ctx, sig, f.rsa_signature.size(), dig, f.digest.size())
                 : 0;
    if (rc != 1) {
      state.SkipWithError("verify with a dup'ed ctx did not return 1");
      EVP_PKEY_CTX_free(ctx);
      break;
    }
    EVP_PKEY_CTX_free(ctx);
  }
  EVP_PKEY_CTX_free(proto);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Part_RsaVerifyDupCtx);

}  // namespace
}  // namespace kensho
