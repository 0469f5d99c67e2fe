// Revocation at scale (issue 6, Performance): one run measures, each phase in
// its own forked process so that its peak RSS (VmHWM) is its own:
//   ingest   mmap -> CheckPartitionCrl (parse, hash, signature) ->
//            StreamAcceptedEntries -> RevocationStore, into a fresh store
//            (round 0) and again as a replace of the same partition
//            (round 1; the old generation becomes garbage for compactions,
//            cache/live_generations.h): entries/s and peak RSS growth; then
//            the compaction that drops the garbage (in a server it runs in
//            RocksDB's background threads), timed on its own.
//   restart  a new process over that store: RocksStore::Open +
//            RevocationStore::Open + the first Lookup, warm page cache and
//            cold (the store's files evicted with POSIX_FADV_DONTNEED).
//   lookup   median/p99 for hits and misses (random order) of
//            RevocationStore::Lookup (prefix seek), LookupInPartition (two
//            point reads: the hot path) and RevocationLookupCache in front.
//   openssl  d2i_X509_CRL over the same mapped file + X509_CRL_get0_by_serial
//            (first call sorts) for the same serials: time and peak RSS.
//
//   bazel build -c opt //bench:revocation_benchmark //tools/jpki_sim
//   bazel-bin/tools/jpki_sim/jpki_sim --out=/tmp/w --people=50 --seed=1 \
//       --now=2026-03-01T00:00:00Z --workloads=false --scale_crl_entries=10000000
//   bazel-bin/bench/revocation_benchmark --world=/tmp/w --db=/tmp/w/db
// Flags: --world=DIR (jpki_sim output with crl/scale.crl), --db=DIR (deleted
// and recreated), --now=RFC3339 (default 2026-03-01T00:00:00Z),
// --lookups=N (default 200000), --phases=ingest,restart,lookup,openssl.
#include <dirent.h>
#include <fcntl.h>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/x509.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "cache/revocation_lookup_cache.h"
#include "cache/revocation_store.h"
#include "cache/rocks_store.h"
#include "crl/crl_parser.h"
#include "crl/mapped_file.h"
#include "crl/partition_ingest.h"
#include <openssl/pem.h>

namespace kensho {
namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  std::string world;
  std::string db;
  std::string now = "2026-03-01T00:00:00Z";
  int lookups = 200000;
  std::string phases = "ingest,restart,lookup,openssl";
};

long StatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string f = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(f, 0) == 0) return std::stol(line.substr(f.size()));
  }
  return -1;
}

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "revocation_benchmark: %s\n", why.c_str());
  std::fflush(stderr);
  _exit(1);
}

std::unique_ptr<crl::MappedFile> MapCrl(const Flags& f) {
  auto file = crl::MappedFile::Open(f.world + "/crl/scale.crl", int64_t{1} << 32);
  if (!file.ok()) Die(file.status().ToString());
  return *std::move(file);
}

X509* ReadIssuer(const Flags& f) {
  const std::string path = f.world + "/roots/sign_gen3.pem";
  FILE* in = std::fopen(path.c_str(), "r");
  if (in == nullptr) Die("cannot open " + path);
  X509* x = PEM_read_X509(in, nullptr, nullptr, nullptr);
  std::fclose(in);
  if (x == nullptr) Die("no certificate in " + path);
  return x;
}

absl::Time Now(const Flags& f) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, f.now, &t, &err)) Die("bad --now: " + err);
  return t;
}

// Every `step`-th serial of the CRL (hits) and the same serials + 1 (jpki_sim
// spaces scale serials by 3, so these are misses).
void SampleSerials(const Flags& f, int want, std::vector<std::string>* hits, std::vector<std::string>* misses,
                   int64_t* entries) {
  auto file = MapCrl(f);
  auto parsed = crl::ParseCrl(file->data());
  if (!parsed.ok()) Die(parsed.status().ToString());
  *entries = parsed->header.entry_count;
  const int64_t step = std::max<int64_t>(1, *entries / want);
  int64_t i = 0;
  absl::Status s = crl::ForEachRevokedEntry(*parsed, [&](const crl::RevokedEntry& e) {
    if (i++ % step == 0 && static_cast<int>(hits->size()) < want) {
      hits->emplace_back(e.serial);
      std::string m(e.serial);
      for (size_t k = m.size(); k-- > 0;) {
        if (++reinterpret_cast<unsigned char&>(m[k]) != 0) break;
      }
      misses->push_back(std::move(m));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) Die(s.ToString());
  std::mt19937 rng(7);
  std::shuffle(hits->begin(), hits->end(), rng);
  std::shuffle(misses->begin(), misses->end(), rng);
}

void PrintLatency(const char* what, std::vector<double>* micros) {
  std::sort(micros->begin(), micros->end());
  const size_t n = micros->size();
  std::printf("  %-48s n=%zu median %.2f us  p90 %.2f us  p99 %.2f us  max %.1f us\n", what, n,
              (*micros)[n / 2], (*micros)[n * 90 / 100], (*micros)[n * 99 / 100], (*micros)[n - 1]);
}

// ---- phases (each runs in a child process)

void Ingest(const Flags& f) {
  const long rss0 = StatusKb("VmRSS");
  X509* issuer = ReadIssuer(f);
  const absl::Time now = Now(f);
  std::system(absl::StrCat("rm -rf '", f.db, "'").c_str());
  auto rocks = cache::RocksStore::Open(f.db);
  if (!rocks.ok()) Die(rocks.status().ToString());
  auto store = cache::RevocationStore::Open(rocks->get());
  if (!store.ok()) Die(store.status().ToString());
  auto file = MapCrl(f);
  crl::MappedFile* mf = file.get();
  crl::CrlParseOptions options;
  options.release_before = [mf](size_t offset) { mf->ReleaseBefore(offset); };
  auto header = crl::ParseCrl(mf->data(), options);
  if (!header.ok()) Die(header.status().ToString());
  crl::PartitionSpec spec;
  spec.partition_id = "scale";
  spec.expected_idp_dirname = header->header.issuing_distribution_point->full_name_dirnames.at(0);
  spec.issuer_generations = {issuer};
  const int64_t entries = header->header.entry_count;
  mf->ReleaseBefore(mf->data().size());
  const long rss1 = StatusKb("VmRSS");
  const long hwm1 = StatusKb("VmHWM");
  std::printf("ingest: %lld entries, %.1f MB CRL; RSS at start %ld KB, after store open %ld KB\n",
              static_cast<long long>(entries), mf->data().size() / 1e6, rss0, rss1);
  for (int round = 0; round < 2; ++round) {
    const auto start = Clock::now();
    crl::PartitionCrlDecision d = crl::CheckPartitionCrl(spec, mf->data(), now, options);
    if (!d.ok()) Die(std::string(d.status("scale").message()));
    const double check_s = Since(start);
    cache::PartitionMetadata m;
    m.partition_id = "scale";
    m.issuer_key_id = d.accepted->issuer_key_id;
    m.idp_dirname = spec.expected_idp_dirname;
    m.crl_number = *d.accepted->crl.header.crl_number;
    m.this_update = d.accepted->crl.header.this_update;
    m.next_update = d.accepted->crl.header.next_update;
    m.crl_number.back() += round;
    absl::Status s = (*store)->ReplacePartition(m, [&](crl::RevokedEntrySink& sink) {
      return crl::StreamAcceptedEntries(*d.accepted, sink, options.release_before);
    });
    if (!s.ok()) Die(s.ToString());
    const double total_s = Since(start);
    const long hwm = StatusKb("VmHWM");
    std::printf(
        "  round %d (%s): check+hash+verify %.2f s, total %.2f s = %.0f k entries/s; "
        "peak RSS growth %.1f MB (from store open), %.1f MB (from process start); RSS now %ld KB\n",
        round, round == 0 ? "fresh store" : "replace    ", check_s, total_s, entries / total_s / 1e3,
        (hwm - std::max(hwm1, rss1)) / 1024.0, (hwm - rss0) / 1024.0, StatusKb("VmRSS"));
    std::fflush(stdout);
  }
  const auto start = Clock::now();
  absl::Status s = (*store)->CompactGarbage();
  if (!s.ok()) Die(s.ToString());
  std::printf("  compaction dropping the replaced generation: %.2f s; peak RSS growth %.1f MB (from "
              "store open); %lld keys estimated after\n",
              Since(start), (StatusKb("VmHWM") - std::max(hwm1, rss1)) / 1024.0,
              static_cast<long long>((*rocks)->EstimateKeys("revoked")));
  X509_free(issuer);
}

void EvictFiles(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return;
  while (dirent* e = readdir(d)) {
    const std::string path = dir + "/" + e->d_name;
    int fd = open(path.c_str(), O_RDONLY);
    if (fd < 0) continue;
    fdatasync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
  }
  closedir(d);
}

void Restart(const Flags& f, bool cold, const std::string& probe) {
  if (cold) EvictFiles(f.db);
  const auto start = Clock::now();
  auto rocks = cache::RocksStore::Open(f.db);
  if (!rocks.ok()) Die(rocks.status().ToString());
  const double open_s = Since(start);
  auto store = cache::RevocationStore::Open(rocks->get());
  if (!store.ok()) Die(store.status().ToString());
  const double store_s = Since(start);
  auto p = (*store)->GetPartition("scale");
  if (!p.ok() || !p->has_value()) Die("no partition 'scale'");
  auto hit = (*store)->Lookup((*p)->issuer_key_id, probe);
  if (!hit.ok() || !hit->has_value()) Die("first lookup did not find the probe serial");
  std::printf(
      "restart (%s page cache): RocksStore::Open %.1f ms, +RevocationStore::Open %.1f ms, first answer "
      "%.1f ms after start; %lld keys estimated\n",
      cold ? "cold" : "warm", open_s * 1e3, store_s * 1e3, Since(start) * 1e3,
      static_cast<long long>((*rocks)->EstimateKeys("revoked")));
}

void Lookup(const Flags& f, const std::vector<std::string>& hits, const std::vector<std::string>& misses) {
  auto rocks = cache::RocksStore::Open(f.db);
  if (!rocks.ok()) Die(rocks.status().ToString());
  auto store = cache::RevocationStore::Open(rocks->get());
  if (!store.ok()) Die(store.status().ToString());
  auto p = (*store)->GetPartition("scale");
  if (!p.ok() || !p->has_value()) Die("no partition 'scale'");
  const std::string key_id = (*p)->issuer_key_id;
  const long rss0 = StatusKb("VmRSS");
  std::printf("lookup: %zu hit and %zu miss serials, random order\n", hits.size(), misses.size());
  // Three ways to one answer, each twice over the same random serials:
  // the store-wide prefix seek (Lookup), the hot path's two point reads
  // (LookupInPartition: the certificate's distribution point names the
  // partition), and the bounded cache in front of those (what the checker
  // uses; sized here to hold the whole working set: the warm path).
  cache::RevocationLookupCache::Options co;
  co.max_entries = 4 * hits.size();
  cache::RevocationLookupCache lru(store->get(), co);
  // Each answers "is it listed?" (an error as a failed check).
  struct Way {
    const char* name;
    std::function<absl::StatusOr<bool>(const std::string&)> listed;
  };
  auto listed = [](const auto& answer) -> absl::StatusOr<bool> {
    if (!answer.ok()) return answer.status();
    return answer->has_value();
  };
  const Way ways[] = {
      {"RevocationStore::Lookup", [&](const std::string& s) { return listed((*store)->Lookup(key_id, s)); }},
      {"RevocationStore::LookupInPartition",
       [&](const std::string& s) { return listed((*store)->LookupInPartition("scale", s)); }},
      {"RevocationLookupCache", [&](const std::string& s) { return listed(lru.Lookup("scale", s)); }},
  };
  for (const Way& way : ways) {
    for (int pass = 0; pass < 2; ++pass) {
      std::vector<double> hit_us, miss_us;
      for (size_t i = 0; i < hits.size(); ++i) {
        auto t = Clock::now();
        auto h = way.listed(hits[i]);
        hit_us.push_back(Since(t) * 1e6);
        if (!h.ok() || !*h) Die(absl::StrCat(way.name, ": hit not found"));
        t = Clock::now();
        auto m = way.listed(misses[i]);
        miss_us.push_back(Since(t) * 1e6);
        if (!m.ok() || *m) Die(absl::StrCat(way.name, ": miss found"));
      }
      const std::string when = pass == 0 ? " (1st pass)" : " (2nd pass)";
      PrintLatency(absl::StrCat(way.name, " hit", when).c_str(), &hit_us);
      PrintLatency(absl::StrCat(way.name, " miss", when).c_str(), &miss_us);
    }
  }
  std::printf("  lookup process RSS growth during lookups: %.1f MB\n", (StatusKb("VmHWM") - rss0) / 1024.0);
}

void OpenSsl(const Flags& f, const std::vector<std::string>& hits, const std::vector<std::string>& misses) {
  const long rss0 = StatusKb("VmRSS");
  auto file = MapCrl(f);
  const auto start = Clock::now();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(file->data().data());
  X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(file->data().size()));
  if (crl == nullptr) Die("d2i_X509_CRL failed");
  const double d2i_s = Since(start);
  const int n = sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl));
  auto to_asn1 = [](const std::string& s) {
    BIGNUM* bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(s.data()), s.size(), nullptr);
    ASN1_INTEGER* a = BN_to_ASN1_INTEGER(bn, nullptr);
    BN_free(bn);
    return a;
  };
  ASN1_INTEGER* first = to_asn1(hits[0]);
  X509_REVOKED* rev = nullptr;
  auto t = Clock::now();
  if (X509_CRL_get0_by_serial(crl, &rev, first) != 1) Die("OpenSSL: first serial not found");
  const double first_s = Since(t);
  ASN1_INTEGER_free(first);
  std::vector<double> hit_us, miss_us;
  for (size_t i = 0; i < hits.size(); ++i) {
    ASN1_INTEGER* h = to_asn1(hits[i]);
    ASN1_INTEGER* m = to_asn1(misses[i]);
    t = Clock::now();
    if (X509_CRL_get0_by_serial(crl, &rev, h) != 1) Die("OpenSSL: hit not found");
    hit_us.push_back(Since(t) * 1e6);
    t = Clock::now();
    if (X509_CRL_get0_by_serial(crl, &rev, m) != 0) Die("OpenSSL: miss found");
    miss_us.push_back(Since(t) * 1e6);
    ASN1_INTEGER_free(h);
    ASN1_INTEGER_free(m);
  }
  const long hwm = StatusKb("VmHWM");
  std::printf(
      "openssl: d2i_X509_CRL %d entries %.2f s = %.0f k entries/s (no signature check); first "
      "X509_CRL_get0_by_serial (sorts) %.2f s; peak RSS growth %.1f MB (incl. the %.0f MB mapped file)\n",
      n, d2i_s, n / d2i_s / 1e3, first_s, (hwm - rss0) / 1024.0, file->data().size() / 1e6);
  PrintLatency("X509_CRL_get0_by_serial hit", &hit_us);
  PrintLatency("X509_CRL_get0_by_serial miss", &miss_us);
  X509_CRL_free(crl);
}

void RunChild(const char* name, const std::function<void()>& body) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    body();
    std::fflush(stdout);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) Die(absl::StrCat("phase ", name, " failed"));
}

}  // namespace
}  // namespace kensho

int main(int argc, char** argv) {
  using namespace kensho;
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* name, std::string* out) {
      const std::string p = std::string("--") + name + "=";
      if (a.rfind(p, 0) != 0) return false;
      *out = a.substr(p.size());
      return true;
    };
    std::string n;
    if (value("world", &f.world) || value("db", &f.db) || value("now", &f.now) || value("phases", &f.phases)) {
      continue;
    }
    if (value("lookups", &n)) {
      f.lookups = std::stoi(n);
      continue;
    }
    Die("unknown flag " + a);
  }
  if (f.world.empty()) Die("--world=DIR is required");
  if (f.db.empty()) f.db = f.world + "/bench_db";
  const bool ingest = absl::StrContains(f.phases, "ingest");
  if (ingest) RunChild("ingest", [&] { Ingest(f); });
  std::vector<std::string> hits, misses;
  int64_t entries = 0;
  SampleSerials(f, f.lookups, &hits, &misses, &entries);
  if (absl::StrContains(f.phases, "restart")) {
    RunChild("restart", [&] { Restart(f, false, hits[0]); });
    RunChild("restart", [&] { Restart(f, true, hits[1]); });
  }
  if (absl::StrContains(f.phases, "lookup")) RunChild("lookup", [&] { Lookup(f, hits, misses); });
  if (absl::StrContains(f.phases, "openssl")) RunChild("openssl", [&] { OpenSsl(f, hits, misses); });
  return 0;
}
