#include "cache/revocation_store.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cache/key_schema.h"
#include "crl/partition_ingest.h"
#include "crl/test_world.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"

namespace kensho::cache {
namespace {

using crl::RevocationReason;

std::string TmpDir(const std::string& name) { return std::string(std::getenv("TEST_TMPDIR")) + "/" + name; }

const std::string kKeyId(20, '\xab');

std::string Serial(int i) {
  std::string s;
  s.push_back(static_cast<char>(0x10 + (i >> 16)));
  s.push_back(static_cast<char>(i >> 8));
  s.push_back(static_cast<char>(i));
  return s;
}

PartitionMetadata Meta(const std::string& id, int number) {
  PartitionMetadata m;
  m.partition_id = id;
  m.source = "file:///crl/" + id + ".crl";
  m.issuer_key_id = kKeyId;
  m.crl_number = std::string(1, static_cast<char>(number));
  m.this_update = absl::FromUnixSeconds(1772319600);
  m.next_update = absl::FromUnixSeconds(1772409600);
  return m;
}

// Adds serials [from, to) with `reason`.
absl::Status AddRange(crl::RevokedEntrySink& sink, int from, int to, RevocationReason reason) {
  for (int i = from; i < to; ++i) {
    const std::string serial = Serial(i);
    crl::RevokedEntry e;
    e.serial = serial;
    e.revocation_date = absl::FromUnixSeconds(1700000000 + i);
    e.reason = reason;
    if (absl::Status s = sink.Add(e); !s.ok()) return s;
  }
  return absl::OkStatus();
}

std::optional<RevocationReason> ReasonOf(const RevocationStore& store, int i) {
  absl::StatusOr<std::optional<RevocationHit>> hit = store.Lookup(kKeyId, Serial(i));
  EXPECT_TRUE(hit.ok()) << hit.status();
  if (!hit.ok() || !hit->has_value()) return std::nullopt;
  return (*hit)->entry.reason;
}

// Entry keys in the revoked family (any generation), counted raw.
int64_t RawRevokedKeys(RocksStore& rocks) {
  std::unique_ptr<rocksdb::Iterator> it(
      rocks.db()->NewIterator(rocksdb::ReadOptions(), rocks.family(kRevokedFamily)));
  int64_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) n += it->key()[0] == kRevokedEntryPrefix;
  EXPECT_TRUE(it->status().ok());
  return n;
}

// Distinct generations that still have entry keys (raw, any generation).
std::set<uint64_t> RawGenerations(RocksStore& rocks) {
  std::unique_ptr<rocksdb::Iterator> it(
      rocks.db()->NewIterator(rocksdb::ReadOptions(), rocks.family(kRevokedFamily)));
  std::set<uint64_t> out;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string key = it->key().ToString();
    if (key[0] == kRevokedEntryPrefix) out.insert(ReadBigEndian64(key.substr(key.size() - 8)));
  }
  return out;
}

struct Opened {
  std::unique_ptr<RocksStore> rocks;
  std::unique_ptr<RevocationStore> store;
};

Opened OpenOrDie(const std::string& dir, int batch_entries = 8192) {
  Opened o;
  auto rocks = RocksStore::Open(dir);
  EXPECT_TRUE(rocks.ok()) << rocks.status();
  o.rocks = *std::move(rocks);
  RevocationStore::Options options;
  options.batch_entries = batch_entries;
  auto store = RevocationStore::Open(o.rocks.get(), options);
  EXPECT_TRUE(store.ok()) << store.status();
  o.store = *std::move(store);
  return o;
}

TEST(RevocationStore, ReplaceLookupAndList) {
  Opened db = OpenOrDie(TmpDir("basic"));
  RevocationStore& store = *db.store;
  ASSERT_TRUE(store
                  .ReplacePartition(Meta("p1", 1),
                                    [](crl::RevokedEntrySink& sink) {
                                      return AddRange(sink, 0, 100, RevocationReason::kKeyCompromise);
                                    })
                  .ok());
  ASSERT_TRUE(store
                  .ReplacePartition(Meta("p2", 1),
                                    [](crl::RevokedEntrySink& sink) {
                                      return AddRange(sink, 100, 150, RevocationReason::kCertificateHold);
                                    })
                  .ok());
  auto hit = store.Lookup(kKeyId, Serial(42));
  ASSERT_TRUE(hit.ok() && hit->has_value());
  EXPECT_EQ((*hit)->entry.partition_id, "p1");
  EXPECT_EQ((*hit)->entry.revocation_date, absl::FromUnixSeconds(1700000042));
  EXPECT_EQ((*hit)->partition.entry_count, 100);
  EXPECT_EQ((*hit)->partition.source, "file:///crl/p1.crl");
  EXPECT_EQ(ReasonOf(store, 120), RevocationReason::kCertificateHold);
  EXPECT_FALSE(ReasonOf(store, 150).has_value());
  // The same through the partition the certificate names.
  auto in_p1 = store.LookupInPartition("p1", Serial(42));
  ASSERT_TRUE(in_p1.ok() && in_p1->has_value()) << in_p1.status();
  EXPECT_EQ((*in_p1)->entry.revocation_date, absl::FromUnixSeconds(1700000042));
  EXPECT_EQ((*in_p1)->partition.generation, (*hit)->partition.generation);
  auto wrong_partition = store.LookupInPartition("p2", Serial(42));
  ASSERT_TRUE(wrong_partition.ok());
  EXPECT_FALSE(wrong_partition->has_value());
  auto no_partition = store.LookupInPartition("nowhere", Serial(42));
  ASSERT_TRUE(no_partition.ok());
  EXPECT_FALSE(no_partition->has_value());
  auto other_issuer = store.Lookup(std::string(20, '\xac'), Serial(42));
  ASSERT_TRUE(other_issuer.ok());
  EXPECT_FALSE(other_issuer->has_value());
  auto list = store.ListPartitions();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].partition_id, "p1");
  EXPECT_NE((*list)[0].generation, (*list)[1].generation);
  auto p2 = store.GetPartition("p2");
  ASSERT_TRUE(p2.ok() && p2->has_value());
  EXPECT_EQ((*p2)->entry_count, 50);
  // Replace p1 with fewer entries: the dropped ones disappear, old keys are deleted.
  ASSERT_TRUE(store
                  .ReplacePartition(Meta("p1", 2),
                                    [](crl::RevokedEntrySink& sink) {
                                      return AddRange(sink, 0, 10, RevocationReason::kSuperseded);
                                    })
                  .ok());
  EXPECT_EQ(ReasonOf(store, 5), RevocationReason::kSuperseded);
  EXPECT_FALSE(ReasonOf(store, 50).has_value());
  auto dropped = store.LookupInPartition("p1", Serial(50));
  ASSERT_TRUE(dropped.ok());
  EXPECT_FALSE(dropped->has_value());
  // The replaced generation is garbage that compaction drops (no deletes
  // were written); the current ones stay.
  ASSERT_TRUE(store.CompactGarbage().ok());
  EXPECT_EQ(RawRevokedKeys(*db.rocks), (10 + 50));
  ASSERT_TRUE(store.RemovePartition("p2").ok());
  EXPECT_FALSE(ReasonOf(store, 120).has_value());
  ASSERT_TRUE(store.CompactGarbage().ok());
  EXPECT_EQ(RawRevokedKeys(*db.rocks), 10);
  EXPECT_EQ(RawGenerations(*db.rocks).size(), 1u);
}

TEST(RevocationStore, FailedFillKeepsOldDataAndLeavesNothing) {
  Opened db = OpenOrDie(TmpDir("failed_fill"), 16);
  RevocationStore& store = *db.store;
  ASSERT_TRUE(store
                  .ReplacePartition(Meta("p", 1),
                                    [](crl::RevokedEntrySink& sink) {
                                      return AddRange(sink, 0, 100, RevocationReason::kKeyCompromise);
                                    })
                  .ok());
  absl::Status s = store.ReplacePartition(Meta("p", 2), [](crl::RevokedEntrySink& sink) {
    absl::Status added = AddRange(sink, 50, 500, RevocationReason::kSuperseded);
    if (!added.ok()) return added;
    return absl::InvalidArgumentError("CRL truncated after 450 entries");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(store, 60), RevocationReason::kKeyCompromise);
  EXPECT_FALSE(ReasonOf(store, 300).has_value());
  EXPECT_EQ((*store.GetPartition("p"))->crl_number, std::string(1, '\x01'));
  // What the failed writer wrote is garbage, gone with the next compaction.
  ASSERT_TRUE(store.CompactGarbage().ok());
  EXPECT_EQ(RawRevokedKeys(*db.rocks), 100);
}

// While a new generation is being written (and after it is flushed but not
// flipped) readers see exactly the old set; after the flip exactly the new
// one. A serial in both sets is never missing in between.
TEST(RevocationStore, ReplaceIsAtomicForReaders) {
  Opened db = OpenOrDie(TmpDir("atomic"), 64);
  RevocationStore& store = *db.store;
  ASSERT_TRUE(store
                  .ReplacePartition(Meta("p", 1),
                                    [](crl::RevokedEntrySink& sink) {
                                      return AddRange(sink, 0, 1000, RevocationReason::kKeyCompromise);
                                    })
                  .ok());

  std::atomic<bool> stop{false};
  std::atomic<int> anomalies{0};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (!stop.load()) {
      // 500 is in both sets, 10 only in the old one, 1500 only in the new one.
      auto both = store.Lookup(kKeyId, Serial(500));
      auto old_only = store.Lookup(kKeyId, Serial(10));
      if (!both.ok() || !both->has_value() || !old_only.ok()) ++anomalies;
      // The hot path's point reads: also never a gap while the old
      // generation is deleted under them.
      auto in_partition = store.LookupInPartition("p", Serial(500));
      if (!in_partition.ok() || !in_partition->has_value()) ++anomalies;
      ++reads;
    }
  });
  auto writer = store.BeginReplace("p", kKeyId);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(AddRange(**writer, 500, 2000, RevocationReason::kSuperseded).ok());
  ASSERT_TRUE((*writer)->Flush().ok());
  // A compaction while the writer is still at work keeps its generation
  // (live before its first write) and the current one.
  ASSERT_TRUE(store.CompactGarbage().ok());
  // Written, not flipped: the old set exactly.
  EXPECT_EQ(ReasonOf(store, 10), RevocationReason::kKeyCompromise);
  EXPECT_EQ(ReasonOf(store, 500), RevocationReason::kKeyCompromise);
  EXPECT_FALSE(ReasonOf(store, 1500).has_value());
  ASSERT_TRUE((*writer)->Commit(Meta("p", 2)).ok());
  EXPECT_FALSE(ReasonOf(store, 10).has_value());
  EXPECT_EQ(ReasonOf(store, 500), RevocationReason::kSuperseded);
  EXPECT_EQ(ReasonOf(store, 1500), RevocationReason::kSuperseded);
  stop = true;
  reader.join();
  EXPECT_EQ(anomalies.load(), 0);
  EXPECT_GT(reads.load(), 0);
  ASSERT_TRUE(store.CompactGarbage().ok());
  EXPECT_EQ(RawRevokedKeys(*db.rocks), 1500);
}

// kill -9 of a process in the middle of a replace (entries of the new
// generation durable in the WAL, no flip): after reopening, the old set is
// intact and the leftovers are garbage that compaction drops.
TEST(RevocationStore, KillDuringReplaceKeepsOldSetAndSweepCleans) {
  const std::string dir = TmpDir("killed");
  {
    Opened db = OpenOrDie(dir);
    ASSERT_TRUE(db.store
                    ->ReplacePartition(Meta("p", 1),
                                       [](crl::RevokedEntrySink& sink) {
                                         return AddRange(sink, 0, 1000, RevocationReason::kKeyCompromise);
                                       })
                    .ok());
  }
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Opened db = OpenOrDie(dir, 256);
    auto writer = db.store->BeginReplace("p", kKeyId);
    if (!writer.ok() || !AddRange(**writer, 500, 50000, RevocationReason::kSuperseded).ok() ||
        !(*writer)->Flush().ok()) {
      _exit(3);
    }
    char c = 'x';
    if (write(ready[1], &c, 1) != 1) _exit(4);
    // Keep writing until killed.
    AddRange(**writer, 50000, 1 << 20, RevocationReason::kSuperseded).IgnoreError();
    _exit(5);
  }
  close(ready[1]);
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  close(ready[0]);
  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));

  Opened db = OpenOrDie(dir);
  // The leftovers are there, invisible to readers.
  EXPECT_GE(RawRevokedKeys(*db.rocks), 1000 + 49500);
  EXPECT_EQ(RawGenerations(*db.rocks).size(), 2u);
  EXPECT_EQ(ReasonOf(*db.store, 10), RevocationReason::kKeyCompromise);
  EXPECT_EQ(ReasonOf(*db.store, 999), RevocationReason::kKeyCompromise);
  EXPECT_FALSE(ReasonOf(*db.store, 1500).has_value());
  // Garbage: the next compaction leaves only the current generation.
  ASSERT_TRUE(db.store->CompactGarbage().ok());
  EXPECT_EQ(RawRevokedKeys(*db.rocks), 1000);
  EXPECT_EQ(RawGenerations(*db.rocks).size(), 1u);
  EXPECT_EQ(ReasonOf(*db.store, 10), RevocationReason::kKeyCompromise);
  // And the store keeps working: a new replace after the crash.
  ASSERT_TRUE(db.store
                  ->ReplacePartition(Meta("p", 3),
                                     [](crl::RevokedEntrySink& sink) {
                                       return AddRange(sink, 0, 5, RevocationReason::kCaCompromise);
                                     })
                  .ok());
  EXPECT_EQ(ReasonOf(*db.store, 3), RevocationReason::kCaCompromise);
  EXPECT_FALSE(ReasonOf(*db.store, 10).has_value());
}

// A delta CRL over the complete one: its entries are looked up first,
// removeFromCRL releases a held certificate, a newer delta replaces the
// older, and a new complete CRL drops the delta.
TEST(RevocationStore, DeltaCrlOverTheCompleteOne) {
  Opened db = OpenOrDie(TmpDir("delta"));
  RevocationStore& store = *db.store;
  auto in_partition = [&](int i) -> std::optional<RevocationReason> {
    auto hit = store.LookupInPartition("p", Serial(i));
    EXPECT_TRUE(hit.ok()) << hit.status();
    if (!hit.ok() || !hit->has_value()) return std::nullopt;
    return (*hit)->entry.reason;
  };
  // No complete CRL yet: a delta has nothing to apply to.
  {
    auto early = store.BeginDelta("p", kKeyId);
    ASSERT_TRUE(early.ok());
    EXPECT_EQ((*early)->CommitDelta({}).code(), absl::StatusCode::kFailedPrecondition);
  }
  ASSERT_TRUE(store
                  .ReplacePartition(Meta("p", 1),
                                    [](crl::RevokedEntrySink& sink) {
                                      return AddRange(sink, 0, 100, RevocationReason::kCertificateHold);
                                    })
                  .ok());
  auto apply_delta = [&](int number, int released, int added) {
    auto writer = store.BeginDelta("p", kKeyId);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(AddRange(**writer, released, released + 1, RevocationReason::kRemoveFromCrl).ok());
    ASSERT_TRUE(AddRange(**writer, added, added + 1, RevocationReason::kKeyCompromise).ok());
    PartitionMetadata::Delta d;
    d.crl_number = std::string(1, static_cast<char>(number));
    d.base_crl_number = std::string(1, '\x01');
    d.this_update = absl::FromUnixSeconds(1772320000 + number);
    d.next_update = absl::FromUnixSeconds(1772330000 + number);
    ASSERT_TRUE((*writer)->CommitDelta(d).ok());
  };
  apply_delta(2, /*released=*/10, /*added=*/150);
  EXPECT_FALSE(in_partition(10).has_value());  // released from hold
  EXPECT_FALSE(ReasonOf(store, 10).has_value());
  EXPECT_EQ(in_partition(11), RevocationReason::kCertificateHold);
  EXPECT_EQ(in_partition(150), RevocationReason::kKeyCompromise);
  EXPECT_EQ(ReasonOf(store, 150), RevocationReason::kKeyCompromise);
  auto meta = store.GetPartition("p");
  ASSERT_TRUE(meta.ok() && meta->has_value() && (*meta)->delta.has_value());
  EXPECT_EQ((*meta)->current_next_update(), absl::FromUnixSeconds(1772330002));

  // A newer delta replaces the older one: 10 is held again, 20 released.
  apply_delta(3, /*released=*/20, /*added=*/160);
  EXPECT_EQ(in_partition(10), RevocationReason::kCertificateHold);
  EXPECT_FALSE(in_partition(20).has_value());
  EXPECT_FALSE(in_partition(150).has_value());
  EXPECT_EQ(in_partition(160), RevocationReason::kKeyCompromise);

  // A new complete CRL drops the delta.
  ASSERT_TRUE(store
                  .ReplacePartition(Meta("p", 4),
                                    [](crl::RevokedEntrySink& sink) {
                                      return AddRange(sink, 0, 50, RevocationReason::kKeyCompromise);
                                    })
                  .ok());
  EXPECT_EQ(in_partition(20), RevocationReason::kKeyCompromise);
  EXPECT_FALSE(in_partition(160).has_value());
  EXPECT_FALSE((*store.GetPartition("p"))->delta.has_value());
  ASSERT_TRUE(store.CompactGarbage().ok());
  EXPECT_EQ(RawGenerations(*db.rocks).size(), 1u);
  EXPECT_EQ(RawRevokedKeys(*db.rocks), 50);
}

// The domain ingest streaming straight into the store: every jpki_sim
// partition, then each revoked serial is found under its issuer.
TEST(RevocationStore, IngestsSimulatedWorld) {
  const crl::testing::SimWorld& world = crl::testing::World();
  Opened db = OpenOrDie(TmpDir("world"));
  std::map<std::string, X509*> roots;
  int64_t total = 0;
  for (const crl::testing::SimPartition& p : world.partitions) {
    if (!roots.count(p.issuer)) roots[p.issuer] = crl::testing::ReadPemCertOrDie(world.dir + "/" + p.issuer);
    crl::PartitionSpec spec;
    spec.partition_id = p.id;
    spec.expected_idp_dirname = p.dirname;
    spec.issuer_generations = {roots[p.issuer]};
    const std::string der = crl::testing::ReadFileOrDie(world.dir + "/" + p.file);
    crl::PartitionCrlDecision d = crl::CheckPartitionCrl(spec, der, world.now);
    ASSERT_TRUE(d.ok()) << d.status(p.id);
    PartitionMetadata m;
    m.partition_id = p.id;
    m.source = p.file;
    m.issuer_key_id = d.accepted->issuer_key_id;
    m.idp_dirname = p.dirname;
    m.crl_number = *d.accepted->crl.header.crl_number;
    m.this_update = d.accepted->crl.header.this_update;
    m.next_update = d.accepted->crl.header.next_update;
    m.ingested_at = world.now;
    ASSERT_TRUE(
        db.store
            ->ReplacePartition(
                m, [&](crl::RevokedEntrySink& sink) { return crl::StreamAcceptedEntries(*d.accepted, sink); })
            .ok());
    // Every serial of this CRL is now found, with its reason.
    ASSERT_TRUE(crl::ForEachRevokedEntry(d.accepted->crl, [&](const crl::RevokedEntry& e) {
                  auto hit = db.store->Lookup(m.issuer_key_id, e.serial);
                  EXPECT_TRUE(hit.ok() && hit->has_value());
                  if (hit.ok() && hit->has_value()) {
                    EXPECT_EQ((*hit)->partition.partition_id, p.id);
                    EXPECT_EQ((*hit)->entry.reason, e.reason);
                    EXPECT_EQ((*hit)->entry.invalidity_date, e.invalidity_date);
                  }
                  ++total;
                  return absl::OkStatus();
                }).ok());
  }
  EXPECT_GT(total, 10);
  auto list = db.store->ListPartitions();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), world.partitions.size());
  for (auto& [name, cert] : roots) X509_free(cert);
}

}  // namespace
}  // namespace kensho::cache
