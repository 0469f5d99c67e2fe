// Byte layouts of the revocation data in RocksDB (keys per key_schema.h):
// entry keys, generation-index keys, entry values and partition metadata.
// Values start with a format version octet; decoding rejects anything it
// does not fully understand (DataLoss), so a corrupt value never reads as a
// valid revocation status.
#ifndef KENSHO_CACHE_REVOCATION_CODEC_H_
#define KENSHO_CACHE_REVOCATION_CODEC_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crl/revoked_entry.h"

namespace kensho::cache {

inline constexpr size_t kMaxKeyIdBytes = 64;
inline constexpr size_t kMaxSerialBytes = 64;

// What the store keeps about one partition's current CRL.
struct PartitionMetadata {
  std::string partition_id;
  std::string source;         // where the CRL came from (URL or file)
  std::string issuer_key_id;  // SKI of the generation that signed it
  std::string idp_dirname;    // printable IDP DirName; empty for complete CRLs
  std::string crl_number;     // big-endian magnitude bytes
  absl::Time this_update;
  std::optional<absl::Time> next_update;
  std::string etag;  // HTTP validators for conditional GET
  std::string last_modified;
  absl::Time ingested_at;
  int64_t entry_count = 0;
  uint64_t generation = 0;  // set by RevocationStore on commit

  // The delta CRL applied on top of this complete CRL, if any (RFC 5280
  // 5.2.4): its entries are looked up first; removeFromCRL there releases
  // a certificate the complete CRL holds. A new complete CRL drops it.
  struct Delta {
    uint64_t generation = 0;  // set by RevocationStore on commit
    std::string crl_number;   // big-endian magnitude bytes
    std::string base_crl_number;
    absl::Time this_update;
    std::optional<absl::Time> next_update;
    int64_t entry_count = 0;
    std::string source;
  };
  std::optional<Delta> delta;

  // What answers now: the delta's times when there is one.
  absl::Time current_this_update() const { return delta ? delta->this_update : this_update; }
  std::optional<absl::Time> current_next_update() const {
    return delta ? delta->next_update : next_update;
  }
};

// An entry as stored (owning; the domain's RevokedEntry aliases CRL bytes).
struct StoredRevokedEntry {
  std::string serial;
  absl::Time revocation_date;
  std::optional<crl::RevocationReason> reason;
  std::optional<absl::Time> invalidity_date;
  std::string partition_id;
};

// The part of an entry key before the generation: lookup prefix.
std::string EntryKeyPrefix(absl::string_view issuer_key_id, absl::string_view serial);
// Entry prefix || be64 generation.
std::string EntryKey(absl::string_view issuer_key_id, absl::string_view serial, uint64_t generation);
void AppendBigEndian64(uint64_t v, std::string* out);
uint64_t ReadBigEndian64(absl::string_view eight_bytes);

std::string EncodeEntryValue(const crl::RevokedEntry& entry, absl::string_view partition_id);
// `serial` is filled from the caller (it is in the key, not the value).
absl::StatusOr<StoredRevokedEntry> DecodeEntryValue(absl::string_view value);

std::string EncodePartition(const PartitionMetadata& m);
absl::StatusOr<PartitionMetadata> DecodePartition(absl::string_view value);

}  // namespace kensho::cache

#endif  // KENSHO_CACHE_REVOCATION_CODEC_H_
