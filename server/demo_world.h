// The embedded default (--demo): a jpki_sim world generated once in the data
// folder and served as the jpki-sign / jpki-auth trust profiles.
#ifndef KENSHO_SERVER_DEMO_WORLD_H_
#define KENSHO_SERVER_DEMO_WORLD_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "proto/config.pb.h"

namespace kensho::server {

// DATA_DIR/demo.
std::string DemoWorldDir(const v1::ServerConfig& config);

// Generates the world if it is not complete yet (seeded, 200 people, `now`
// as its reference time), then adds its trust profiles to `config` unless
// the config already names them.
absl::Status PrepareDemoWorld(v1::ServerConfig* config, absl::Time now);

}  // namespace kensho::server

#endif  // KENSHO_SERVER_DEMO_WORLD_H_
