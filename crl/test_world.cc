#include "crl/test_world.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace kensho::crl::testing {
namespace {

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "test_world: %s\n", why.c_str());
  std::abort();
}

std::string Field(const std::string& line, const std::string& name) {
  std::smatch m;
  std::regex string_re("\"" + name + "\": \"([^\"]*)\"");
  if (std::regex_search(line, m, string_re)) return m[1];
  std::regex number_re("\"" + name + "\": ([0-9]+)");
  if (std::regex_search(line, m, number_re)) return m[1];
  Die(absl::StrCat("no field ", name, " in ", line));
}

SimWorld Generate(int64_t scale_entries) {
  SimWorld w;
  const char* tmp = std::getenv("TEST_TMPDIR");
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (tmp == nullptr || srcdir == nullptr || workspace == nullptr) Die("not under bazel test");
  w.dir = absl::StrCat(tmp, "/sim_world");
  w.now = absl::FromUnixSeconds(1772323200);  // 2026-03-01T00:00:00Z
  const std::string binary = absl::StrCat(srcdir, "/", workspace, "/tools/jpki_sim/jpki_sim");
  const std::string cmd =
      absl::StrCat(binary, " --out=", w.dir, " --people=50 --seed=1 --now=2026-03-01T00:00:00Z",
                   " --workloads=false --scale_crl_entries=", scale_entries, " >", tmp, "/jpki_sim.log 2>&1");
  if (std::system(cmd.c_str()) != 0) Die(absl::StrCat("failed: ", cmd));
  std::istringstream json(ReadFileOrDie(w.dir + "/crl/partitions.json"));
  std::string line;
  std::regex id_re("^  \"([^\"]+)\": \\{");
  while (std::getline(json, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, id_re)) continue;
    SimPartition p;
    p.id = m[1];
    p.issuer = Field(line, "issuer");
    p.dirname = Field(line, "dirname");
    p.file = Field(line, "file");
    p.entries = std::stoll(Field(line, "entries"));
    p.crl_number = Field(line, "crl_number");
    w.partitions.push_back(std::move(p));
  }
  if (w.partitions.empty()) Die("no partitions in partitions.json");
  return w;
}

}  // namespace

const SimWorld& World(int64_t scale_entries) {
  static const SimWorld* world = new SimWorld(Generate(scale_entries));
  return *world;
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<X509*> ReadPemCertsOrDie(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) Die("cannot open " + path);
  std::vector<X509*> certs;
  while (X509* c = PEM_read_X509(f, nullptr, nullptr, nullptr)) certs.push_back(c);
  std::fclose(f);
  ERR_clear_error();  // PEM_read_X509 leaves "no start line" at EOF
  if (certs.empty()) Die("no certificate in " + path);
  return certs;
}

X509* ReadPemCertOrDie(const std::string& path) {
  std::vector<X509*> certs = ReadPemCertsOrDie(path);
  for (size_t i = 1; i < certs.size(); ++i) X509_free(certs[i]);
  return certs[0];
}

}  // namespace kensho::crl::testing
