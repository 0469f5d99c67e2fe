// Writes seed corpora for the fuzzers from a jpki_sim world:
//   make_seeds WORLD OUT [MAX]
// OUT/cms (items/*.p7s), OUT/certificate (items/*.der, certs/*.der),
// OUT/crl (crl/*.crl) and OUT/handler (kensho.v1.VerifyRequest messages
// wrapping the items: documents attached and detached, certificates with
// usages, logins), at most MAX (default 40) files per folder, taken in name
// order so the same world gives the same seeds.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "proto/kensho.pb.h"

namespace fs = std::filesystem;

namespace {

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool WriteAll(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
  return out.good();
}

std::vector<fs::path> List(const fs::path& dir, const std::string& ext) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ext) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every `step`-th element so that a limited set still spans all variants.
std::vector<fs::path> Spread(const std::vector<fs::path>& all, size_t max) {
  if (all.size() <= max) return all;
  std::vector<fs::path> out;
  for (size_t i = 0; i < max; ++i) out.push_back(all[i * all.size() / max]);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: make_seeds WORLD OUT [MAX]\n");
    return 2;
  }
  const fs::path world = argv[1], out = argv[2];
  const size_t max = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 40;
  for (const char* d : {"cms", "certificate", "crl", "handler"}) fs::create_directories(out / d);
  int written = 0;
  auto put = [&](const char* folder, const std::string& name, const std::string& bytes) {
    if (WriteAll(out / folder / name, bytes)) ++written;
  };

  uint64_t id = 0;
  for (const fs::path& p : Spread(List(world / "items", ".p7s"), max)) {
    std::string cms = ReadAll(p);
    put("cms", p.filename().string(), cms);
    kensho::v1::VerifyRequest r;
    r.set_id(++id);
    auto* doc = r.mutable_signed_document();
    doc->set_cms(cms);
    fs::path content = p;
    content.replace_extension(".txt");
    if (fs::exists(content)) doc->set_detached_content(ReadAll(content));
    doc->mutable_policy()->set_include_trace(true);
    doc->mutable_policy()->set_include_subject(id % 2 == 0);
    put("handler", p.stem().string() + ".req", r.SerializeAsString());
  }
  int usage = 0;
  for (const fs::path& p : Spread(List(world / "items", ".der"), max)) {
    std::string der = ReadAll(p);
    put("certificate", p.filename().string(), der);
    kensho::v1::VerifyRequest r;
    r.set_id(++id);
    if (p.filename().string().rfind("login-", 0) == 0) {
      fs::path nonce = p, sig = p;
      nonce.replace_extension(".nonce");
      sig.replace_extension(".sig");
      auto* a = r.mutable_auth_assertion();
      a->set_nonce(ReadAll(nonce));
      a->set_certificate(der);
      a->set_signature(ReadAll(sig));
      a->mutable_policy()->set_include_trace(true);
    } else {
      auto* c = r.mutable_certificate();
      c->set_certificate(der);
      c->set_usage(static_cast<kensho::v1::Usage>(usage++ % 3));
      c->mutable_policy()->set_include_trace(true);
      c->mutable_policy()->set_include_subject(true);
    }
    put("handler", p.stem().string() + ".req", r.SerializeAsString());
  }
  for (const fs::path& p : Spread(List(world / "crl", ".crl"), max)) {
    put("crl", p.filename().string(), ReadAll(p));
  }
  std::printf("make_seeds: %d files in %s\n", written, out.c_str());
  return written > 0 ? 0 : 1;
}
