#include "server/server_options.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/file_io.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "server/yaml_to_json.h"

namespace kensho::server {
namespace {

// Collects the parser's messages instead of letting protobuf log them, so a
// bad config gives one clear line.
class ErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (first_.empty()) first_ = absl::StrCat("line ", line + 1, ":", column + 1, ": ", message);
  }
  void AddWarning(int, int, const std::string&) override {}
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

// `authenticated`: mTLS identifies every caller. Without it only loopback
// may listen: anything else would open verification and personal data to
// the network unauthenticated.
absl::Status CheckListen(const char* field, const std::string& value, bool required,
                         bool authenticated) {
  if (value.empty() && !required) return absl::OkStatus();
  auto hp = ParseHostPort(value);
  if (!hp.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", hp.status().message()));
  }
  if (!authenticated && !IsLoopbackHost(hp->host)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": '", value,
        "' is not a loopback address; listening beyond loopback needs mTLS "
        "(tls.cert_file, tls.key_file and tls.client_ca_file)"));
  }
  return absl::OkStatus();
}

bool IsDottedOid(const std::string& s) {
  int arcs = 0;
  bool digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c == '.' && digit) {
      ++arcs;
      digit = false;
    } else {
      return false;
    }
  }
  return digit && arcs >= 1;
}

// The proto3 JSON mapping, shared by .json and (converted) YAML configs.
absl::Status ParseJsonConfig(const std::string& path, const std::string& json,
                             v1::ServerConfig* config) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(json, config, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("config ", path, ": ", status.message().as_string()));
  }
  return absl::OkStatus();
}

absl::Status ParseYamlConfig(const std::string& path, const std::string& text,
                             v1::ServerConfig* config) {
  absl::StatusOr<std::string> json = YamlToJson(text);
  if (!json.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("config ", path, ": ", json.status().message()));
  }
  return ParseJsonConfig(path, *json, config);
}

}  // namespace

absl::StatusOr<HostPort> ParseHostPort(const std::string& text) {
  std::string host;
  std::string port_text;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not [IPv6]:PORT"));
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) {
      return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not HOST:PORT"));
    }
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  int port = -1;
  if (host.empty() || !absl::SimpleAtoi(port_text, &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not HOST:PORT with a port from 0 to 65535"));
  }
  return HostPort{host, port};
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

absl::StatusOr<v1::ServerConfig> LoadServerConfig(const std::string& config_path,
                                                  const FlagOverrides& flags) {
  v1::ServerConfig config;
  if (!config_path.empty()) {
    auto text = ReadFileBounded(config_path, 1 << 20);
    if (!text.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("config: ", text.status().message()));
    }
    // JSON (proto3 JSON mapping) for *.json, YAML (converted to the same
    // JSON) for *.yaml / *.yml, textproto otherwise.
    if (absl::EndsWith(config_path, ".json")) {
      if (absl::Status s = ParseJsonConfig(config_path, *text, &config); !s.ok()) return s;
    } else if (absl::EndsWith(config_path, ".yaml") || absl::EndsWith(config_path, ".yml")) {
      if (absl::Status s = ParseYamlConfig(config_path, *text, &config); !s.ok()) return s;
    } else {
      google::protobuf::TextFormat::Parser parser;
      ErrorCollector errors;
      parser.RecordErrorsTo(&errors);
      if (!parser.ParseFromString(*text, &config)) {
        return absl::InvalidArgumentError(
            absl::StrCat("config ", config_path, ": ", errors.first()));
      }
    }
  }
  if (flags.listen) config.set_listen(*flags.listen);
  if (flags.data_dir) config.set_data_dir(*flags.data_dir);
  if (flags.metrics_listen) config.set_metrics_listen(*flags.metrics_listen);
  if (flags.audit_log) config.set_audit_log(*flags.audit_log);
  if (flags.demo) config.set_demo(*flags.demo);

  if (config.listen().empty()) config.set_listen(kDefaultListen);
  if (config.data_dir().empty()) config.set_data_dir(kDefaultDataDir);
  auto* limits = config.mutable_limits();
  if (limits->max_message_bytes() == 0) limits->set_max_message_bytes(kDefaultMaxMessageBytes);
  if (limits->max_content_bytes() == 0) {
    limits->set_max_content_bytes(
        std::min<int64_t>(kDefaultMaxContentBytes, limits->max_message_bytes()));
  }

  const auto& tls = config.tls();
  if (tls.cert_file().empty() != tls.key_file().empty()) {
    return absl::InvalidArgumentError("tls: cert_file and key_file go together");
  }
  if (!tls.client_ca_file().empty() && tls.cert_file().empty()) {
    return absl::InvalidArgumentError("tls.client_ca_file: needs tls.cert_file and tls.key_file");
  }
  const bool mtls = !tls.client_ca_file().empty();
  if (!config.callers().empty() && !mtls) {
    return absl::InvalidArgumentError(
        "callers: identifying callers needs mTLS (tls.client_ca_file)");
  }
  if (mtls && config.allow_subject_without_authentication()) {
    return absl::InvalidArgumentError(
        "allow_subject_without_authentication: not with mTLS; give callers the PERSONAL_DATA role");
  }
  for (int i = 0; i < config.callers_size(); ++i) {
    const auto& c = config.callers(i);
    if (c.subject().empty() == c.sha256_fingerprint().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "callers[", i, "] '", c.name(), "': give exactly one of subject, sha256_fingerprint"));
    }
    if (c.rate_per_second() < 0 || c.burst() < 0 || c.max_streams() < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "callers[", i, "] '", c.name(), "': rate_per_second, burst and max_streams must not be negative"));
    }
    // NaN would read as "no limit" and infinity as a bucket that never
    // drains; both come from a typo (textproto nan/inf, JSON "NaN", YAML .nan).
    if (!std::isfinite(c.rate_per_second())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "callers[", i, "] '", c.name(), "'.rate_per_second: must be a finite number"));
    }
    if (c.roles().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("callers[", i, "] '", c.name(), "'.roles: empty"));
    }
  }
  if (absl::Status s = CheckListen("listen", config.listen(), true, mtls); !s.ok()) return s;
  // The metrics port has no authentication of its own: loopback only (put a
  // reverse proxy in front to expose it).
  if (absl::Status s = CheckListen("metrics_listen", config.metrics_listen(), false, false);
      !s.ok()) {
    return s;
  }
  if (config.allow_subject_without_authentication()) {
    auto hp = ParseHostPort(config.listen());
    if (hp.ok() && !IsLoopbackHost(hp->host)) {
      return absl::InvalidArgumentError(
          "allow_subject_without_authentication: only on a loopback listen address");
    }
  }
  if (limits->max_message_bytes() < 1024 || limits->max_message_bytes() > (1LL << 30)) {
    return absl::InvalidArgumentError(
        "limits.max_message_bytes: must be between 1024 and 1073741824");
  }
  if (limits->max_content_bytes() < 1 || limits->max_content_bytes() > limits->max_message_bytes()) {
    return absl::InvalidArgumentError(
        "limits.max_content_bytes: must be positive and at most limits.max_message_bytes");
  }
  for (int i = 0; i < config.trust_profiles_size(); ++i) {
    const auto& p = config.trust_profiles(i);
    if (p.name().empty()) {
      return absl::InvalidArgumentError(absl::StrCat("trust_profiles[", i, "].name: empty"));
    }
    if (p.anchor_files().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("trust_profiles[", i, "] '", p.name(), "'.anchor_files: empty"));
    }
  }
  for (const auto& [field, oid] :
       {std::pair<const char*, const std::string*>{"jpki_oids.signature_policy",
                                                   &config.jpki_oids().signature_policy()},
        {"jpki_oids.auth_policy", &config.jpki_oids().auth_policy()}}) {
    if (!oid->empty() && !IsDottedOid(*oid)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": '", *oid, "' is not a dotted OID such as 1.2.392.200149.8.5.1.1.20"));
    }
  }
  if (config.revocation().max_stale_seconds() < 0) {
    return absl::InvalidArgumentError("revocation.max_stale_seconds: must not be negative");
  }
  if (!config.demo() && config.trust_profiles().empty()) {
    return absl::InvalidArgumentError(
        "trust_profiles: none configured (give a --config file with trust profiles, "
        "or run with --demo)");
  }
  return config;
}

}  // namespace kensho::server
