#include "verify/path_validator.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace kensho::verify {

// Longest chain accepted: JPKI is single-tier; custom profiles rarely exceed 4.
constexpr int kMaxChainDepth = 8;

struct PathValidator::ProfileStore {
  const TrustProfile* profile = nullptr;
  X509_STORE* store = nullptr;
  bool partial_chain = false;  // some anchor is not self-signed
  ~ProfileStore() { X509_STORE_free(store); }
};

namespace {

PathStatus Classify(int error) {
  switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
      return PathStatus::kNoChain;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
      return PathStatus::kSignature;
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK:
    case X509_V_ERR_UNSUPPORTED_SIGNATURE_ALGORITHM:
      return PathStatus::kCryptoConstraints;
    default:
      return PathStatus::kConstraints;
  }
}

// Empty when the certificate's public key meets kensho's policy.
std::string WeakKeyReason(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return "unreadable public key";
  if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS")) {
    return EVP_PKEY_get_bits(key) >= 2048 ? "" : "RSA key under 2048 bits";
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) != 1) return "unnamed EC curve";
    std::string g(group, len);
    return g == "prime256v1" || g == "secp384r1" ? "" : "EC curve " + g + " is not accepted";
  }
  return "key type is not accepted (RSA or EC P-256/P-384 only)";
}

// Results each thread keeps for itself (see path_validator.h).
constexpr size_t kRecentPerThread = 2048;

// The cache key, built in a buffer the thread reuses: no allocation per
// look-up. Valid until this thread's next call.
const std::string& CacheKey(
    const ParsedCertificate& leaf,
    const std::vector<std::shared_ptr<const ParsedCertificate>>& intermediates,
    const TrustProfile& profile, const PolicyInputs& policy) {
  thread_local std::string key;
  key = leaf.certificate->sha256();
  absl::StrAppend(&key, "|", profile.name);
  for (const auto& i : intermediates) absl::StrAppend(&key, "|", i->certificate->sha256());
  if (!policy.empty()) {
    absl::StrAppend(&key, "|p", policy.require_explicit_policy, policy.inhibit_policy_mapping,
                    policy.inhibit_any_policy);
    for (const auto& p : policy.acceptable_policies) absl::StrAppend(&key, ",", p);
  }
  return key;
}

}  // namespace

PathValidator::PathValidator(std::shared_ptr<const TrustStore> trust, size_t cache_capacity)
    : trust_(std::move(trust)),
      cache_capacity_(cache_capacity),
      failure_capacity_(cache_capacity == 0 ? 0 : std::max<size_t>(1, cache_capacity / 4)),
      recent_(std::min<size_t>(cache_capacity, kRecentPerThread)) {
  for (const TrustProfile& profile : trust_->profiles()) {
    auto ps = std::make_unique<ProfileStore>();
    ps->profile = &profile;
    ps->store = X509_STORE_new();
    for (const TrustAnchor& anchor : profile.anchors) {
      X509_STORE_add_cert(ps->store, anchor.certificate->x509());
      if (X509_self_signed(anchor.certificate->x509(), /*verify_signature=*/0) != 1) {
        ps->partial_chain = true;
      }
    }
    stores_.push_back(std::move(ps));
  }
}

PathValidator::~PathValidator() = default;

int64_t PathValidator::cache_size() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(passes_.size() + failures_.size());
}

std::shared_ptr<const PathResult> PathValidator::Validate(
    const ParsedCertificate& leaf,
    const std::vector<std::shared_ptr<const ParsedCertificate>>& intermediates,
    const TrustProfile& profile, const PolicyInputs& policy, bool* cached) {
  *cached = false;
  const ProfileStore* store = nullptr;
  for (const auto& s : stores_) {
    if (s->profile == &profile) store = s.get();
  }
  if (store == nullptr) {
    auto r = std::make_shared<PathResult>();
    r->detail = absl::StrCat("trust profile '", profile.name, "' is not loaded");
    return r;
  }
  const std::string& key = CacheKey(leaf, intermediates, profile, policy);
  if (auto recent = recent_.Find(key); recent != nullptr) {
    *cached = true;
    return recent;
  }
  {
    absl::ReaderMutexLock lock(&mu_);  // concurrent look-ups do not wait for each other
    for (const Cache* cache : {&passes_, &failures_}) {
      auto it = cache->find(key);
      if (it != cache->end()) {
        *cached = true;
        recent_.Put(key, it->second);
        return it->second;
      }
    }
  }
  auto result = std::make_shared<const PathResult>(Compute(leaf, intermediates, *store, policy));
  if (!result->deterministic) return result;
  const bool passed = result->status == PathStatus::kOk;
  const size_t capacity = passed ? cache_capacity_ : failure_capacity_;
  if (capacity == 0) return result;
  recent_.Put(key, result);
  absl::MutexLock lock(&mu_);
  Cache& cache = passed ? passes_ : failures_;
  // Bounded: when full, start over. Entries are cheap to recompute and a
  // simple reset cannot grow without bound under adversarial keys.
  if (cache.size() >= capacity) cache.clear();
  cache.emplace(key, result);
  return result;
}

PathResult PathValidator::Compute(
    const ParsedCertificate& leaf,
    const std::vector<std::shared_ptr<const ParsedCertificate>>& intermediates,
    const ProfileStore& store, const PolicyInputs& policy) const {
  PathResult result;
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  for (const CertificateRef& c : store.profile->intermediates) sk_X509_push(untrusted, c->x509());
  for (const auto& c : intermediates) sk_X509_push(untrusted, c->certificate->x509());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  if (ctx == nullptr ||
      X509_STORE_CTX_init(ctx, store.store, leaf.certificate->x509(), untrusted) != 1) {
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    result.detail = "verifier could not be initialised";
    return result;
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_depth(param, kMaxChainDepth);
  unsigned long flags = X509_V_FLAG_NO_CHECK_TIME;
  // A configured anchor need not be self-signed (an intermediate trusted on
  // purpose): only then may the chain end below a self-signed root. Safe
  // because this store holds nothing but the profile's anchors; not set for
  // root-only profiles (like JPKI's) so that they keep every root check.
  if (store.partial_chain) flags |= X509_V_FLAG_PARTIAL_CHAIN;
  // Security level 2 (112 bits): no SHA-1 signatures, no RSA keys under
  // 2048 bits anywhere in the chain.
  X509_VERIFY_PARAM_set_auth_level(param, 2);
  if (!policy.empty()) {
    flags |= X509_V_FLAG_POLICY_CHECK;
    if (policy.require_explicit_policy) flags |= X509_V_FLAG_EXPLICIT_POLICY;
    if (policy.inhibit_policy_mapping) flags |= X509_V_FLAG_INHIBIT_MAP;
    if (policy.inhibit_any_policy) flags |= X509_V_FLAG_INHIBIT_ANY;
    for (const std::string& oid : policy.acceptable_policies) {
      ASN1_OBJECT* obj = OBJ_txt2obj(oid.c_str(), /*no_name=*/1);
      if (obj != nullptr) X509_VERIFY_PARAM_add0_policy(param, obj);
    }
  }
  X509_VERIFY_PARAM_set_flags(param, flags);

  int ok = X509_verify_cert(ctx);
  if (ok == 1) {
    // kensho's key policy for every certificate of the chain: RSA >= 2048
    // or EC P-256 / P-384; nothing else (DSA, small curves) is accepted.
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      std::string why = WeakKeyReason(sk_X509_value(chain, i));
      if (!why.empty()) {
        result.status = PathStatus::kCryptoConstraints;
        result.detail = absl::StrCat(why, " (depth ", i, ", profile '", store.profile->name, "')");
        result.deterministic = true;
        X509_STORE_CTX_free(ctx);
        sk_X509_free(untrusted);
        return result;
      }
    }
  }
  if (ok == 1) {
    result.status = PathStatus::kOk;
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
    int n = sk_X509_num(chain);
    result.chain_length = n;
    result.window_start = absl::InfinitePast();
    result.window_end = absl::InfiniteFuture();
    for (int i = 0; i < n; ++i) {
      X509* c = sk_X509_value(chain, i);
      absl::Time nb, na;
      if (Asn1TimeToAbsl(X509_get0_notBefore(c), &nb) && nb > result.window_start) {
        result.window_start = nb;
      }
      if (Asn1TimeToAbsl(X509_get0_notAfter(c), &na) && na < result.window_end) {
        result.window_end = na;
      }
    }
    X509* top = sk_X509_value(chain, n - 1);
    for (const TrustAnchor& anchor : store.profile->anchors) {
      if (X509_cmp(anchor.certificate->x509(), top) == 0) result.anchor = &anchor;
    }
    X509* issuer = n >= 2 ? sk_X509_value(chain, 1) : nullptr;
    for (const TrustAnchor& anchor : store.profile->anchors) {
      if (issuer != nullptr && X509_cmp(anchor.certificate->x509(), issuer) == 0) {
        result.issuer = anchor.certificate;
      }
    }
    for (const CertificateRef& c : store.profile->intermediates) {
      if (issuer != nullptr && X509_cmp(c->x509(), issuer) == 0) result.issuer = c;
    }
    for (const auto& c : intermediates) {
      if (issuer != nullptr && X509_cmp(c->certificate->x509(), issuer) == 0) {
        result.issuer = c->certificate;
      }
    }
    if (result.anchor == nullptr) {
      // Cannot happen with only profile anchors in the store; fail closed.
      result.status = PathStatus::kNoChain;
      result.detail = "chain does not end in a configured anchor";
    } else {
      result.detail = absl::StrCat("chain of ", n, " to ", result.anchor->label);
      result.deterministic = true;
    }
  } else {
    int error = X509_STORE_CTX_get_error(ctx);
    result.status = Classify(error);
    result.detail = absl::StrCat(X509_verify_cert_error_string(error), " (depth ",
                                 X509_STORE_CTX_get_error_depth(ctx), ", profile '",
                                 store.profile->name, "')");
    // Out of memory, or an error OpenSSL could not name: may pass next time.
    result.deterministic = error != X509_V_ERR_OUT_OF_MEM && error != X509_V_ERR_UNSPECIFIED &&
                           error != X509_V_OK;
  }
  X509_STORE_CTX_free(ctx);
  sk_X509_free(untrusted);
  return result;
}

}  // namespace kensho::verify
