#include "conformance/harness.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/file_io.h"
#include "gtest/gtest.h"
#include "testing/shared_dir.h"

namespace kensho::conformance {

std::optional<std::string> ReadSuiteFile(const std::string& path, size_t max_bytes) {
  absl::StatusOr<std::string> data = ReadFileBounded(path, static_cast<int64_t>(max_bytes));
  if (!data.ok()) return std::nullopt;
  return *std::move(data);
}

std::vector<PemBlock> ParsePemBlocks(absl::string_view text) {
  std::vector<PemBlock> out;
  BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  if (bio == nullptr) return out;
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long len = 0;
    if (PEM_read_bio(bio, &name, &header, &data, &len) != 1) break;
    out.push_back({name, std::string(reinterpret_cast<char*>(data), static_cast<size_t>(len))});
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
  }
  BIO_free(bio);
  ERR_clear_error();  // the loop ends on "no start line"
  return out;
}

std::optional<absl::Time> ParseRfc3339(absl::string_view text) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &err)) return t;
  return std::nullopt;
}

std::string AlgorithmPolicyViolation(absl::string_view der, bool is_anchor) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x == nullptr) {
    ERR_clear_error();
    return "";
  }
  std::string why;
  EVP_PKEY* key = X509_get0_pubkey(x);
  if (key == nullptr) {
    why = "";  // an unparseable key is kensho's to judge
  } else if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS")) {
    if (EVP_PKEY_get_bits(key) < 2048) why = absl::StrCat("RSA-", EVP_PKEY_get_bits(key), " key");
  } else if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) != 1) {
      why = "EC key with explicit curve parameters";
    } else if (std::string(group) != "prime256v1" && std::string(group) != "secp384r1") {
      why = absl::StrCat("EC key on ", group);
    }
  } else {
    why = absl::StrCat(EVP_PKEY_get0_type_name(key), " key");
  }
  if (why.empty() && !is_anchor) {
    int md_nid = NID_undef, pk_nid = NID_undef, bits = 0;
    uint32_t flags = 0;
    if (X509_get_signature_info(x, &md_nid, &pk_nid, &bits, &flags) == 1 &&
        md_nid != NID_sha256 && md_nid != NID_sha384 && md_nid != NID_sha512) {
      why = absl::StrCat("signed with ",
                         OBJ_nid2ln(X509_get_signature_nid(x)) != nullptr
                             ? OBJ_nid2ln(X509_get_signature_nid(x))
                             : "an unknown algorithm");
    }
  }
  X509_free(x);
  ERR_clear_error();
  return why;
}

void SuiteTally::Fail(absl::string_view id, absl::string_view detail) {
  ++failed_;
  if (const std::string* reason = deviations_->MatchFailure(suite_, id)) {
    ++known_;
    known_lines_.push_back(absl::StrCat(id, ": ", *reason));
    return;
  }
  ADD_FAILURE() << suite_ << " " << id << ": " << detail
                << " (not in conformance/known_deviations.txt)";
}

void SuiteTally::Finish() const {
  std::printf("%s: %d passed / %d failed (%d known deviations) / %d skipped\n", suite_.c_str(),
              passed_, failed_, known_, skipped_);
  for (const auto& [reason, n] : skip_reasons_) {
    std::printf("%s skipped %d: %s\n", suite_.c_str(), n, reason.c_str());
  }
  for (const std::string& line : known_lines_) {
    std::printf("%s known deviation %s\n", suite_.c_str(), line.c_str());
  }
  std::fflush(stdout);
  const std::string suite = suite_;
  for (const std::string& stale :
       deviations_->Unmatched([&suite](const std::string& s) { return s == suite; })) {
    ADD_FAILURE() << "known deviation " << stale
                  << " did not fail (passes now, skipped, or names no case): "
                     "remove it from conformance/known_deviations.txt";
  }
}

absl::StatusOr<CaseEngine> MakeCaseEngine(const std::vector<std::string>& anchor_ders) {
  static std::atomic<int> counter{0};
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = tmp != nullptr ? tmp : "/tmp";
  verify::TrustProfileSpec spec;
  spec.name = kCaseProfile;
  spec.allow_test_roots = true;
  for (const std::string& der : anchor_ders) {
    const std::string path = absl::StrCat(dir, "/anchor-", counter++, ".der");
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(der.data(), static_cast<std::streamsize>(der.size()));
    out.close();
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
    spec.anchor_files.push_back(path);
  }
  auto trust = verify::TrustStore::Create({spec});
  if (!trust.ok()) return trust.status();
  CaseEngine ce;
  ce.trust = *trust;
  verify::EngineOptions options;
  options.certificate_cache_capacity = 64;
  options.path_cache_capacity = 16;
  options.challenge_capacity = 1;
  options.default_revocation_mode = verify::RevocationMode::kSoftFail;
  ce.engine = std::make_unique<verify::Engine>(ce.trust, options);
  return ce;
}

verify::VerifyOptions CaseOptions(absl::Time at) {
  verify::VerifyOptions o;
  o.validation_time = at;
  o.trust_profile = kCaseProfile;
  o.revocation_mode = verify::RevocationMode::kSoftFail;
  return o;
}

std::string Describe(const verify::Verdict& v) {
  std::string out = v.summary;
  std::string failed;
  for (const verify::CheckRecord& c : v.trace) {
    if (c.result != verify::CheckResult::kFailed) continue;
    absl::StrAppend(&failed, failed.empty() ? "" : "; ", c.name, ": ", c.detail);
  }
  if (!failed.empty() && v.trace.size() > 1) absl::StrAppend(&out, " [failed checks: ", failed, "]");
  return out;
}

absl::Duration RunWithDeadline(absl::Duration limit, const std::string& what,
                               const std::function<void()>& fn) {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  const absl::Time start = absl::Now();
  std::thread worker([&] {
    fn();
    std::lock_guard<std::mutex> lock(mu);
    done = true;
    cv.notify_one();
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    if (!cv.wait_for(lock, absl::ToChronoSeconds(limit), [&] { return done; })) {
      std::fprintf(stderr, "FATAL: %s did not finish within %s\n", what.c_str(),
                   absl::FormatDuration(limit).c_str());
      std::fflush(stdout);
      std::fflush(stderr);
      std::_Exit(1);
    }
  }
  worker.join();
  return absl::Now() - start;
}

absl::StatusOr<Suite> LoadSuite(absl::string_view folder, absl::string_view file) {
  const std::string shared = kensho::testing::SharedDir();
  if (shared.empty()) return absl::NotFoundError("../shared not found (set KENSHO_SHARED)");
  Suite suite;
  suite.dir = absl::StrCat(shared, "/conformance/", folder);
  absl::StatusOr<KnownDeviations> deviations = KnownDeviations::LoadFromRunfiles();
  if (!deviations.ok()) return deviations.status();
  suite.deviations = *std::move(deviations);
  const std::string path = absl::StrCat(suite.dir, "/", file);
  std::optional<std::string> text = ReadSuiteFile(path);
  if (!text.has_value()) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  absl::StatusOr<JsonValue> doc = ParseJson(*text);
  if (!doc.ok()) return doc.status();
  const JsonValue* cases = doc->Find("testcases");
  if (cases == nullptr || !cases->is_array()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no \"testcases\" array"));
  }
  suite.doc = *std::move(doc);
  return suite;
}

}  // namespace kensho::conformance
