#include "server/demo_world.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "tools/jpki_sim/world.h"

namespace kensho::server {
namespace {

void AddProfile(v1::ServerConfig* config, const std::string& name, const std::string& file,
                bool test_roots) {
  for (const auto& p : config->trust_profiles()) {
    if (p.name() == name) return;  // the operator's own definition wins
  }
  v1::TrustProfileConfig* p = config->add_trust_profiles();
  p->set_name(name);
  p->add_anchor_files(file);
  p->set_allow_test_roots(test_roots);
}

}  // namespace

std::string DemoWorldDir(const v1::ServerConfig& config) {
  return config.data_dir() + "/demo";
}

absl::Status PrepareDemoWorld(v1::ServerConfig* config, absl::Time now) {
  const std::string dir = DemoWorldDir(*config);
  if (!sim::WorldIsComplete(dir)) {
    std::fprintf(stderr, "kensho: generating the demo JPKI world in %s (first run only)\n",
                 dir.c_str());
    sim::WorldOptions options;
    options.out_dir = dir;
    options.people = 200;
    options.seed = 1;
    options.now = now;
    if (absl::Status s = sim::GenerateWorld(options); !s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat("demo world in ", dir, ": ", s.message()));
    }
  }
  AddProfile(config, "jpki-sign", dir + "/trust/jpki-sign.pem", false);
  AddProfile(config, "jpki-auth", dir + "/trust/jpki-auth.pem", false);
  AddProfile(config, "test-sign", dir + "/roots/test_sign.pem", true);
  AddProfile(config, "test-auth", dir + "/roots/test_auth.pem", true);
  // The world's per-municipality CRLs, read from its folder.
  if (config->revocation().crl_dir().empty() && config->revocation().crl_partitions().empty()) {
    config->mutable_revocation()->set_crl_dir(dir + "/crl");
  }
  return absl::OkStatus();
}

}  // namespace kensho::server
