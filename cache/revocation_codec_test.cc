#include "cache/revocation_codec.h"

#include "gtest/gtest.h"

namespace kensho::cache {
namespace {

TEST(RevocationCodec, EntryRoundTrip) {
  crl::RevokedEntry e;
  e.serial = "\x1d\xb3";
  e.revocation_date = absl::FromUnixSeconds(1732476115);
  e.reason = crl::RevocationReason::kCertificateHold;
  e.invalidity_date = absl::FromUnixSeconds(-5);
  absl::StatusOr<StoredRevokedEntry> d = DecodeEntryValue(EncodeEntryValue(e, "sign-gen3-x"));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->partition_id, "sign-gen3-x");
  EXPECT_EQ(d->revocation_date, e.revocation_date);
  EXPECT_EQ(d->reason, e.reason);
  EXPECT_EQ(d->invalidity_date, e.invalidity_date);
  e.reason.reset();
  e.invalidity_date.reset();
  d = DecodeEntryValue(EncodeEntryValue(e, "p"));
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->reason.has_value());
  EXPECT_FALSE(d->invalidity_date.has_value());
  const std::string good = EncodeEntryValue(e, "p");
  for (size_t n = 0; n < good.size(); ++n) EXPECT_FALSE(DecodeEntryValue(good.substr(0, n)).ok());
  EXPECT_FALSE(DecodeEntryValue(good + "x").ok());
}

TEST(RevocationCodec, PartitionRoundTrip) {
  PartitionMetadata m;
  m.partition_id = "sign-gen3-yamagata-iide-machi";
  m.source = "http://127.0.0.1:8080/x.crl";
  m.issuer_key_id = std::string(20, '\x01');
  m.idp_dirname = "CN=Iide-machi CRLDP, O=JPKI, C=JP";
  m.crl_number = "\x07\x83\x18";
  m.this_update = absl::FromUnixSeconds(1772319600);
  m.next_update = absl::FromUnixSeconds(1772409600);
  m.etag = "\"abc\"";
  m.last_modified = "Sat, 28 Feb 2026 23:00:00 GMT";
  m.ingested_at = absl::FromUnixSeconds(1772323200);
  m.entry_count = 1000000;
  m.generation = 42;
  absl::StatusOr<PartitionMetadata> d = DecodePartition(EncodePartition(m));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(EncodePartition(*d), EncodePartition(m));
  EXPECT_EQ(d->generation, 42u);
  EXPECT_EQ(d->next_update, m.next_update);
  const std::string good = EncodePartition(m);
  for (size_t n = 0; n < good.size(); ++n) EXPECT_FALSE(DecodePartition(good.substr(0, n)).ok());

  // With a delta CRL: an optional trailer (older values have none).
  m.delta.emplace();
  m.delta->generation = 43;
  m.delta->crl_number = "\x07\x83\x19";
  m.delta->base_crl_number = "\x07\x83\x18";
  m.delta->this_update = absl::FromUnixSeconds(1772330000);
  m.delta->next_update = absl::FromUnixSeconds(1772340000);
  m.delta->entry_count = 12;
  m.delta->source = "http://127.0.0.1:8080/x-delta.crl";
  const std::string with_delta = EncodePartition(m);
  absl::StatusOr<PartitionMetadata> dd = DecodePartition(with_delta);
  ASSERT_TRUE(dd.ok()) << dd.status();
  ASSERT_TRUE(dd->delta.has_value());
  EXPECT_EQ(dd->delta->generation, 43u);
  EXPECT_EQ(dd->current_next_update(), m.delta->next_update);
  EXPECT_EQ(EncodePartition(*dd), with_delta);
  for (size_t n = good.size() + 1; n < with_delta.size(); ++n) {
    EXPECT_FALSE(DecodePartition(with_delta.substr(0, n)).ok()) << n;
  }
}

TEST(RevocationCodec, KeysSortByIssuerSerialThenGeneration) {
  EXPECT_LT(EntryKey("k", "\x01", 9), EntryKey("k", "\x01", 10));
  EXPECT_EQ(EntryKey("k", "\x01", 9).substr(0, EntryKeyPrefix("k", "\x01").size()),
            EntryKeyPrefix("k", "\x01"));
  // Length prefixes keep a serial from being a prefix of a longer one.
  EXPECT_NE(EntryKey("k", "\x01", 1).substr(0, 4),
            EntryKeyPrefix("k", std::string("\x01\x00", 2)).substr(0, 4));
  // Generations sort numerically (big-endian), so older keys come first.
  EXPECT_LT(EntryKey("k", "\x01", 255), EntryKey("k", "\x01", 256));
}

}  // namespace
}  // namespace kensho::cache
