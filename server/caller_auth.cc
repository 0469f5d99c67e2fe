#include "server/caller_auth.h"

#include <grpcpp/security/auth_context.h>
#include <grpcpp/server_context.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "verify/certificate.h"

namespace kensho::server {
namespace {

constexpr size_t kMaxMemo = 10000;

}  // namespace

bool RateLimiter::TryTake(double n, absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (last_ != absl::InfinitePast()) {
    tokens_ = std::min(burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * rate_);
  }
  last_ = now;
  if (tokens_ < n) return false;
  tokens_ -= n;
  return true;
}

bool StreamLimiter::TryOpen() {
  absl::MutexLock lock(&mu_);
  if (open_ >= max_) return false;
  ++open_;
  return true;
}

void StreamLimiter::Close() {
  absl::MutexLock lock(&mu_);
  --open_;
}

CallerAuthorizer::CallerAuthorizer(const v1::ServerConfig& config) {
  mtls_ = !config.tls().client_ca_file().empty();
  Reload(config);
}

void CallerAuthorizer::Reload(const v1::ServerConfig& config) {
  CallerRights open_rights = {"(unauthenticated loopback)", true,
                              config.allow_subject_without_authentication(), true};
  std::vector<Caller> callers;
  for (const auto& c : config.callers()) {
    Caller caller;
    caller.subject = c.subject();
    caller.fingerprint = absl::AsciiStrToLower(c.sha256_fingerprint());
    caller.rights.name = c.name();
    if (c.rate_per_second() > 0) {
      caller.rights.rate = std::make_shared<RateLimiter>(
          c.rate_per_second(), std::max<double>(1.0, c.burst() > 0 ? c.burst() : c.rate_per_second()));
    }
    if (c.max_streams() > 0) caller.rights.streams = std::make_shared<StreamLimiter>(c.max_streams());
    for (int role : c.roles()) {
      caller.rights.relying_party |= role == v1::RELYING_PARTY;
      caller.rights.personal_data |= role == v1::PERSONAL_DATA;
      caller.rights.admin |= role == v1::ADMIN;
    }
    callers.push_back(std::move(caller));
  }
  open_rights_.Set(std::make_shared<const CallerRights>(std::move(open_rights)));
  absl::MutexLock lock(&mu_);
  callers_ = std::move(callers);
  memo_.clear();
  generation_.fetch_add(1, std::memory_order_release);
}

absl::StatusOr<CallerRights> CallerAuthorizer::Identify(
    const grpc::ServerContextBase& context) const {
  if (!mtls_) return *open_rights_.Get();
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  std::string pem;
  if (auth != nullptr) {
    for (const grpc::string_ref& v : auth->FindPropertyValues("x509_pem_cert")) {
      pem.assign(v.data(), v.size());
    }
  }
  return IdentifyPem(pem);
}

absl::StatusOr<CallerRights> CallerAuthorizer::IdentifyPem(const std::string& pem) const {
  if (!mtls_) return *open_rights_.Get();
  if (pem.empty()) return absl::UnauthenticatedError("a client certificate is required");
  // Read before the shared memo: an answer is tagged with a generation no
  // newer than the callers it was found among.
  const uint64_t generation = generation_.load(std::memory_order_acquire);
  if (auto recent = recent_.Find(pem); recent != nullptr && recent->generation == generation) {
    return recent->rights;
  }
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = memo_.find(pem);
    if (it != memo_.end()) {
      recent_.Put(pem, std::make_shared<const Recent>(Recent{generation, it->second}));
      return it->second;
    }
  }
  absl::StatusOr<CallerRights> result =
      absl::PermissionDeniedError("this client certificate is not a configured caller");
  std::vector<Caller> callers;
  {
    absl::MutexLock lock(&mu_);
    callers = callers_;
  }
  auto certs = verify::Certificate::ParseBundle(pem);
  if (!certs.ok() || certs->empty()) {
    result = absl::UnauthenticatedError("unreadable client certificate");
  } else {
    const verify::Certificate& cert = *certs->front();
    for (const Caller& c : callers) {
      if ((!c.fingerprint.empty() && c.fingerprint == cert.sha256_hex()) ||
          (!c.subject.empty() && c.subject == cert.subject())) {
        result = c.rights;
        break;
      }
    }
    if (!result.ok()) {
      result = absl::PermissionDeniedError(absl::StrCat(
          "client certificate '", cert.subject(), "' (sha256 ", cert.sha256_hex(),
          ") is not a configured caller"));
    }
  }
  recent_.Put(pem, std::make_shared<const Recent>(Recent{generation, result}));
  absl::MutexLock lock(&mu_);
  // Judged against callers a Reload has since replaced: not worth keeping.
  if (generation_.load(std::memory_order_relaxed) != generation) return result;
  if (memo_.size() >= kMaxMemo) memo_.clear();
  memo_.emplace(pem, result);
  return result;
}

}  // namespace kensho::server
