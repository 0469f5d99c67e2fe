#include "verify/signature.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "verify/rsa_pkcs1.h"

namespace kensho::verify {
namespace {

enum class Scheme { kPkcs1, kPss, kEcdsa };

struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;

struct PssParamsDeleter {
  void operator()(RSA_PSS_PARAMS* p) const { RSA_PSS_PARAMS_free(p); }
};
struct AlgorDeleter {
  void operator()(X509_ALGOR* a) const { X509_ALGOR_free(a); }
};

// Leaves OpenSSL's per-thread error queue as the caller had it: whatever a
// failed verify pushes is read for the detail, then dropped.
class ErrorQueueScope {
 public:
  ErrorQueueScope() { ERR_set_mark(); }
  ~ErrorQueueScope() { ERR_pop_to_mark(); }
  ErrorQueueScope(const ErrorQueueScope&) = delete;
  ErrorQueueScope& operator=(const ErrorQueueScope&) = delete;
};

std::string OpenSslReason() {
  unsigned long err = ERR_peek_last_error();
  if (err == 0) return "";
  const char* reason = ERR_reason_error_string(err);
  return reason == nullptr ? absl::StrCat(" (openssl error ", err, ")")
                           : absl::StrCat(" (", reason, ")");
}

// Fetched once, immutable afterwards, never freed: explicit fetches avoid
// OpenSSL 3.0's implicit per-call fetch for EVP_sha256() and friends.
const EVP_MD* FetchOr(const char* name, const EVP_MD* fallback) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  return md != nullptr ? md : fallback;
}
const EVP_MD* Sha256() {
  static const EVP_MD* const md = FetchOr("SHA2-256", EVP_sha256());
  return md;
}
const EVP_MD* Sha384() {
  static const EVP_MD* const md = FetchOr("SHA2-384", EVP_sha384());
  return md;
}
const EVP_MD* Sha512() {
  static const EVP_MD* const md = FetchOr("SHA2-512", EVP_sha512());
  return md;
}

const EVP_MD* ShaByNid(int nid) {
  switch (nid) {
    case NID_sha256: return Sha256();
    case NID_sha384: return Sha384();
    case NID_sha512: return Sha512();
    default: return nullptr;
  }
}

// The SHA-2 family members kensho accepts, by the MD's NID; 0 otherwise.
int AcceptedShaNid(const EVP_MD* md) {
  if (md == nullptr) return 0;
  int nid = EVP_MD_get_type(md);
  return ShaByNid(nid) != nullptr ? nid : 0;
}

struct Params {
  Scheme scheme;
  const EVP_MD* md;
  const EVP_MD* mgf1;  // PSS only.
  int salt_len;        // PSS only.
  int curve_nid;       // ECDSA only.
};

Params ParamsOf(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::kRsaPkcs1Sha256: return {Scheme::kPkcs1, Sha256(), nullptr, 0, 0};
    case SignatureAlgorithm::kRsaPkcs1Sha384: return {Scheme::kPkcs1, Sha384(), nullptr, 0, 0};
    case SignatureAlgorithm::kRsaPkcs1Sha512: return {Scheme::kPkcs1, Sha512(), nullptr, 0, 0};
    case SignatureAlgorithm::kRsaPssSha256: return {Scheme::kPss, Sha256(), Sha256(), 32, 0};
    case SignatureAlgorithm::kRsaPssSha384: return {Scheme::kPss, Sha384(), Sha384(), 48, 0};
    case SignatureAlgorithm::kRsaPssSha512: return {Scheme::kPss, Sha512(), Sha512(), 64, 0};
    case SignatureAlgorithm::kEcdsaP256Sha256:
      return {Scheme::kEcdsa, Sha256(), nullptr, 0, NID_X9_62_prime256v1};
    case SignatureAlgorithm::kEcdsaP384Sha384:
      return {Scheme::kEcdsa, Sha384(), nullptr, 0, NID_secp384r1};
  }
  // Out-of-range enum value: the caller's bug. A scheme that matches no key
  // makes every verify fail closed.
  return {Scheme::kEcdsa, Sha256(), nullptr, 0, NID_undef};
}

SignatureCheck Fail(SignatureResult result, std::string detail) {
  return SignatureCheck{result, std::move(detail)};
}

const char* KeyTypeName(EVP_PKEY* key) {
  const char* name = EVP_PKEY_get0_type_name(key);
  return name != nullptr ? name : "unknown";
}

// kValid when `key` can verify `params` under `limits`.
SignatureCheck CheckKey(EVP_PKEY* key, const Params& params, const SignatureLimits& limits) {
  if (key == nullptr) return Fail(SignatureResult::kKeyMismatch, "no public key");
  switch (params.scheme) {
    case Scheme::kPkcs1:
    case Scheme::kPss: {
      bool rsa = EVP_PKEY_is_a(key, "RSA");
      bool rsa_pss = EVP_PKEY_is_a(key, "RSA-PSS");
      if (params.scheme == Scheme::kPkcs1 && rsa_pss) {
        return Fail(SignatureResult::kKeyMismatch,
                    "an RSASSA-PSS key cannot verify RSA PKCS#1 v1.5 signatures");
      }
      if (!rsa && !rsa_pss) {
        return Fail(SignatureResult::kKeyMismatch,
                    absl::StrCat("RSA signature algorithm with a ", KeyTypeName(key), " key"));
      }
      int bits = EVP_PKEY_get_bits(key);
      if (bits < limits.min_rsa_bits) {
        return Fail(SignatureResult::kWeakKey, absl::StrCat("RSA key of ", bits,
                                                            " bits, at least ",
                                                            limits.min_rsa_bits, " required"));
      }
      return {SignatureResult::kValid, ""};
    }
    case Scheme::kEcdsa: {
      if (!EVP_PKEY_is_a(key, "EC")) {
        return Fail(SignatureResult::kKeyMismatch,
                    absl::StrCat("ECDSA signature algorithm with a ", KeyTypeName(key), " key"));
      }
      char group[64];
      size_t group_len = 0;
      ErrorQueueScope errors;
      if (EVP_PKEY_get_group_name(key, group, sizeof(group), &group_len) != 1) {
        return Fail(SignatureResult::kKeyMismatch,
                    "EC key without a named curve (explicit parameters are refused)");
      }
      int nid = OBJ_sn2nid(group);
      if (nid == NID_undef) nid = EC_curve_nist2nid(group);
      if (nid != params.curve_nid) {
        const char* want = OBJ_nid2sn(params.curve_nid);
        return Fail(SignatureResult::kKeyMismatch,
                    absl::StrCat("EC key on ", group, ", algorithm needs ",
                                 want != nullptr ? want : "another curve"));
      }
      return {SignatureResult::kValid, ""};
    }
  }
  return Fail(SignatureResult::kKeyMismatch, "unknown signature scheme");
}

SignatureCheck CheckSignatureSize(absl::string_view signature) {
  if (signature.empty()) return Fail(SignatureResult::kInvalid, "empty signature");
  if (signature.size() > kMaxSignatureBytes) {
    return Fail(SignatureResult::kInvalid,
                absl::StrCat("signature of ", signature.size(), " bytes exceeds ",
                             kMaxSignatureBytes));
  }
  return {SignatureResult::kValid, ""};
}

// Prepared verification contexts, per thread, for the keys seen lately.
// Setting one up costs ~2.7 µs (OpenSSL 3 provider look-ups), an RSA-2048
// verify ~16 µs, and a verifier sees the same cached certificate keys over
// and over: a busy server sees hundreds of signers, so the table is sized
// for them (a context is ~1 KB). A context holds a reference to its key, so
// a key's address cannot be reused while its context is cached. Bounded:
// cleared when full.
// What a thread keeps for one key: the EVP context, and for plain RSA
// PKCS#1 v1.5 keys the faster direct verifier (rsa_pkcs1.h).
struct Prepared {
  EVP_PKEY_CTX* ctx = nullptr;
  std::unique_ptr<RsaPkcs1Verifier> rsa;
};

class PreparedContexts {
 public:
  ~PreparedContexts() { Clear(); }
  Prepared* Find(EVP_PKEY* key, const Params& p, const SignatureLimits& limits) {
    auto it = entries_.find(KeyOf(key, p, limits));
    return it == entries_.end() ? nullptr : &it->second;
  }
  Prepared* Add(EVP_PKEY* key, const Params& p, const SignatureLimits& limits, Prepared prepared) {
    if (entries_.size() >= kMaxEntries) Clear();
    return &entries_.emplace(KeyOf(key, p, limits), std::move(prepared)).first->second;
  }
  void Remove(EVP_PKEY* key, const Params& p, const SignatureLimits& limits) {
    auto it = entries_.find(KeyOf(key, p, limits));
    if (it == entries_.end()) return;
    EVP_PKEY_CTX_free(it->second.ctx);
    entries_.erase(it);
  }

 private:
  static constexpr size_t kMaxEntries = 1024;
  // The limits are part of the key: an entry stands for "this key passed
  // CheckKey under these limits".
  struct Key {
    EVP_PKEY* key;
    Scheme scheme;
    const EVP_MD* md;
    const EVP_MD* mgf1;
    int salt_len;
    int min_rsa_bits;
    bool operator==(const Key& o) const {
      return key == o.key && scheme == o.scheme && md == o.md && mgf1 == o.mgf1 &&
             salt_len == o.salt_len && min_rsa_bits == o.min_rsa_bits;
    }
    template <typename H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.key, static_cast<int>(k.scheme), k.md, k.mgf1, k.salt_len,
                        k.min_rsa_bits);
    }
  };
  static Key KeyOf(EVP_PKEY* key, const Params& p, const SignatureLimits& limits) {
    return Key{key, p.scheme, p.md, p.mgf1, p.salt_len, limits.min_rsa_bits};
  }
  void Clear() {
    for (auto& [key, prepared] : entries_) EVP_PKEY_CTX_free(prepared.ctx);
    entries_.clear();
  }
  absl::flat_hash_map<Key, Prepared> entries_;
};

PreparedContexts& ThreadContexts() {
  thread_local PreparedContexts prepared;
  return prepared;
}

// A context for `key` with `params` set, owned by the caller.
absl::StatusOr<EVP_PKEY_CTX*> NewContext(EVP_PKEY* key, const Params& params) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (ctx == nullptr || EVP_PKEY_verify_init(ctx.get()) != 1) {
    return absl::InternalError(absl::StrCat("cannot set up verification", OpenSslReason()));
  }
  bool ok = true;
  switch (params.scheme) {
    case Scheme::kPkcs1:
      ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1 &&
           EVP_PKEY_CTX_set_signature_md(ctx.get(), params.md) == 1;
      break;
    case Scheme::kPss:
      ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_signature_md(ctx.get(), params.md) == 1 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), params.mgf1) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), params.salt_len) == 1;
      break;
    case Scheme::kEcdsa:
      ok = EVP_PKEY_CTX_set_signature_md(ctx.get(), params.md) == 1;
      break;
  }
  if (!ok) {
    // E.g. an RSASSA-PSS key whose parameters forbid this hash or salt length.
    return absl::FailedPreconditionError(absl::StrCat(
        "the key does not allow these signature parameters", OpenSslReason()));
  }
  return ctx.release();
}

// The prepared context for `key`, `params` and `limits`: from this thread's
// table, or made now after CheckKey (so a key seen before is not checked
// again: the type and size look-ups cost ~0.3 µs). Null with *failure set
// when the key cannot verify these signatures.
Prepared* PreparedContext(EVP_PKEY* key, const Params& params, const SignatureLimits& limits,
                          SignatureCheck* failure) {
  PreparedContexts& prepared = ThreadContexts();
  if (key != nullptr) {
    if (Prepared* found = prepared.Find(key, params, limits)) return found;
  }
  *failure = CheckKey(key, params, limits);
  if (!failure->valid()) return nullptr;
  ErrorQueueScope errors;
  auto made = NewContext(key, params);
  if (!made.ok()) {
    *failure = Fail(made.status().code() == absl::StatusCode::kFailedPrecondition
                        ? SignatureResult::kKeyMismatch
                        : SignatureResult::kInvalid,
                    std::string(made.status().message()));
    return nullptr;
  }
  Prepared entry;
  entry.ctx = *made;
  if (params.scheme == Scheme::kPkcs1) entry.rsa = RsaPkcs1Verifier::Make(key, params.md);
  return prepared.Add(key, params, limits, std::move(entry));
}

// `prepared` is for key/params/limits; `digest` has md's length.
SignatureCheck VerifyPrepared(Prepared* prepared, EVP_PKEY* key, const Params& params,
                              const SignatureLimits& limits, absl::string_view digest,
                              absl::string_view signature) {
  if (prepared->rsa != nullptr) {
    if (prepared->rsa->Verify(digest, signature)) return {SignatureResult::kValid, ""};
    return Fail(SignatureResult::kInvalid, "signature does not verify");
  }
  ErrorQueueScope errors;
  int rc = EVP_PKEY_verify(prepared->ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                           signature.size(),
                           reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
  if (rc == 1) return {SignatureResult::kValid, ""};
  std::string reason = OpenSslReason();
  // Do not reuse a context that just failed: its state is not guaranteed.
  ThreadContexts().Remove(key, params, limits);
  return Fail(SignatureResult::kInvalid, absl::StrCat("signature does not verify", reason));
}

SignatureCheck Verify(EVP_PKEY* key, const Params& params, absl::string_view data,
                      bool prehashed, absl::string_view signature,
                      const SignatureLimits& limits) {
  SignatureCheck check;
  Prepared* prepared = PreparedContext(key, params, limits, &check);
  if (prepared == nullptr) return check;
  check = CheckSignatureSize(signature);
  if (!check.valid()) return check;
  const int md_len = EVP_MD_get_size(params.md);
  if (prehashed) {
    if (md_len <= 0 || data.size() != static_cast<size_t>(md_len)) {
      return Fail(SignatureResult::kInvalid,
                  absl::StrCat("digest of ", data.size(), " bytes, ", EVP_MD_get0_name(params.md),
                               " needs ", md_len));
    }
    return VerifyPrepared(prepared, key, params, limits, data, signature);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  {
    ErrorQueueScope errors;
    if (EVP_Digest(data.data(), data.size(), digest, &digest_len, params.md, nullptr) != 1) {
      return Fail(SignatureResult::kInvalid, absl::StrCat("hashing failed", OpenSslReason()));
    }
  }
  return VerifyPrepared(prepared, key, params, limits,
                        absl::string_view(reinterpret_cast<const char*>(digest), digest_len),
                        signature);
}

// ---- AlgorithmIdentifier mapping ----

bool ParamsAbsent(int ptype) { return ptype == V_ASN1_UNDEF; }
bool ParamsNullOrAbsent(int ptype) { return ptype == V_ASN1_UNDEF || ptype == V_ASN1_NULL; }

std::string NidName(int nid) {
  const char* ln = OBJ_nid2ln(nid);
  return ln != nullptr ? ln : absl::StrCat("nid ", nid);
}

// SHA-256/384/512 AlgorithmIdentifier, parameters NULL or absent -> NID.
absl::StatusOr<int> HashNidFromAlgor(const X509_ALGOR* algor, absl::string_view what) {
  if (algor == nullptr) return absl::InvalidArgumentError(absl::StrCat(what, " missing"));
  const ASN1_OBJECT* obj = nullptr;
  int ptype = V_ASN1_UNDEF;
  const void* pval = nullptr;
  X509_ALGOR_get0(&obj, &ptype, &pval, algor);
  int nid = OBJ_obj2nid(obj);
  if (ShaByNid(nid) == nullptr) {
    if (nid == NID_undef) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": unknown hash algorithm"));
    }
    return absl::UnimplementedError(
        absl::StrCat(what, ": hash ", NidName(nid), " is not accepted"));
  }
  if (!ParamsNullOrAbsent(ptype)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": ", NidName(nid), " parameters must be NULL or absent"));
  }
  return nid;
}

int IntegerOr(const ASN1_INTEGER* value, int64_t fallback, int64_t* out) {
  if (value == nullptr) {
    *out = fallback;
    return 1;
  }
  return ASN1_INTEGER_get_int64(out, value);
}

absl::StatusOr<SignatureAlgorithm> PssFromParams(int ptype, const void* pval) {
  if (ptype != V_ASN1_SEQUENCE || pval == nullptr) {
    return absl::InvalidArgumentError("RSASSA-PSS without RSASSA-PSS-params");
  }
  ErrorQueueScope errors;
  const ASN1_STRING* seq = static_cast<const ASN1_STRING*>(pval);
  const unsigned char* p = ASN1_STRING_get0_data(seq);
  const long len = ASN1_STRING_length(seq);
  const unsigned char* end = p + len;
  std::unique_ptr<RSA_PSS_PARAMS, PssParamsDeleter> pss(d2i_RSA_PSS_PARAMS(nullptr, &p, len));
  if (pss == nullptr || p != end) {
    return absl::InvalidArgumentError("malformed RSASSA-PSS-params");
  }
  // Defaults (RFC 4055): SHA-1, MGF1 with SHA-1, salt 20, trailer 1.
  if (pss->hashAlgorithm == nullptr) {
    return absl::UnimplementedError("RSASSA-PSS with SHA-1 (the default) is not accepted");
  }
  auto hash_nid = HashNidFromAlgor(pss->hashAlgorithm, "RSASSA-PSS hashAlgorithm");
  if (!hash_nid.ok()) return hash_nid.status();
  if (pss->maskGenAlgorithm == nullptr) {
    return absl::UnimplementedError("RSASSA-PSS with MGF1-SHA-1 (the default) is not accepted");
  }
  const ASN1_OBJECT* mgf_obj = nullptr;
  int mgf_ptype = V_ASN1_UNDEF;
  const void* mgf_pval = nullptr;
  X509_ALGOR_get0(&mgf_obj, &mgf_ptype, &mgf_pval, pss->maskGenAlgorithm);
  if (OBJ_obj2nid(mgf_obj) != NID_mgf1) {
    return absl::UnimplementedError("RSASSA-PSS mask generation other than MGF1");
  }
  if (mgf_ptype != V_ASN1_SEQUENCE || mgf_pval == nullptr) {
    return absl::InvalidArgumentError("RSASSA-PSS MGF1 without its hash");
  }
  const ASN1_STRING* mgf_seq = static_cast<const ASN1_STRING*>(mgf_pval);
  const unsigned char* q = ASN1_STRING_get0_data(mgf_seq);
  const long mgf_len = ASN1_STRING_length(mgf_seq);
  const unsigned char* mgf_end = q + mgf_len;
  std::unique_ptr<X509_ALGOR, AlgorDeleter> mgf_hash(d2i_X509_ALGOR(nullptr, &q, mgf_len));
  if (mgf_hash == nullptr || q != mgf_end) {
    return absl::InvalidArgumentError("malformed RSASSA-PSS MGF1 hash");
  }
  auto mgf_nid = HashNidFromAlgor(mgf_hash.get(), "RSASSA-PSS MGF1 hash");
  if (!mgf_nid.ok()) return mgf_nid.status();
  if (*mgf_nid != *hash_nid) {
    return absl::UnimplementedError(absl::StrCat("RSASSA-PSS with MGF1-", NidName(*mgf_nid),
                                                 " and hash ", NidName(*hash_nid)));
  }
  int64_t salt = 0;
  int64_t trailer = 0;
  if (IntegerOr(pss->saltLength, 20, &salt) != 1 ||
      IntegerOr(pss->trailerField, 1, &trailer) != 1) {
    return absl::InvalidArgumentError("malformed RSASSA-PSS saltLength or trailerField");
  }
  if (trailer != 1) return absl::InvalidArgumentError("RSASSA-PSS trailerField must be 1");
  const int hash_len = EVP_MD_get_size(ShaByNid(*hash_nid));
  if (salt != hash_len) {
    return absl::UnimplementedError(absl::StrCat("RSASSA-PSS salt length ", salt, " with ",
                                                 NidName(*hash_nid), ", only ", hash_len,
                                                 " is accepted"));
  }
  switch (*hash_nid) {
    case NID_sha256: return SignatureAlgorithm::kRsaPssSha256;
    case NID_sha384: return SignatureAlgorithm::kRsaPssSha384;
    default: return SignatureAlgorithm::kRsaPssSha512;
  }
}

int HashNidOf(SignatureAlgorithm alg) { return EVP_MD_get_type(SignatureHash(alg)); }

}  // namespace

absl::string_view SignatureResultName(SignatureResult result) {
  switch (result) {
    case SignatureResult::kValid: return "valid";
    case SignatureResult::kInvalid: return "invalid";
    case SignatureResult::kKeyMismatch: return "key-mismatch";
    case SignatureResult::kWeakKey: return "weak-key";
  }
  return "unknown";
}

const EVP_MD* SignatureHash(SignatureAlgorithm alg) { return ParamsOf(alg).md; }

absl::string_view SignatureAlgorithmName(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::kRsaPkcs1Sha256: return "rsa-pkcs1-sha256";
    case SignatureAlgorithm::kRsaPkcs1Sha384: return "rsa-pkcs1-sha384";
    case SignatureAlgorithm::kRsaPkcs1Sha512: return "rsa-pkcs1-sha512";
    case SignatureAlgorithm::kRsaPssSha256: return "rsa-pss-sha256";
    case SignatureAlgorithm::kRsaPssSha384: return "rsa-pss-sha384";
    case SignatureAlgorithm::kRsaPssSha512: return "rsa-pss-sha512";
    case SignatureAlgorithm::kEcdsaP256Sha256: return "ecdsa-p256-sha256";
    case SignatureAlgorithm::kEcdsaP384Sha384: return "ecdsa-p384-sha384";
  }
  return "unknown";
}

SignatureCheck VerifyMessage(EVP_PKEY* key, SignatureAlgorithm alg, absl::string_view message,
                             absl::string_view signature, const SignatureLimits& limits) {
  return Verify(key, ParamsOf(alg), message, /*prehashed=*/false, signature, limits);
}

SignatureCheck VerifyDigest(EVP_PKEY* key, SignatureAlgorithm alg, absl::string_view digest,
                            absl::string_view signature, const SignatureLimits& limits) {
  return Verify(key, ParamsOf(alg), digest, /*prehashed=*/true, signature, limits);
}

SignatureCheck VerifyPss(EVP_PKEY* key, const EVP_MD* hash, const EVP_MD* mgf1, int salt_len,
                         absl::string_view message, absl::string_view signature,
                         const SignatureLimits& limits) {
  const int hash_nid = AcceptedShaNid(hash);
  const int mgf1_nid = AcceptedShaNid(mgf1);
  if (hash_nid == 0 || mgf1_nid == 0) {
    return Fail(SignatureResult::kInvalid, "RSASSA-PSS hash and MGF1 hash must be SHA-2");
  }
  if (salt_len < 0 || salt_len > static_cast<int>(kMaxSignatureBytes)) {
    return Fail(SignatureResult::kInvalid,
                absl::StrCat("RSASSA-PSS salt length ", salt_len, " out of range"));
  }
  Params params{Scheme::kPss, ShaByNid(hash_nid), ShaByNid(mgf1_nid), salt_len, 0};
  return Verify(key, params, message, /*prehashed=*/false, signature, limits);
}

absl::StatusOr<SignatureAlgorithm> SignatureAlgorithmFromNid(int nid) {
  switch (nid) {
    case NID_sha256WithRSAEncryption: return SignatureAlgorithm::kRsaPkcs1Sha256;
    case NID_sha384WithRSAEncryption: return SignatureAlgorithm::kRsaPkcs1Sha384;
    case NID_sha512WithRSAEncryption: return SignatureAlgorithm::kRsaPkcs1Sha512;
    case NID_ecdsa_with_SHA256: return SignatureAlgorithm::kEcdsaP256Sha256;
    case NID_ecdsa_with_SHA384: return SignatureAlgorithm::kEcdsaP384Sha384;
    case NID_rsassaPss:
      return absl::InvalidArgumentError(
          "RSASSA-PSS needs its parameters: use SignatureAlgorithmFromAlgor");
    case NID_undef: return absl::InvalidArgumentError("unknown signature algorithm");
    default:
      return absl::UnimplementedError(
          absl::StrCat("signature algorithm ", NidName(nid), " is not accepted"));
  }
}

absl::StatusOr<SignatureAlgorithm> SignatureAlgorithmFromAlgor(const X509_ALGOR* sig_alg,
                                                               const X509_ALGOR* digest_alg) {
  if (sig_alg == nullptr) return absl::InvalidArgumentError("no signature algorithm");
  int digest_nid = NID_undef;
  if (digest_alg != nullptr) {
    auto nid = HashNidFromAlgor(digest_alg, "digestAlgorithm");
    if (!nid.ok()) return nid.status();
    digest_nid = *nid;
  }
  const ASN1_OBJECT* obj = nullptr;
  int ptype = V_ASN1_UNDEF;
  const void* pval = nullptr;
  X509_ALGOR_get0(&obj, &ptype, &pval, sig_alg);
  const int nid = OBJ_obj2nid(obj);

  absl::StatusOr<SignatureAlgorithm> alg;
  switch (nid) {
    case NID_sha256WithRSAEncryption:
    case NID_sha384WithRSAEncryption:
    case NID_sha512WithRSAEncryption:
      if (!ParamsNullOrAbsent(ptype)) {
        return absl::InvalidArgumentError(
            absl::StrCat(NidName(nid), " parameters must be NULL or absent"));
      }
      alg = SignatureAlgorithmFromNid(nid);
      break;
    case NID_ecdsa_with_SHA256:
    case NID_ecdsa_with_SHA384:
      if (!ParamsAbsent(ptype)) {
        return absl::InvalidArgumentError(
            absl::StrCat(NidName(nid), " parameters must be absent"));
      }
      alg = SignatureAlgorithmFromNid(nid);
      break;
    case NID_rsassaPss:
      alg = PssFromParams(ptype, pval);
      break;
    case NID_rsaEncryption:
      if (!ParamsNullOrAbsent(ptype)) {
        return absl::InvalidArgumentError("rsaEncryption parameters must be NULL or absent");
      }
      switch (digest_nid) {
        case NID_sha256: return SignatureAlgorithm::kRsaPkcs1Sha256;
        case NID_sha384: return SignatureAlgorithm::kRsaPkcs1Sha384;
        case NID_sha512: return SignatureAlgorithm::kRsaPkcs1Sha512;
        default:
          return absl::InvalidArgumentError(
              "rsaEncryption as a signature algorithm needs a digestAlgorithm");
      }
    default:
      alg = SignatureAlgorithmFromNid(nid);
      break;
  }
  if (!alg.ok()) return alg.status();
  if (digest_nid != NID_undef && HashNidOf(*alg) != digest_nid) {
    return absl::InvalidArgumentError(absl::StrCat("digestAlgorithm ", NidName(digest_nid),
                                                   " does not match ",
                                                   SignatureAlgorithmName(*alg)));
  }
  return alg;
}

}  // namespace kensho::verify
