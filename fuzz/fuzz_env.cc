#include "fuzz/fuzz_env.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace kensho::fuzz {
namespace {

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The manifest's top-level "now": "RFC 3339" (jpki_sim writes it once).
bool ManifestNow(const std::string& world, absl::Time* out) {
  const std::string manifest = ReadAll(world + "/manifest.json");
  const std::string key = "\"now\": \"";
  size_t at = manifest.find(key);
  if (at == std::string::npos) return false;
  at += key.size();
  size_t end = manifest.find('"', at);
  if (end == std::string::npos) return false;
  std::string err;
  return absl::ParseTime(absl::RFC3339_full, manifest.substr(at, end - at), out, &err);
}

FuzzEnv* Build() {
  auto* env = new FuzzEnv;
  env->now = DefaultFuzzNow();
  std::vector<verify::TrustProfileSpec> specs;
  const char* world = std::getenv("KENSHO_FUZZ_WORLD");
  if (world != nullptr && *world != '\0' && Exists(std::string(world) + "/trust/jpki-sign.pem")) {
    const std::string w = world;
    specs.push_back({"jpki-sign", {w + "/trust/jpki-sign.pem"}, {}, false});
    specs.push_back({"jpki-auth", {w + "/trust/jpki-auth.pem"}, {}, false});
    absl::Time t;
    if (ManifestNow(w, &t)) env->now = t;
    env->trust_source = "world " + w;
  } else {
    std::vector<std::string> roots;
    if (const char* shared = std::getenv("KENSHO_SHARED"); shared != nullptr && *shared) {
      roots.push_back(std::string(shared) + "/data/jpki-roots");
    }
    roots.push_back("../shared/data/jpki-roots");
    for (const std::string& dir : roots) {
      if (!Exists(dir + "/sign_ca_2023.pem")) continue;
      specs.push_back({"jpki-sign", {dir + "/sign_ca_2015.pem", dir + "/sign_ca_2023.pem"}, {},
                       false});
      specs.push_back({"jpki-auth", {dir + "/auth_ca_2015.pem", dir + "/auth_ca_2023.pem"}, {},
                       false});
      env->trust_source = "JPKI roots " + dir;
      break;
    }
  }
  auto store = verify::TrustStore::Create(specs);
  if (!store.ok()) {
    std::fprintf(stderr, "fuzz_env: trust store: %s; using none\n",
                 std::string(store.status().message()).c_str());
    specs.clear();
    store = verify::TrustStore::Create(specs);
    env->trust_source = "none";
  }
  if (!store.ok()) {
    std::fprintf(stderr, "fuzz_env: empty trust store refused: %s\n",
                 std::string(store.status().message()).c_str());
    std::abort();
  }
  if (env->trust_source.empty()) env->trust_source = "none";
  env->trust = *store;
  std::fprintf(stderr, "fuzz_env: trust from %s, validation time %s\n", env->trust_source.c_str(),
               absl::FormatTime(absl::RFC3339_sec, env->now, absl::UTCTimeZone()).c_str());
  return env;
}

}  // namespace

absl::Time DefaultFuzzNow() { return absl::FromUnixSeconds(1772323200); }

const FuzzEnv& GetFuzzEnv() {
  static const FuzzEnv* env = Build();
  return *env;
}

std::unique_ptr<verify::Engine> NewFuzzEngine() {
  verify::EngineOptions options;
  options.certificate_cache_capacity = 0;
  options.path_cache_capacity = 0;
  options.challenge_capacity = 16;
  return std::make_unique<verify::Engine>(GetFuzzEnv().trust, options);
}

verify::VerifyOptions FuzzVerifyOptions() {
  verify::VerifyOptions options;
  options.validation_time = GetFuzzEnv().now;
  return options;
}

}  // namespace kensho::fuzz
