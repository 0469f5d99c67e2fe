// The RocksDB key schema: every column family and key layout, in one place.
//
//   meta        "schema_version" -> decimal string (kSchemaVersion)
//   partitions  partition id (UTF-8) -> serialized partition metadata
//               (source, CRL number, thisUpdate, nextUpdate, ETag, issuer
//               generation); written with the partition's entries in one
//               WriteBatch so readers see a whole partition or the old one.
//   revoked     issuer key id (raw bytes) || 0x00 || serial (raw big-endian
//               bytes) -> serialized revoked entry (reason, revocation date,
//               invalidity date, partition id)
//   ocsp        SHA-256(CertID DER) -> serialized OCSP response with its
//               thisUpdate/nextUpdate
#ifndef KENSHO_CACHE_KEY_SCHEMA_H_
#define KENSHO_CACHE_KEY_SCHEMA_H_

#include <array>

namespace kensho::cache {

inline constexpr int kSchemaVersion = 1;

inline constexpr char kMetaFamily[] = "meta";
inline constexpr char kPartitionsFamily[] = "partitions";
inline constexpr char kRevokedFamily[] = "revoked";
inline constexpr char kOcspFamily[] = "ocsp";

inline constexpr std::array<const char*, 4> kFamilies = {
    kMetaFamily, kPartitionsFamily, kRevokedFamily, kOcspFamily};

inline constexpr char kSchemaVersionKey[] = "schema_version";

// Revocation layout (revocation_store.h), refining the `revoked` line above.
// Each replace of a partition writes a new store-wide generation; readers
// only believe entries whose generation is their partition's current one.
//   revoked     kRevokedEntryPrefix || u8 len || issuer key id || u8 len ||
//               serial || be64 generation -> revoked entry value
//               (revocation_codec.h: partition id, dates, reason)
//               (kRevokedGenerationPrefix || be64 generation || be64 batch
//               -> entry keys: a generation's index, written by earlier
//               versions to delete it entry by entry; no longer written
//               or read, and dropped by compaction. Retired generations
//               now go with compactions: live_generations.h)
//   partitions  partition id -> partition metadata (revocation_codec.h),
//               including its current generation
//   meta        kNextRevocationGenerationKey -> be64 next generation
inline constexpr char kRevokedEntryPrefix = 'e';
inline constexpr char kRevokedGenerationPrefix = 'g';
inline constexpr char kNextRevocationGenerationKey[] = "revocation_next_generation";

}  // namespace kensho::cache

#endif  // KENSHO_CACHE_KEY_SCHEMA_H_
