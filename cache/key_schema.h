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

}  // namespace kensho::cache

#endif  // KENSHO_CACHE_KEY_SCHEMA_H_
