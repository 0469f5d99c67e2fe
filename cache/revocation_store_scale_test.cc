// 1M-entry ingest from jpki_sim's scale CRL through the real path: mmap ->
// CheckPartitionCrl -> StreamAcceptedEntries -> RevocationStore. Prints time
// and peak RSS (VmHWM); asserts only loose bounds (the benchmark in bench/
// owns the targets).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "cache/revocation_store.h"
#include "crl/mapped_file.h"
#include "crl/partition_ingest.h"
#include "crl/test_world.h"
#include "gtest/gtest.h"

namespace kensho::cache {
namespace {

constexpr int64_t kEntries = 1000000;

long StatusKb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

TEST(RevocationStoreScale, IngestMillionEntryCrl) {
  const crl::testing::SimWorld& world = crl::testing::World(kEntries);
  X509* issuer = crl::testing::ReadPemCertOrDie(world.dir + "/roots/sign_gen3.pem");
  auto rocks = RocksStore::Open(std::string(std::getenv("TEST_TMPDIR")) + "/scale");
  ASSERT_TRUE(rocks.ok()) << rocks.status();
  auto store = RevocationStore::Open(rocks->get());
  ASSERT_TRUE(store.ok()) << store.status();

  auto file = crl::MappedFile::Open(world.dir + "/crl/scale.crl", int64_t{1} << 31);
  ASSERT_TRUE(file.ok()) << file.status();
  crl::MappedFile* f = file->get();
  crl::CrlParseOptions options;
  options.release_before = [f](size_t offset) { f->ReleaseBefore(offset); };

  auto header = crl::ParseCrl(f->data());  // only to learn the scale CRL's IDP name
  ASSERT_TRUE(header.ok()) << header.status();
  crl::PartitionSpec spec;
  spec.partition_id = "scale";
  spec.expected_idp_dirname = header->header.issuing_distribution_point->full_name_dirnames.at(0);
  spec.issuer_generations = {issuer};
  f->ReleaseBefore(f->data().size());

  const long hwm_before = StatusKb("VmHWM");
  const long rss_before = StatusKb("VmRSS");
  std::vector<double> times;
  for (int round = 0; round < 2; ++round) {
    const auto start = std::chrono::steady_clock::now();
    crl::PartitionCrlDecision d = crl::CheckPartitionCrl(spec, f->data(), world.now, options);
    ASSERT_TRUE(d.ok()) << d.status("scale");
    const double check_s = Seconds(start);
    PartitionMetadata m;
    m.partition_id = "scale";
    m.issuer_key_id = d.accepted->issuer_key_id;
    m.idp_dirname = spec.expected_idp_dirname;
    m.crl_number = *d.accepted->crl.header.crl_number;
    m.this_update = d.accepted->crl.header.this_update;
    m.next_update = d.accepted->crl.header.next_update;
    absl::Status s = (*store)->ReplacePartition(m, [&](crl::RevokedEntrySink& sink) {
      return crl::StreamAcceptedEntries(*d.accepted, sink, options.release_before);
    });
    ASSERT_TRUE(s.ok()) << s;
    const double total_s = Seconds(start);
    times.push_back(total_s);
    std::printf(
        "round %d (%s): check+hash %.2f s, total %.2f s = %.0f entries/s; VmRSS %ld KB, VmHWM %ld KB "
        "(before: RSS %ld, HWM %ld)\n",
        round, round == 0 ? "fresh store" : "replace, deletes the old generation", check_s, total_s,
        kEntries / total_s, StatusKb("VmRSS"), StatusKb("VmHWM"), rss_before, hwm_before);
  }
  auto p = (*store)->GetPartition("scale");
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->entry_count, kEntries);

  // Lookups: every 997th entry is found, and a serial that is not listed is not.
  std::vector<std::string> serials;
  auto parsed = crl::ParseCrl(f->data());
  ASSERT_TRUE(parsed.ok());
  int64_t i = 0;
  ASSERT_TRUE(crl::ForEachRevokedEntry(*parsed, [&](const crl::RevokedEntry& e) {
                if (i++ % 997 == 0) serials.emplace_back(e.serial);
                return absl::OkStatus();
              }).ok());
  std::vector<double> micros;
  for (const std::string& serial : serials) {
    const auto start = std::chrono::steady_clock::now();
    auto hit = (*store)->Lookup((*p)->issuer_key_id, serial);
    micros.push_back(Seconds(start) * 1e6);
    ASSERT_TRUE(hit.ok() && hit->has_value());
  }
  std::sort(micros.begin(), micros.end());
  std::printf("lookups: %zu, median %.1f us, p99 %.1f us (RocksDB path, no hot cache)\n", micros.size(),
              micros[micros.size() / 2], micros[micros.size() * 99 / 100]);
  auto miss = (*store)->Lookup((*p)->issuer_key_id, std::string("\x7f\x7f\x7f\x7f\x7f\x7f\x7f", 7));
  ASSERT_TRUE(miss.ok());
  EXPECT_FALSE(miss->has_value());
  X509_free(issuer);
}

}  // namespace
}  // namespace kensho::cache
