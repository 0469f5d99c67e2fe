// The server's settings: the config file (proto/config.proto: textproto,
// JSON for *.json, YAML for *.yaml / *.yml) with command-line flags laid
// over it, validated as a whole at startup.
#ifndef KENSHO_SERVER_SERVER_OPTIONS_H_
#define KENSHO_SERVER_SERVER_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "proto/config.pb.h"

namespace kensho::server {

// Values given on the command line; unset ones leave the file's value.
struct FlagOverrides {
  std::optional<std::string> listen;
  std::optional<std::string> data_dir;
  std::optional<std::string> metrics_listen;
  std::optional<std::string> audit_log;
  std::optional<bool> demo;
};

inline constexpr char kDefaultListen[] = "127.0.0.1:50051";
inline constexpr char kDefaultDataDir[] = "data";
inline constexpr int64_t kDefaultMaxMessageBytes = 32 << 20;
inline constexpr int64_t kDefaultMaxContentBytes = 16 << 20;

struct HostPort {
  std::string host;
  int port = 0;
};

// Parses "HOST:PORT" or "[V6]:PORT"; port 0 means "pick a free port".
absl::StatusOr<HostPort> ParseHostPort(const std::string& text);
bool IsLoopbackHost(const std::string& host);

// Reads `config_path` (empty: no file; at most 1 MiB), applies `flags` and
// defaults, and validates. Each error names the file or field and the
// problem. YAML is converted to JSON and read with the proto3 JSON mapping,
// like *.json; anchors/aliases, tags other than !!str and nesting deeper
// than 64 are refused (see YamlToJson in the .cc).
absl::StatusOr<v1::ServerConfig> LoadServerConfig(const std::string& config_path,
                                                  const FlagOverrides& flags);

}  // namespace kensho::server

#endif  // KENSHO_SERVER_SERVER_OPTIONS_H_
