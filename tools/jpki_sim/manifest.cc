#include "tools/jpki_sim/manifest.h"

#include "tools/jpki_sim/json.h"

namespace kensho::sim {

std::string Rfc3339(absl::Time t) { return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()); }

std::string ManifestToJson(const Manifest& m) {
  JsonWriter w;
  w.BeginObject();
  w.FieldInt("version", 1);
  w.Key("seed");
  w.Uint(m.seed);
  w.Field("now", Rfc3339(m.now));
  w.FieldInt("people", m.people);
  w.Key("trust");
  w.BeginObject();
  for (const auto& [k, v] : m.trust) w.Field(k, v);
  w.EndObject();
  w.Field("partitions", m.partitions);
  for (const auto& [k, v] : m.extra) w.Field(k, v);
  w.Key("links");
  w.BeginArray();
  for (const ManifestLink& l : m.links) {
    w.SetCompact(true);
    w.BeginObject();
    w.Field("old", l.old_sha256);
    w.Field("new", l.new_sha256);
    w.Field("reason", l.reason);
    w.Field("event", l.event);
    w.EndObject();
  }
  w.EndArray();
  w.Key("items");
  w.BeginArray();
  for (const ManifestItem& it : m.items) {
    w.SetCompact(true);
    w.BeginObject();
    w.Field("id", it.id);
    w.Field("type", it.type);
    w.Key("files");
    w.BeginObject();
    for (const auto& [k, v] : it.files) w.Field(k, v);
    w.EndObject();
    if (!it.usage.empty()) w.Field("usage", it.usage);
    w.Field("trust_profile", it.trust_profile);
    w.Field("person", it.person);
    w.Field("kind", it.kind);
    if (!it.device.empty()) w.Field("device", it.device);
    if (!it.certificate_sha256.empty()) w.Field("certificate_sha256", it.certificate_sha256);
    w.Key("expect");
    w.BeginObject();
    w.Field("indication", it.expect.indication);
    w.Field("sub_indication", it.expect.sub_indication);
    w.Field("revocation_reason", it.expect.revocation_reason);
    w.FieldBool("needs_revocation", it.expect.needs_revocation);
    w.EndObject();
    w.Field("variant", it.variant);
    if (!it.note.empty()) w.Field("note", it.note);
    w.EndObject();
  }
  w.EndArray();
  w.Key("certificates");
  w.BeginArray();
  for (const ManifestCertificate& c : m.certificates) {
    w.SetCompact(true);
    w.BeginObject();
    w.Field("id", c.id);
    w.Field("person", c.person);
    w.Field("kind", c.kind);
    w.Field("device", c.device);
    w.Field("file", c.file);
    w.Field("sha256", c.sha256);
    w.Field("issuer", c.issuer);
    w.FieldInt("generation", c.generation);
    w.Field("serial", c.serial);
    w.Field("not_before", Rfc3339(c.not_before));
    w.Field("not_after", Rfc3339(c.not_after));
    w.Field("status", c.status);
    if (!c.revocation_reason.empty()) {
      w.Field("revocation_reason", c.revocation_reason);
      w.Field("revoked_at", Rfc3339(c.revoked_at));
    }
    if (!c.partition.empty()) w.Field("partition", c.partition);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Release();
}

}  // namespace kensho::sim
