#include "cache/revocation_codec.h"

#include "absl/status/status.h"
#include "cache/key_schema.h"

namespace kensho::cache {
namespace {

constexpr char kEntryFormat = 1;
constexpr char kPartitionFormat = 1;
constexpr uint8_t kNoReason = 0xff;

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutSigned(int64_t v, std::string* out) {
  PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63), out);
}

void PutBytes(absl::string_view s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s.data(), s.size());
}

void PutTime(absl::Time t, std::string* out) { PutSigned(absl::ToUnixSeconds(t), out); }

class Decoder {
 public:
  explicit Decoder(absl::string_view in) : in_(in) {}
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return false;
      const auto b = static_cast<uint8_t>(in_[0]);
      in_.remove_prefix(1);
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool Signed(int64_t* v) {
    uint64_t u;
    if (!Varint(&u)) return false;
    *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
    return true;
  }
  bool Time(absl::Time* t) {
    int64_t s;
    if (!Signed(&s)) return false;
    *t = absl::FromUnixSeconds(s);
    return true;
  }
  bool Bytes(std::string* s) {
    uint64_t n;
    if (!Varint(&n) || n > in_.size()) return false;
    s->assign(in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  bool Byte(uint8_t* b) {
    if (in_.empty()) return false;
    *b = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool done() const { return in_.empty(); }

 private:
  absl::string_view in_;
};

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(std::string("corrupt ") + std::string(what) + " in the revocation store");
}

}  // namespace

void AppendBigEndian64(uint64_t v, std::string* out) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t ReadBigEndian64(absl::string_view b) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(b[i]);
  return v;
}

std::string EntryKeyPrefix(absl::string_view issuer_key_id, absl::string_view serial) {
  std::string k;
  k.reserve(3 + issuer_key_id.size() + serial.size() + 8);
  k.push_back(kRevokedEntryPrefix);
  k.push_back(static_cast<char>(issuer_key_id.size()));
  k.append(issuer_key_id.data(), issuer_key_id.size());
  k.push_back(static_cast<char>(serial.size()));
  k.append(serial.data(), serial.size());
  return k;
}

std::string EntryKey(absl::string_view issuer_key_id, absl::string_view serial, uint64_t generation) {
  std::string k = EntryKeyPrefix(issuer_key_id, serial);
  AppendBigEndian64(generation, &k);
  return k;
}

std::string EncodeEntryValue(const crl::RevokedEntry& e, absl::string_view partition_id) {
  std::string v(1, kEntryFormat);
  PutBytes(partition_id, &v);
  PutTime(e.revocation_date, &v);
  v.push_back(static_cast<char>(e.reason ? static_cast<uint8_t>(*e.reason) : kNoReason));
  v.push_back(e.invalidity_date.has_value() ? 1 : 0);
  if (e.invalidity_date) PutTime(*e.invalidity_date, &v);
  return v;
}

absl::StatusOr<StoredRevokedEntry> DecodeEntryValue(absl::string_view value) {
  StoredRevokedEntry e;
  Decoder d(value);
  uint8_t format, reason, has_invalidity;
  if (!d.Byte(&format) || format != kEntryFormat || !d.Bytes(&e.partition_id) ||
      !d.Time(&e.revocation_date) || !d.Byte(&reason) || !d.Byte(&has_invalidity) || has_invalidity > 1) {
    return Corrupt("revoked entry");
  }
  if (reason != kNoReason) {
    if (!crl::IsValidReasonCode(reason)) return Corrupt("revocation reason");
    e.reason = static_cast<crl::RevocationReason>(reason);
  }
  if (has_invalidity) {
    absl::Time t;
    if (!d.Time(&t)) return Corrupt("invalidity date");
    e.invalidity_date = t;
  }
  if (!d.done()) return Corrupt("revoked entry (trailing bytes)");
  return e;
}

std::string EncodePartition(const PartitionMetadata& m) {
  std::string v(1, kPartitionFormat);
  PutBytes(m.partition_id, &v);
  PutBytes(m.source, &v);
  PutBytes(m.issuer_key_id, &v);
  PutBytes(m.idp_dirname, &v);
  PutBytes(m.crl_number, &v);
  PutTime(m.this_update, &v);
  v.push_back(m.next_update.has_value() ? 1 : 0);
  if (m.next_update) PutTime(*m.next_update, &v);
  PutBytes(m.etag, &v);
  PutBytes(m.last_modified, &v);
  PutTime(m.ingested_at, &v);
  PutSigned(m.entry_count, &v);
  PutVarint(m.generation, &v);
  // Optional trailer (absent in stores written before delta CRLs).
  if (m.delta) {
    const PartitionMetadata::Delta& x = *m.delta;
    v.push_back(1);
    PutVarint(x.generation, &v);
    PutBytes(x.crl_number, &v);
    PutBytes(x.base_crl_number, &v);
    PutTime(x.this_update, &v);
    v.push_back(x.next_update.has_value() ? 1 : 0);
    if (x.next_update) PutTime(*x.next_update, &v);
    PutSigned(x.entry_count, &v);
    PutBytes(x.source, &v);
  }
  return v;
}

absl::StatusOr<PartitionMetadata> DecodePartition(absl::string_view value) {
  PartitionMetadata m;
  Decoder d(value);
  uint8_t format, has_next;
  if (!d.Byte(&format) || format != kPartitionFormat || !d.Bytes(&m.partition_id) || !d.Bytes(&m.source) ||
      !d.Bytes(&m.issuer_key_id) || !d.Bytes(&m.idp_dirname) || !d.Bytes(&m.crl_number) ||
      !d.Time(&m.this_update) || !d.Byte(&has_next) || has_next > 1) {
    return Corrupt("partition metadata");
  }
  if (has_next) {
    absl::Time t;
    if (!d.Time(&t)) return Corrupt("partition nextUpdate");
    m.next_update = t;
  }
  if (!d.Bytes(&m.etag) || !d.Bytes(&m.last_modified) || !d.Time(&m.ingested_at) ||
      !d.Signed(&m.entry_count) || !d.Varint(&m.generation)) {
    return Corrupt("partition metadata");
  }
  if (d.done()) return m;
  uint8_t has_delta, has_delta_next;
  PartitionMetadata::Delta x;
  if (!d.Byte(&has_delta) || has_delta != 1 || !d.Varint(&x.generation) || !d.Bytes(&x.crl_number) ||
      !d.Bytes(&x.base_crl_number) || !d.Time(&x.this_update) || !d.Byte(&has_delta_next) ||
      has_delta_next > 1) {
    return Corrupt("partition delta");
  }
  if (has_delta_next) {
    absl::Time t;
    if (!d.Time(&t)) return Corrupt("partition delta nextUpdate");
    x.next_update = t;
  }
  if (!d.Signed(&x.entry_count) || !d.Bytes(&x.source) || !d.done()) return Corrupt("partition delta");
  m.delta = std::move(x);
  return m;
}

}  // namespace kensho::cache
