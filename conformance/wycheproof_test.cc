// Runs kensho's raw signature verification (verify/signature.h) over the
// Wycheproof vectors in ../shared/conformance/wycheproof/, read in place.
//
// Per vector: "valid" must verify, "invalid" must not, "acceptable" may do
// either (counted apart). A failure is allowed only when listed in
// conformance/known_deviations.txt ("wycheproof/<file> <tcId> <reason>"), and
// a listed deviation that no longer fails (or names no vector) fails the
// test, so the list stays true. Files whose algorithm kensho's API does not
// offer (P-521, P-256 with SHA-512, P-384 with SHA-256, IEEE P1363 encoding)
// are parsed and counted as skipped.
//
// Prints one line per file, per algorithm family and in total:
//   wycheproof <name>: P passed / F failed / S skipped, ...
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <dirent.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "base/file_io.h"
#include "conformance/deviations.h"
#include "conformance/json.h"
#include "gtest/gtest.h"
#include "testing/shared_dir.h"
#include "verify/signature.h"

namespace kensho::conformance {
namespace {

using verify::SignatureAlgorithm;
using verify::SignatureCheck;

constexpr size_t kMaxFileBytes = 8 << 20;

enum class Kind { kRsaPkcs1, kRsaPss, kEcdsaDer, kUnsupported };

struct FileSpec {
  const char* file;
  const char* family;
  Kind kind;
  const char* expected_schema;
  // ECDSA only: the algorithm the file's curve and hash map to.
  std::optional<SignatureAlgorithm> ecdsa_alg;
  // kUnsupported only: why every vector is skipped.
  const char* skip_reason;
};

const FileSpec kFiles[] = {
    {"rsa_signature_2048_sha256_test.json", "rsa-pkcs1", Kind::kRsaPkcs1,
     "rsassa_pkcs1_verify_schema_v1.json", std::nullopt, nullptr},
    {"rsa_signature_2048_sha384_test.json", "rsa-pkcs1", Kind::kRsaPkcs1,
     "rsassa_pkcs1_verify_schema_v1.json", std::nullopt, nullptr},
    {"rsa_signature_2048_sha512_test.json", "rsa-pkcs1", Kind::kRsaPkcs1,
     "rsassa_pkcs1_verify_schema_v1.json", std::nullopt, nullptr},
    {"rsa_signature_3072_sha256_test.json", "rsa-pkcs1", Kind::kRsaPkcs1,
     "rsassa_pkcs1_verify_schema_v1.json", std::nullopt, nullptr},
    {"rsa_signature_3072_sha384_test.json", "rsa-pkcs1", Kind::kRsaPkcs1,
     "rsassa_pkcs1_verify_schema_v1.json", std::nullopt, nullptr},
    {"rsa_signature_4096_sha256_test.json", "rsa-pkcs1", Kind::kRsaPkcs1,
     "rsassa_pkcs1_verify_schema_v1.json", std::nullopt, nullptr},
    {"rsa_signature_4096_sha512_test.json", "rsa-pkcs1", Kind::kRsaPkcs1,
     "rsassa_pkcs1_verify_schema_v1.json", std::nullopt, nullptr},
    {"rsa_pss_2048_sha256_mgf1_32_test.json", "rsa-pss", Kind::kRsaPss,
     "rsassa_pss_verify_schema_v1.json", std::nullopt, nullptr},
    {"ecdsa_secp256r1_sha256_test.json", "ecdsa", Kind::kEcdsaDer, "ecdsa_verify_schema_v1.json",
     SignatureAlgorithm::kEcdsaP256Sha256, nullptr},
    {"ecdsa_secp384r1_sha384_test.json", "ecdsa", Kind::kEcdsaDer, "ecdsa_verify_schema_v1.json",
     SignatureAlgorithm::kEcdsaP384Sha384, nullptr},
    {"ecdsa_secp256r1_sha512_test.json", "ecdsa", Kind::kUnsupported,
     "ecdsa_verify_schema_v1.json", std::nullopt,
     "unsupported: P-256 with SHA-512 is not a kensho algorithm"},
    {"ecdsa_secp384r1_sha256_test.json", "ecdsa", Kind::kUnsupported,
     "ecdsa_verify_schema_v1.json", std::nullopt,
     "unsupported: P-384 with SHA-256 is not a kensho algorithm"},
    {"ecdsa_secp521r1_sha512_test.json", "ecdsa", Kind::kUnsupported,
     "ecdsa_verify_schema_v1.json", std::nullopt, "unsupported: P-521"},
    {"ecdsa_secp256r1_sha256_p1363_test.json", "ecdsa-p1363", Kind::kUnsupported,
     "ecdsa_p1363_verify_schema_v1.json", std::nullopt,
     "unsupported: IEEE P1363 encoding (kensho takes DER only)"},
};

struct Counts {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  int acceptable_accepted = 0;
  int acceptable_rejected = 0;
  int known_deviations = 0;

  void Add(const Counts& o) {
    passed += o.passed;
    failed += o.failed;
    skipped += o.skipped;
    acceptable_accepted += o.acceptable_accepted;
    acceptable_rejected += o.acceptable_rejected;
    known_deviations += o.known_deviations;
  }
  int total() const {
    return passed + failed + skipped + acceptable_accepted + acceptable_rejected;
  }
  std::string Line(absl::string_view name) const {
    return absl::StrCat("wycheproof ", name, ": ", passed, " passed / ", failed, " failed / ",
                        skipped, " skipped; ", acceptable_accepted + acceptable_rejected,
                        " acceptable (", acceptable_accepted, " accepted, ", acceptable_rejected,
                        " rejected); ", known_deviations, " of the failures are known deviations");
  }
};

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// Strict hex: even length, [0-9a-fA-F] only.
std::optional<std::string> Unhex(absl::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

// The SubjectPublicKeyInfo, with nothing trailing; null if it does not parse.
PkeyPtr ParseSpki(absl::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const auto* end = p + der.size();
  PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (key != nullptr && p != end) key.reset();
  return key;
}

const EVP_MD* ShaByName(absl::string_view name) {
  if (name == "SHA-256") return EVP_sha256();
  if (name == "SHA-384") return EVP_sha384();
  if (name == "SHA-512") return EVP_sha512();
  return nullptr;
}

std::optional<SignatureAlgorithm> Pkcs1ByHash(absl::string_view sha) {
  if (sha == "SHA-256") return SignatureAlgorithm::kRsaPkcs1Sha256;
  if (sha == "SHA-384") return SignatureAlgorithm::kRsaPkcs1Sha384;
  if (sha == "SHA-512") return SignatureAlgorithm::kRsaPkcs1Sha512;
  return std::nullopt;
}

std::optional<SignatureAlgorithm> PssByHash(absl::string_view sha) {
  if (sha == "SHA-256") return SignatureAlgorithm::kRsaPssSha256;
  if (sha == "SHA-384") return SignatureAlgorithm::kRsaPssSha384;
  if (sha == "SHA-512") return SignatureAlgorithm::kRsaPssSha512;
  return std::nullopt;
}

std::string Digest(const EVP_MD* md, absl::string_view msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(msg.data(), msg.size(), out, &len, md, nullptr) != 1) return "";
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string StringOf(const JsonValue* v) { return v != nullptr && v->is_string() ? v->text() : ""; }

std::string Flags(const JsonValue& test) {
  std::vector<std::string> flags;
  if (const JsonValue* f = test.Find("flags")) {
    for (const JsonValue& e : f->elements()) flags.push_back(e.text());
  }
  return absl::StrJoin(flags, ",");
}

class WycheproofRunner {
 public:
  WycheproofRunner(std::string dir, KnownDeviations* deviations)
      : dir_(std::move(dir)), deviations_(deviations) {}

  Counts RunFile(const FileSpec& spec) {
    Counts counts;
    const std::string path = dir_ + "/" + spec.file;
    absl::StatusOr<std::string> text = ReadFileBounded(path, kMaxFileBytes);
    if (!text.ok()) {
      ADD_FAILURE() << text.status();
      return counts;
    }
    absl::StatusOr<JsonValue> doc = ParseJson(*text);
    if (!doc.ok()) {
      ADD_FAILURE() << spec.file << ": " << doc.status();
      return counts;
    }
    EXPECT_EQ(StringOf(doc->Find("schema")), spec.expected_schema) << spec.file;
    const JsonValue* groups = doc->Find("testGroups");
    if (groups == nullptr || !groups->is_array()) {
      ADD_FAILURE() << spec.file << ": no testGroups";
      return counts;
    }
    for (const JsonValue& group : groups->elements()) RunGroup(spec, group, &counts);

    const JsonValue* declared = doc->Find("numberOfTests");
    EXPECT_TRUE(declared != nullptr && declared->AsInt64() == counts.total())
        << spec.file << ": numberOfTests " << (declared ? declared->text() : "missing")
        << " but " << counts.total() << " vectors counted";
    return counts;
  }

 private:
  // How one group's vectors are verified: accepted or not, and why.
  using Verifier = std::function<SignatureCheck(absl::string_view msg, absl::string_view sig)>;

  void RunGroup(const FileSpec& spec, const JsonValue& group, Counts* counts) {
    const JsonValue* tests = group.Find("tests");
    if (tests == nullptr || !tests->is_array()) {
      ADD_FAILURE() << spec.file << ": group without tests";
      return;
    }
    std::string skip_reason = spec.skip_reason != nullptr ? spec.skip_reason : "";
    PkeyPtr key;
    Verifier verifier;
    if (skip_reason.empty()) {
      std::optional<std::string> der = Unhex(StringOf(group.Find("publicKeyDer")));
      if (!der.has_value() || der->empty()) {
        ADD_FAILURE() << spec.file << ": group without a hex publicKeyDer";
        return;
      }
      key = ParseSpki(*der);
      skip_reason = MakeVerifier(spec, group, key.get(), &verifier);
    }
    for (const JsonValue& test : tests->elements()) {
      const std::optional<int64_t> tc_id =
          test.Find("tcId") != nullptr ? test.Find("tcId")->AsInt64() : std::nullopt;
      const std::string result = StringOf(test.Find("result"));
      if (!tc_id.has_value() ||
          (result != "valid" && result != "invalid" && result != "acceptable")) {
        ADD_FAILURE() << spec.file << ": malformed test (tcId or result)";
        continue;
      }
      if (!skip_reason.empty()) {
        ++counts->skipped;
        skip_reasons_[skip_reason]++;
        continue;
      }
      std::optional<std::string> msg = Unhex(StringOf(test.Find("msg")));
      std::optional<std::string> sig = Unhex(StringOf(test.Find("sig")));
      if (!msg.has_value() || !sig.has_value()) {
        ADD_FAILURE() << spec.file << " tcId " << *tc_id << ": msg/sig are not hex";
        continue;
      }
      // No key means a verifier refuses everything.
      SignatureCheck check = key == nullptr
                                 ? SignatureCheck{verify::SignatureResult::kInvalid,
                                                  "public key does not parse"}
                                 : verifier(*msg, *sig);
      const bool accepted = check.valid();
      if (result == "acceptable") {
        ++(accepted ? counts->acceptable_accepted : counts->acceptable_rejected);
        continue;
      }
      if (accepted == (result == "valid")) {
        ++counts->passed;
        continue;
      }
      ++counts->failed;
      if (deviations_->MatchFailure(absl::StrCat("wycheproof/", spec.file),
                                    absl::StrCat(*tc_id)) != nullptr) {
        ++counts->known_deviations;
        continue;
      }
      ADD_FAILURE() << "wycheproof/" << spec.file << " tcId " << *tc_id << " expected "
                    << result << ", kensho says "
                    << verify::SignatureResultName(check.result)
                    << (check.detail.empty() ? "" : ": " + check.detail) << " [comment: "
                    << StringOf(test.Find("comment")) << "; flags: " << Flags(test) << "]";
    }
  }

  // Sets `verifier` for a group; returns a skip reason instead when the
  // group's parameters are outside what kensho offers.
  std::string MakeVerifier(const FileSpec& spec, const JsonValue& group, EVP_PKEY* key,
                           Verifier* verifier) {
    const std::string sha = StringOf(group.Find("sha"));
    switch (spec.kind) {
      case Kind::kRsaPkcs1: {
        std::optional<SignatureAlgorithm> alg = Pkcs1ByHash(sha);
        if (!alg.has_value()) return absl::StrCat("unsupported hash ", sha);
        if (key != nullptr && EVP_PKEY_get_bits(key) < verify::SignatureLimits().min_rsa_bits) {
          return absl::StrCat("RSA key of ", EVP_PKEY_get_bits(key), " bits < 2048");
        }
        *verifier = BothPaths(key, *alg);
        return "";
      }
      case Kind::kRsaPss: {
        const EVP_MD* md = ShaByName(sha);
        const EVP_MD* mgf1 = ShaByName(StringOf(group.Find("mgfSha")));
        const JsonValue* slen = group.Find("sLen");
        if (md == nullptr || mgf1 == nullptr || StringOf(group.Find("mgf")) != "MGF1" ||
            slen == nullptr || !slen->AsInt64().has_value()) {
          return "unsupported PSS parameters";
        }
        if (key != nullptr && EVP_PKEY_get_bits(key) < verify::SignatureLimits().min_rsa_bits) {
          return absl::StrCat("RSA key of ", EVP_PKEY_get_bits(key), " bits < 2048");
        }
        const int salt_len = static_cast<int>(*slen->AsInt64());
        std::optional<SignatureAlgorithm> alg = PssByHash(sha);
        const bool kensho_params =
            alg.has_value() && md == mgf1 && salt_len == EVP_MD_get_size(md);
        *verifier = [key, md, mgf1, salt_len, alg, kensho_params](
                        absl::string_view msg, absl::string_view sig) {
          SignatureCheck explicit_params = verify::VerifyPss(key, md, mgf1, salt_len, msg, sig);
          if (kensho_params) {
            // The fixed-parameter API must agree with the explicit one.
            SignatureCheck fixed = BothPaths(key, *alg)(msg, sig);
            if (fixed.valid() != explicit_params.valid()) {
              return SignatureCheck{verify::SignatureResult::kInvalid,
                                    "VerifyPss and VerifyMessage disagree: " +
                                        explicit_params.detail + " / " + fixed.detail};
            }
          }
          return explicit_params;
        };
        return "";
      }
      case Kind::kEcdsaDer:
        *verifier = BothPaths(key, *spec.ecdsa_alg);
        return "";
      case Kind::kUnsupported:
        break;
    }
    return "unsupported";
  }

  // VerifyMessage, cross-checked against VerifyDigest over the same hash: a
  // disagreement is reported as a (non-valid) failure with both details.
  static Verifier BothPaths(EVP_PKEY* key, SignatureAlgorithm alg) {
    return [key, alg](absl::string_view msg, absl::string_view sig) {
      SignatureCheck by_message = verify::VerifyMessage(key, alg, msg, sig);
      SignatureCheck by_digest =
          verify::VerifyDigest(key, alg, Digest(verify::SignatureHash(alg), msg), sig);
      if (by_message.result != by_digest.result) {
        return SignatureCheck{verify::SignatureResult::kInvalid,
                              "VerifyMessage and VerifyDigest disagree: " + by_message.detail +
                                  " / " + by_digest.detail};
      }
      return by_message;
    };
  }

 public:
  const std::map<std::string, int>& skip_reasons() const { return skip_reasons_; }

 private:
  std::string dir_;
  KnownDeviations* deviations_;
  std::map<std::string, int> skip_reasons_;
};

std::set<std::string> TestFilesIn(const std::string& dir) {
  std::set<std::string> files;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return files;
  while (const dirent* e = ::readdir(d)) {
    absl::string_view name = e->d_name;
    if (absl::EndsWith(name, "_test.json")) files.emplace(name);
  }
  ::closedir(d);
  return files;
}

TEST(WycheproofTest, SignatureVerificationConformance) {
  const std::string shared = kensho::testing::SharedDir();
  ASSERT_FALSE(shared.empty()) << "../shared not found (set KENSHO_SHARED)";
  const std::string dir = shared + "/conformance/wycheproof";

  auto loaded = KnownDeviations::LoadFromRunfiles();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  KnownDeviations& deviations = *loaded;

  // Every vector file present is covered (or deliberately skipped) here.
  std::set<std::string> present = TestFilesIn(dir);
  ASSERT_FALSE(present.empty()) << "no *_test.json in " << dir;
  for (const FileSpec& spec : kFiles) present.erase(spec.file);
  EXPECT_TRUE(present.empty()) << "vector files not in kFiles: " << absl::StrJoin(present, " ");

  WycheproofRunner runner(dir, &deviations);
  std::map<std::string, Counts> families;
  Counts total;
  for (const FileSpec& spec : kFiles) {
    Counts c = runner.RunFile(spec);
    std::printf("%s\n", c.Line(spec.file).c_str());
    families[spec.family].Add(c);
    total.Add(c);
  }
  for (const auto& [family, c] : families) std::printf("%s\n", c.Line(family).c_str());
  std::printf("%s\n", total.Line("total").c_str());
  for (const auto& [reason, n] : runner.skip_reasons()) {
    std::printf("wycheproof skipped %d: %s\n", n, reason.c_str());
  }
  std::fflush(stdout);

  for (const std::string& stale : deviations.Unmatched([](const std::string& suite) {
         return absl::StartsWith(suite, "wycheproof/");
       })) {
    ADD_FAILURE() << "known deviation " << stale
                  << " no longer fails or names no vector: remove it from known_deviations.txt";
  }
}

}  // namespace
}  // namespace kensho::conformance
