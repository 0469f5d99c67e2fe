// loadgen: a gRPC load generator for kensho (issue 7), driven by a jpki_sim
// workload (manifest.json). Contract: ../shared/docs/api.md.
//
//   loadgen --target=127.0.0.1:50051 --workload=DIR --mode=unary|batch|stream|empty
//           (--concurrency=N | --rate=N) [--requests=N] [--duration=S]
//           [--batch_size=N] [--streams=N] [--types=signed_document,...]
//           [--variants=good,...] [--expect_revocation] [--json=FILE]
//           [--csv=FILE] [--svg=FILE] [--allow_remote]
//
// Closed loop (--concurrency=N, default 16): N items (unary: calls; batch: N
// batch calls; stream: N messages spread over --streams streams) are kept in
// flight; each completion sends the next one. Open loop (--rate=N items/s):
// items are sent on a fixed schedule whatever the server does, and latency
// is measured from the intended send time, so queueing is not hidden.
// Runs are always bounded: --requests=N items and/or --duration=S (default
// 10 s when neither is given); after that, in-flight work gets --drain=S
// (default 5 s) and is then cancelled.
//
// Items: signed_document -> VerifySignedDocument, certificate ->
// ValidateCertificate, auth_assertion -> IssueChallenge + the server nonce
// signed with the item's key (PKCS#1 v1.5, SHA-256) + VerifyAuthAssertion
// (two RPCs, one latency; unary mode only: batch and stream have no way to
// fetch a challenge inside the call, so logins are left out there).
// Every verdict is compared with the manifest's expectation (indication and
// sub_indication); items expecting REVOKED are left out unless
// --expect_revocation (for a server that has the world's CRLs loaded).
//
// --mode=empty sends grpc.health.v1.Health/Check instead of each item (unary,
// the same loops and counts; an answer other than SERVING is a mismatch): the
// cost of a gRPC call that does no work, to set beside kensho's (bench/compare).
//
// The client uses the gRPC callback API: no thread per outstanding call.
// Only loopback targets are accepted unless --allow_remote.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "base/file_io.h"
#include "bench/loadgen_stats.h"
#include "conformance/json.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "proto/kensho.grpc.pb.h"

namespace kensho::bench {
namespace {

using conformance::JsonValue;
using Clock = std::chrono::steady_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// ------------------------------------------------------------------ flags

struct Flags {
  std::string target;
  std::string workload;
  std::string mode = "unary";
  int concurrency = 0;  // 0: not given
  double rate = 0;      // items per second; 0: closed loop
  uint64_t requests = 0;
  double duration = 0;
  int batch_size = 100;
  int streams = 1;
  int channels = 1;
  std::set<std::string> types;
  std::set<std::string> variants;
  bool expect_revocation = false;
  bool allow_remote = false;
  std::string json, csv, svg;
  double timeout = 10;  // per unary/batch call
  double drain = 5;
  uint64_t max_inflight = 200000;  // open loop: items outstanding before the client drops
  int seed = 1;
  bool quiet = false;
};

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "loadgen: %s\n", msg.c_str());
  std::exit(2);
}

std::set<std::string> SplitSet(const std::string& s) {
  std::set<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (!part.empty()) out.insert(part);
  }
  return out;
}

double ParseDouble(const std::string& name, const std::string& v) {
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || d < 0) Die("--" + name + ": not a non-negative number: " + v);
  return d;
}

uint64_t ParseUint(const std::string& name, const std::string& v) {
  char* end = nullptr;
  unsigned long long u = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || v[0] == '-') Die("--" + name + ": not a count: " + v);
  return u;
}

const char kUsage[] =
    "usage: loadgen --target=HOST:PORT --workload=DIR [--mode=unary|batch|stream|empty]\n"
    "         [--concurrency=N | --rate=ITEMS_PER_S] [--requests=N] [--duration=S]\n"
    "         [--batch_size=N] [--streams=N] [--channels=N] [--types=a,b] [--variants=a,b]\n"
    "         [--expect_revocation] [--json=FILE] [--csv=FILE] [--svg=FILE]\n"
    "         [--timeout=S] [--drain=S] [--max_inflight=N] [--seed=N] [--quiet]\n"
    "         [--allow_remote]\n";

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (a.rfind("--", 0) != 0) Die("unexpected argument: " + a + "\n" + kUsage);
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto need = [&] {
      if (!has_value) Die("--" + name + " needs a value");
      return value;
    };
    auto boolean = [&] {
      return !has_value || value == "true" || value == "1" || value == "yes";
    };
    if (name == "target") f.target = need();
    else if (name == "workload") f.workload = need();
    else if (name == "mode") f.mode = need();
    else if (name == "concurrency") f.concurrency = static_cast<int>(ParseUint(name, need()));
    else if (name == "rate") f.rate = ParseDouble(name, need());
    else if (name == "requests") f.requests = ParseUint(name, need());
    else if (name == "duration") f.duration = ParseDouble(name, need());
    else if (name == "batch_size") f.batch_size = static_cast<int>(ParseUint(name, need()));
    else if (name == "streams") f.streams = static_cast<int>(ParseUint(name, need()));
    else if (name == "channels") f.channels = static_cast<int>(ParseUint(name, need()));
    else if (name == "types") f.types = SplitSet(need());
    else if (name == "variants") f.variants = SplitSet(need());
    else if (name == "expect_revocation") f.expect_revocation = boolean();
    else if (name == "allow_remote") f.allow_remote = boolean();
    else if (name == "json") f.json = need();
    else if (name == "csv") f.csv = need();
    else if (name == "svg") f.svg = need();
    else if (name == "timeout") f.timeout = ParseDouble(name, need());
    else if (name == "drain") f.drain = ParseDouble(name, need());
    else if (name == "max_inflight") f.max_inflight = ParseUint(name, need());
    else if (name == "seed") f.seed = static_cast<int>(ParseUint(name, need()));
    else if (name == "quiet") f.quiet = boolean();
    else Die("unknown flag --" + name + "\n" + kUsage);
  }
  if (f.target.empty()) Die("--target is required\n" + std::string(kUsage));
  if (f.workload.empty()) Die("--workload is required\n" + std::string(kUsage));
  if (f.mode != "unary" && f.mode != "batch" && f.mode != "stream" && f.mode != "empty") {
    Die("--mode must be unary, batch, stream or empty");
  }
  if (f.concurrency > 0 && f.rate > 0) Die("give --concurrency (closed loop) or --rate (open loop)");
  if (f.rate == 0 && f.concurrency == 0) f.concurrency = 16;
  if (f.requests == 0 && f.duration == 0) f.duration = 10;
  if (f.batch_size < 1 || f.batch_size > 10000) Die("--batch_size must be 1..10000");
  if (f.streams < 1) f.streams = 1;
  if (f.channels < 1) f.channels = 1;
  for (const auto& t : f.types) {
    if (t != "signed_document" && t != "certificate" && t != "auth_assertion") {
      Die("--types: unknown type " + t);
    }
  }
  return f;
}

// Loopback only, unless --allow_remote: localhost, 127.0.0.0/8, ::1, unix:.
bool IsLoopback(std::string target) {
  if (target.rfind("unix:", 0) == 0 || target.rfind("unix-abstract:", 0) == 0) return true;
  for (const char* scheme : {"dns:///", "ipv4:", "ipv6:"}) {
    if (target.rfind(scheme, 0) == 0) target = target.substr(std::string(scheme).size());
  }
  std::string host;
  if (!target.empty() && target[0] == '[') {
    auto close = target.find(']');
    if (close == std::string::npos) return false;
    host = target.substr(1, close - 1);
  } else {
    auto colon = target.rfind(':');
    host = colon == std::string::npos ? target : target.substr(0, colon);
    if (host.find(':') != std::string::npos) return false;  // bare IPv6 without brackets
  }
  if (host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1") return true;
  if (host.rfind("127.", 0) == 0) {
    int dots = 0;
    for (char c : host) {
      if (c == '.') ++dots;
      else if (c < '0' || c > '9') return false;
    }
    return dots == 3;
  }
  return false;
}

// ------------------------------------------------------------------ workload

std::string ReadFile(const std::string& path) {
  absl::StatusOr<std::string> data = ReadFileBounded(path);
  if (!data.ok()) Die(std::string(data.status().message()));
  return *std::move(data);
}

std::string Str(const JsonValue& v, const char* key) {
  const JsonValue* f = v.Find(key);
  return f != nullptr ? f->text() : "";
}

enum class Kind { kDocument, kCertificate, kLogin };

struct Item {
  std::string id, type, variant;
  Kind kind = Kind::kDocument;
  std::string expect_indication, expect_sub;
  v1::VerifyRequest request;  // documents and certificates (id set per send)
  // Logins.
  std::string certificate;
  EVP_PKEY* key = nullptr;    // shared, read-only
  bool corrupt_signature = false;
};

struct Workload {
  std::vector<Item> items;  // shuffled with --seed
  std::map<std::string, int> by_type;
  int skipped_revoked = 0;
  int skipped_filter = 0;
  int skipped_logins_mode = 0;
};

Workload LoadWorkload(const Flags& flags) {
  const std::string dir = flags.workload;
  auto manifest = conformance::ParseJson(ReadFile(dir + "/manifest.json"));
  if (!manifest.ok()) Die("manifest.json: " + std::string(manifest.status().message()));
  const JsonValue* items = manifest->Find("items");
  if (items == nullptr || !items->is_array()) Die("manifest.json has no items");
  Workload w;
  std::map<std::string, EVP_PKEY*> keys;
  for (const JsonValue& item : items->elements()) {
    const std::string type = Str(item, "type");
    const std::string variant = Str(item, "variant");
    const JsonValue* files = item.Find("files");
    const JsonValue* expect = item.Find("expect");
    if (files == nullptr || expect == nullptr) continue;
    if ((!flags.types.empty() && !flags.types.count(type)) ||
        (!flags.variants.empty() && !flags.variants.count(variant))) {
      ++w.skipped_filter;
      continue;
    }
    Item it;
    it.id = Str(item, "id");
    it.type = type;
    it.variant = variant;
    it.expect_indication = Str(*expect, "indication");
    it.expect_sub = Str(*expect, "sub_indication");
    if (it.expect_sub == "REVOKED" && !flags.expect_revocation) {
      ++w.skipped_revoked;
      continue;
    }
    if (type == "signed_document") {
      it.kind = Kind::kDocument;
      auto* d = it.request.mutable_signed_document();
      d->set_cms(ReadFile(dir + "/" + Str(*files, "cms")));
      if (files->Find("content") != nullptr) {
        d->set_detached_content(ReadFile(dir + "/" + Str(*files, "content")));
      }
      d->mutable_policy()->set_trust_profile(Str(item, "trust_profile"));
    } else if (type == "certificate") {
      it.kind = Kind::kCertificate;
      auto* c = it.request.mutable_certificate();
      c->set_certificate(ReadFile(dir + "/" + Str(*files, "certificate")));
      v1::Usage usage = v1::USAGE_ANY;
      v1::Usage_Parse(Str(item, "usage"), &usage);
      c->set_usage(usage);
      c->mutable_policy()->set_trust_profile(Str(item, "trust_profile"));
    } else if (type == "auth_assertion") {
      if (flags.mode != "unary") {
        ++w.skipped_logins_mode;
        continue;
      }
      it.kind = Kind::kLogin;
      it.certificate = ReadFile(dir + "/" + Str(*files, "certificate"));
      const std::string key_path = dir + "/" + Str(*files, "key");
      auto k = keys.find(key_path);
      if (k == keys.end()) {
        std::string pem = ReadFile(key_path);
        BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
        EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
        BIO_free(bio);
        if (key == nullptr) Die("cannot read key " + key_path);
        k = keys.emplace(key_path, key).first;
      }
      it.key = k->second;
      it.corrupt_signature = variant == "tampered" || variant == "wrong_key";
      // The policy's trust profile: the RPC's default (jpki-auth) unless named.
      it.request.mutable_auth_assertion()->mutable_policy()->set_trust_profile(
          Str(item, "trust_profile"));
    } else {
      ++w.skipped_filter;
      continue;
    }
    ++w.by_type[type];
    w.items.push_back(std::move(it));
  }
  if (w.items.empty()) Die("no items left in the workload after filtering");
  std::mt19937 rng(flags.seed);
  std::shuffle(w.items.begin(), w.items.end(), rng);
  return w;
}

// RSA PKCS#1 v1.5 over SHA-256, as the card signs a login nonce.
std::string SignNonce(EVP_PKEY* key, const std::string& nonce) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  std::string sig;
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(nonce.data()),
                     nonce.size()) == 1) {
    sig.resize(len);
    if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(nonce.data()), nonce.size()) != 1) {
      sig.clear();
    }
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  return sig;
}

// ------------------------------------------------------------------ recording

const char* CodeName(int code) {
  static const char* const kNames[] = {
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
      "UNAUTHENTICATED"};
  if (code >= 0 && code <= 16) return kNames[code];
  return "CODE_OUT_OF_RANGE";
}

class Recorder {
 public:
  explicit Recorder(int64_t start_ns) : start_ns_(start_ns) {}

  void Sent(uint64_t n, int64_t now_ns) {
    std::lock_guard<std::mutex> lock(mu_);
    sent_ += n;
    Second(now_ns).sent += n;
  }

  // One answered item: a verdict (checked) or an error code.
  void Verdict(const Item& item, const v1::Verdict& v, int64_t latency_ns, int64_t now_ns) {
    const std::string got_ind = v1::Indication_Name(v.indication());
    const std::string got_sub = v.sub_indication() == v1::SUB_INDICATION_UNSPECIFIED
                                    ? ""
                                    : v1::SubIndication_Name(v.sub_indication());
    bool match = got_ind == item.expect_indication && got_sub == item.expect_sub;
    std::lock_guard<std::mutex> lock(mu_);
    if (Answered(match, latency_ns, now_ns)) return;
    std::string kind = item.type + "/" + item.variant + ": expected " + item.expect_indication +
                       "/" + item.expect_sub + " got " + got_ind + "/" + got_sub;
    if (++mismatch_kinds_[kind] == 1 && mismatch_examples_.size() < 5) {
      mismatch_examples_.push_back(item.id + ": " + v.summary());
    }
  }

  // One answered --mode=empty call: counted like a verdict, as expected when
  // the server said SERVING.
  void Empty(bool serving, int64_t latency_ns, int64_t now_ns) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!Answered(serving, latency_ns, now_ns)) ++mismatch_kinds_["health: expected SERVING"];
  }

  void Error(int code, const std::string& message, int64_t latency_ns, int64_t now_ns,
             uint64_t n = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    SecondStats& s = Second(now_ns);
    for (uint64_t i = 0; i < n; ++i) {
      s.latency.Record(latency_ns);
      total_.Record(latency_ns);
    }
    s.completed += n;
    completed_ += n;
    s.errors += n;
    errors_ += n;
    if (code == static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED)) s.resource_exhausted += n;
    errors_by_code_[CodeName(code)] += n;
    if (error_examples_.size() < 5 && !error_examples_.count(CodeName(code))) {
      error_examples_[CodeName(code)] = message;
    }
  }

  // Items the client gave up on (cancelled at the end of --drain): errors,
  // but neither answers nor latencies.
  void Lost(int code, const std::string& message, uint64_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    errors_ += n;
    lost_ += n;
    errors_by_code_[CodeName(code)] += n;
    if (error_examples_.size() < 5 && !error_examples_.count(CodeName(code))) {
      error_examples_[CodeName(code)] = message;
    }
  }

  void NotSent(uint64_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    not_sent_ += n;
  }
  void Rpcs(uint64_t n) { rpcs_.fetch_add(n, std::memory_order_relaxed); }

  struct Snapshot {
    uint64_t sent, completed, verdicts, errors, mismatches, not_sent, rpcs, lost;
    LogHistogram total, verdict_latency;
    std::vector<SecondStats> seconds;
    std::map<std::string, uint64_t> errors_by_code, mismatch_kinds;
    std::map<std::string, std::string> error_examples;
    std::vector<std::string> mismatch_examples;
    int64_t last_completion_ns;
  };
  Snapshot Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return Snapshot{sent_,           completed_,      verdicts_,        errors_,
                    mismatches_,     not_sent_,       rpcs_.load(),     lost_,
                    total_,          verdict_latency_, seconds_,        errors_by_code_,
                    mismatch_kinds_, error_examples_, mismatch_examples_, last_ns_};
  }
  // For the progress line: the stats of second `i` (copy) and totals.
  bool SecondAt(size_t i, SecondStats* out, uint64_t* completed, uint64_t* errors,
                uint64_t* mismatches) {
    std::lock_guard<std::mutex> lock(mu_);
    *completed = completed_;
    *errors = errors_;
    *mismatches = mismatches_;
    if (i >= seconds_.size()) {
      *out = SecondStats();
      return false;
    }
    *out = seconds_[i];
    return true;
  }

 private:
  // Counts an answer (mu_ held); false, after counting it, when it was not
  // what was expected.
  bool Answered(bool as_expected, int64_t latency_ns, int64_t now_ns) {
    SecondStats& s = Second(now_ns);
    s.latency.Record(latency_ns);
    total_.Record(latency_ns);
    verdict_latency_.Record(latency_ns);
    ++s.completed;
    ++completed_;
    ++verdicts_;
    if (!as_expected) {
      ++s.mismatches;
      ++mismatches_;
    }
    return as_expected;
  }

  SecondStats& Second(int64_t now_ns) {
    last_ns_ = std::max(last_ns_, now_ns);
    int64_t i = (now_ns - start_ns_) / 1000000000;
    if (i < 0) i = 0;
    if (static_cast<size_t>(i) >= seconds_.size()) seconds_.resize(i + 1);
    return seconds_[i];
  }

  const int64_t start_ns_;
  std::mutex mu_;
  uint64_t sent_ = 0, completed_ = 0, verdicts_ = 0, errors_ = 0, mismatches_ = 0, not_sent_ = 0,
           lost_ = 0;
  std::atomic<uint64_t> rpcs_{0};
  int64_t last_ns_ = 0;
  LogHistogram total_, verdict_latency_;
  std::vector<SecondStats> seconds_;
  std::map<std::string, uint64_t> errors_by_code_, mismatch_kinds_;
  std::map<std::string, std::string> error_examples_;
  std::vector<std::string> mismatch_examples_;
};

// ------------------------------------------------------------------ control

// Hands out item sequence numbers until --requests or the stop flag.
class Control {
 public:
  Control(const Flags& flags, const Workload& w, Recorder* rec)
      : flags_(flags), w_(w), rec_(rec) {}

  // Reserves up to `want` items; returns how many (0: stop).
  uint64_t Reserve(uint64_t want, uint64_t* first) {
    if (stop_.load(std::memory_order_acquire)) return 0;
    uint64_t start = next_.fetch_add(want);
    uint64_t n = want;
    if (flags_.requests > 0) {
      if (start >= flags_.requests) return 0;
      n = std::min<uint64_t>(want, flags_.requests - start);
    }
    *first = start;
    return n;
  }
  const Item& ItemAt(uint64_t seq) const { return w_.items[seq % w_.items.size()]; }
  void Stop() { stop_.store(true, std::memory_order_release); }
  bool stopped() const { return stop_.load(std::memory_order_acquire); }
  bool exhausted() const { return flags_.requests > 0 && next_.load() >= flags_.requests; }

  // Outstanding items (sent, not answered).
  void AddInflight(int64_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    inflight_ += n;
    if (inflight_ == 0) cv_.notify_all();
  }
  int64_t inflight() {
    std::lock_guard<std::mutex> lock(mu_);
    return inflight_;
  }
  // Closed-loop chains still running.
  void ChainStarted() {
    std::lock_guard<std::mutex> lock(mu_);
    ++chains_;
  }
  void ChainEnded() {
    std::lock_guard<std::mutex> lock(mu_);
    if (--chains_ == 0) cv_.notify_all();
  }
  // Waits until no chains run and nothing is in flight, or until deadline.
  bool WaitIdle(Clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_until(lock, deadline, [&] { return chains_ == 0 && inflight_ == 0; });
  }
  bool WaitChainsDone(Clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_until(lock, deadline, [&] { return chains_ == 0; });
  }
  void Notify() { cv_.notify_all(); }

  const Flags& flags() const { return flags_; }
  Recorder* rec() { return rec_; }

 private:
  const Flags& flags_;
  const Workload& w_;
  Recorder* rec_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> next_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t inflight_ = 0;
  int chains_ = 0;
};

std::chrono::system_clock::time_point Deadline(double seconds) {
  return std::chrono::system_clock::now() +
         std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6));
}

// ------------------------------------------------------------------ unary

class UnaryDriver {
 public:
  // `health` non-empty: --mode=empty, each item is a Health/Check instead.
  UnaryDriver(Control* ctl, std::vector<std::unique_ptr<v1::Validator::Stub>>* stubs,
              std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>>* health)
      : ctl_(ctl), stubs_(stubs), health_(health) {}

  // Closed loop: one chain = one outstanding item.
  void StartChain() {
    ctl_->ChainStarted();
    if (!Next(/*intended_ns=*/-1, /*chain=*/true)) ctl_->ChainEnded();
  }
  // Open loop: one item now (intended at intended_ns). False: nothing left.
  bool Fire(int64_t intended_ns) { return Next(intended_ns, /*chain=*/false); }

 private:
  struct Op {
    const Item* item;
    int64_t t0;
    bool chain;
    grpc::ClientContext ctx;
    grpc::ClientContext ctx2;
    v1::IssueChallengeRequest challenge_req;
    v1::Challenge challenge;
    v1::VerifyAuthAssertionRequest auth;
    v1::Verdict verdict;
    grpc::health::v1::HealthCheckRequest health_req;
    grpc::health::v1::HealthCheckResponse health;
  };

  bool Next(int64_t intended_ns, bool chain) {
    uint64_t seq = 0;
    if (ctl_->Reserve(1, &seq) == 0) return false;
    auto* op = new Op;
    op->item = &ctl_->ItemAt(seq);
    op->chain = chain;
    const int64_t now = NowNs();
    op->t0 = intended_ns >= 0 ? intended_ns : now;
    ctl_->AddInflight(1);
    ctl_->rec()->Sent(1, now);
    ctl_->rec()->Rpcs(1);
    auto& stub = (*stubs_)[seq % stubs_->size()];
    op->ctx.set_deadline(Deadline(ctl_->flags().timeout));
    if (!health_->empty()) {
      (*health_)[seq % health_->size()]->async()->Check(
          &op->ctx, &op->health_req, &op->health, [this, op](grpc::Status s) { Done(op, s); });
      return true;
    }
    switch (op->item->kind) {
      case Kind::kDocument:
        stub->async()->VerifySignedDocument(&op->ctx, &op->item->request.signed_document(),
                                            &op->verdict,
                                            [this, op](grpc::Status s) { Done(op, s); });
        break;
      case Kind::kCertificate:
        stub->async()->ValidateCertificate(&op->ctx, &op->item->request.certificate(),
                                           &op->verdict,
                                           [this, op](grpc::Status s) { Done(op, s); });
        break;
      case Kind::kLogin: {
        v1::Validator::Stub* raw = stub.get();
        stub->async()->IssueChallenge(
            &op->ctx, &op->challenge_req, &op->challenge, [this, op, raw](grpc::Status s) {
              if (!s.ok()) return Done(op, s);
              op->auth = op->item->request.auth_assertion();  // the policy
              op->auth.set_nonce(op->challenge.nonce());
              op->auth.set_certificate(op->item->certificate);
              std::string sig = SignNonce(op->item->key, op->challenge.nonce());
              if (op->item->corrupt_signature && !sig.empty()) sig.back() ^= 1;
              op->auth.set_signature(std::move(sig));
              op->auth.set_algorithm(v1::RSA_PKCS1_SHA256);
              ctl_->rec()->Rpcs(1);
              op->ctx2.set_deadline(Deadline(ctl_->flags().timeout));
              raw->async()->VerifyAuthAssertion(&op->ctx2, &op->auth, &op->verdict,
                                                [this, op](grpc::Status s2) { Done(op, s2); });
            });
        break;
      }
    }
    return true;
  }

  void Done(Op* op, const grpc::Status& s) {
    const int64_t now = NowNs();
    if (s.ok() && !health_->empty()) {
      ctl_->rec()->Empty(op->health.status() == grpc::health::v1::HealthCheckResponse::SERVING,
                         now - op->t0, now);
    } else if (s.ok()) {
      ctl_->rec()->Verdict(*op->item, op->verdict, now - op->t0, now);
    } else {
      ctl_->rec()->Error(s.error_code(), s.error_message(), now - op->t0, now);
    }
    bool chain = op->chain;
    delete op;
    if (chain && !Next(-1, true)) ctl_->ChainEnded();
    ctl_->AddInflight(-1);
  }

  Control* ctl_;
  std::vector<std::unique_ptr<v1::Validator::Stub>>* stubs_;
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>>* health_;
};

// ------------------------------------------------------------------ batch

class BatchDriver {
 public:
  BatchDriver(Control* ctl, std::vector<std::unique_ptr<v1::Validator::Stub>>* stubs,
              int batch_size)
      : ctl_(ctl), stubs_(stubs), batch_size_(batch_size) {}

  void StartChain() {
    ctl_->ChainStarted();
    if (!Next(-1, true)) ctl_->ChainEnded();
  }
  bool Fire(int64_t intended_ns) { return Next(intended_ns, false); }

 private:
  struct Op {
    uint64_t first;
    uint64_t n;
    int64_t t0;
    bool chain;
    grpc::ClientContext ctx;
    v1::VerifyBatchRequest req;
    v1::VerifyBatchResponse resp;
  };

  bool Next(int64_t intended_ns, bool chain) {
    uint64_t first = 0;
    uint64_t n = ctl_->Reserve(batch_size_, &first);
    if (n == 0) return false;
    auto* op = new Op;
    op->first = first;
    op->n = n;
    op->chain = chain;
    for (uint64_t i = 0; i < n; ++i) {
      v1::VerifyRequest* r = op->req.add_items();
      *r = ctl_->ItemAt(first + i).request;
      r->set_id(first + i);
    }
    const int64_t now = NowNs();
    op->t0 = intended_ns >= 0 ? intended_ns : now;
    ctl_->AddInflight(static_cast<int64_t>(n));
    ctl_->rec()->Sent(n, now);
    ctl_->rec()->Rpcs(1);
    op->ctx.set_deadline(Deadline(ctl_->flags().timeout));
    (*stubs_)[first % stubs_->size()]->async()->VerifyBatch(
        &op->ctx, &op->req, &op->resp, [this, op](grpc::Status s) { Done(op, s); });
    return true;
  }

  void Done(Op* op, const grpc::Status& s) {
    const int64_t now = NowNs();
    const int64_t lat = now - op->t0;
    Recorder* rec = ctl_->rec();
    if (!s.ok()) {
      rec->Error(s.error_code(), s.error_message(), lat, now, op->n);
    } else {
      std::vector<bool> seen(op->n, false);
      for (const v1::VerifyResponse& r : op->resp.items()) {
        uint64_t k = r.id() - op->first;
        if (r.id() < op->first || k >= op->n || seen[k]) {
          rec->Error(static_cast<int>(grpc::StatusCode::INTERNAL), "unexpected response id", lat,
                     now);
          continue;
        }
        seen[k] = true;
        if (r.has_verdict()) {
          rec->Verdict(ctl_->ItemAt(r.id()), r.verdict(), lat, now);
        } else {
          rec->Error(r.error().code(), r.error().message(), lat, now);
        }
      }
      uint64_t missing = static_cast<uint64_t>(std::count(seen.begin(), seen.end(), false));
      if (missing > 0) {
        rec->Error(static_cast<int>(grpc::StatusCode::DATA_LOSS), "item missing from response",
                   lat, now, missing);
      }
    }
    bool chain = op->chain;
    int64_t n = static_cast<int64_t>(op->n);
    delete op;
    if (chain && !Next(-1, true)) ctl_->ChainEnded();
    ctl_->AddInflight(-n);
  }

  Control* ctl_;
  std::vector<std::unique_ptr<v1::Validator::Stub>>* stubs_;
  const int batch_size_;
};

// ------------------------------------------------------------------ stream

// One VerifyStream call. Closed loop: `window` items outstanding, refilled as
// responses arrive. Open loop: Send() from the pacer thread.
class StreamWorker final : public grpc::ClientBidiReactor<v1::VerifyRequest, v1::VerifyResponse> {
 public:
  StreamWorker(Control* ctl, v1::Validator::Stub* stub, int window)
      : ctl_(ctl), window_(window) {
    stub->async()->VerifyStream(&ctx_, this);
    StartRead(&response_);
    AddHold();  // writes come from outside reactions (pacer, refills)
    StartCall();
    ctl_->rec()->Rpcs(1);
    ctl_->ChainStarted();
    for (int i = 0; i < window_; ++i) {
      if (!Send(-1)) break;
    }
    std::lock_guard<std::mutex> lock(mu_);
    MaybeCloseLocked();
  }

  // Sends the next item (intended at intended_ns, or now). False: none left.
  bool Send(int64_t intended_ns) {
    uint64_t seq = 0;
    if (ctl_->Reserve(1, &seq) == 0) return false;
    const int64_t now = NowNs();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closing_ || broken_) {
        // Cannot send on this stream any more: count as not sent.
        ctl_->rec()->NotSent(1);
        return true;
      }
      pending_[seq] = intended_ns >= 0 ? intended_ns : now;
      outbox_.push_back(seq);
      ctl_->AddInflight(1);
      ctl_->rec()->Sent(1, now);
      WriteNextLocked();
    }
    return true;
  }

  // No more sends: half-close once everything is answered.
  void Shutdown() {
    std::lock_guard<std::mutex> lock(mu_);
    shutdown_ = true;
    MaybeCloseLocked();
  }
  // Gives up on what is still in flight: the call ends with CANCELLED and
  // OnDone counts the unanswered items.
  void Cancel() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!closing_) {
        closing_ = true;
        RemoveHold();
      }
    }
    ctx_.TryCancel();
  }
  size_t pending() {
    std::lock_guard<std::mutex> lock(mu_);
    return pending_.size();
  }
  // Blocks until OnDone ran.
  void WaitDone() {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return done_; });
  }
  bool WaitDoneUntil(Clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    return done_cv_.wait_until(lock, deadline, [&] { return done_; });
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    outbox_.pop_front();
    if (!ok) {
      broken_ = true;
      outbox_.clear();
    }
    WriteNextLocked();
    MaybeCloseLocked();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // stream over; OnDone follows
    const int64_t now = NowNs();
    int64_t t0 = -1;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = pending_.find(response_.id());
      if (it != pending_.end()) {
        t0 = it->second;
        pending_.erase(it);
      }
    }
    Recorder* rec = ctl_->rec();
    if (t0 < 0) {
      rec->Error(static_cast<int>(grpc::StatusCode::INTERNAL), "unexpected response id", 0, now);
    } else {
      if (response_.has_verdict()) {
        rec->Verdict(ctl_->ItemAt(response_.id()), response_.verdict(), now - t0, now);
      } else {
        rec->Error(response_.error().code(), response_.error().message(), now - t0, now);
      }
      ctl_->AddInflight(-1);
    }
    if (window_ > 0 && t0 >= 0) Send(-1);  // closed loop: refill
    {
      std::lock_guard<std::mutex> lock(mu_);
      MaybeCloseLocked();
    }
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& s) override {
    const int64_t now = NowNs();
    std::map<uint64_t, int64_t> lost;
    {
      std::lock_guard<std::mutex> lock(mu_);
      lost.swap(pending_);
    }
    (void)now;
    if (!lost.empty()) {
      ctl_->rec()->Lost(s.ok() ? static_cast<int>(grpc::StatusCode::DATA_LOSS) : s.error_code(),
                        s.ok() ? "stream ended without an answer"
                               : "unanswered at the end of --drain: " + s.error_message(),
                        lost.size());
    }
    if (!lost.empty()) ctl_->AddInflight(-static_cast<int64_t>(lost.size()));
    if (!s.ok() && lost.empty() && s.error_code() != grpc::StatusCode::CANCELLED) {
      std::fprintf(stderr, "loadgen: stream ended with %s: %s\n", CodeName(s.error_code()),
                   s.error_message().c_str());
    }
    stream_status_ = s;
    ctl_->ChainEnded();
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    done_cv_.notify_all();
  }

  grpc::Status status() const { return stream_status_; }

 private:
  void WriteNextLocked() {
    if (writing_ || outbox_.empty() || broken_) return;
    writing_ = true;
    write_ = ctl_->ItemAt(outbox_.front()).request;
    write_.set_id(outbox_.front());
    StartWrite(&write_);
  }
  // Half-closes when no more items will be sent and all are answered (closed
  // loop: nothing left to reserve).
  void MaybeCloseLocked() {
    if (closing_) return;
    bool no_more = shutdown_ || (window_ > 0 && (ctl_->stopped() || ctl_->exhausted()));
    if (!no_more || !pending_.empty() || writing_ || !outbox_.empty()) return;
    closing_ = true;
    if (!broken_) StartWritesDone();
    RemoveHold();
  }

  Control* ctl_;
  const int window_;  // 0: open loop
  grpc::ClientContext ctx_;
  v1::VerifyResponse response_;
  std::mutex mu_;
  std::condition_variable done_cv_;
  std::deque<uint64_t> outbox_;  // sequence numbers not yet written
  v1::VerifyRequest write_;       // the message being written
  std::map<uint64_t, int64_t> pending_;  // id -> intended send time
  bool writing_ = false, broken_ = false, shutdown_ = false, closing_ = false, done_ = false;
  grpc::Status stream_status_;
};

// ------------------------------------------------------------------ output

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void WriteFileOrDie(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) Die("cannot write " + path);
}

double Us(int64_t ns) { return static_cast<double>(ns) / 1000.0; }

int Run(const Flags& flags) {
  if (!flags.allow_remote && !IsLoopback(flags.target)) {
    Die("refusing non-loopback target " + flags.target + " (pass --allow_remote to override)");
  }
  Workload w = LoadWorkload(flags);
  std::string mix;
  for (const auto& [t, n] : w.by_type) mix += (mix.empty() ? "" : ", ") + t + "=" + std::to_string(n);
  std::fprintf(stderr,
               "loadgen: %zu items (%s); left out: %d expecting REVOKED%s, %d by --types/--variants, "
               "%d logins (mode %s)\n",
               w.items.size(), mix.c_str(), w.skipped_revoked,
               flags.expect_revocation ? "" : " (no --expect_revocation)", w.skipped_filter,
               w.skipped_logins_mode, flags.mode.c_str());

  std::vector<std::unique_ptr<v1::Validator::Stub>> stubs;
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> health;
  for (int i = 0; i < flags.channels; ++i) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);
    args.SetMaxSendMessageSize(-1);
    args.SetInt("grpc.use_local_subchannel_pool", 1);  // one connection per channel
    args.SetInt("kensho.loadgen.channel", i);
    auto channel = grpc::CreateCustomChannel(flags.target, grpc::InsecureChannelCredentials(), args);
    if (!channel->WaitForConnected(Deadline(5))) {
      Die("cannot connect to " + flags.target + " within 5 s");
    }
    stubs.push_back(v1::Validator::NewStub(channel));
    if (flags.mode == "empty") health.push_back(grpc::health::v1::Health::NewStub(channel));
  }

  const bool open_loop = flags.rate > 0;
  double pacer_lag_s = 0;  // open loop: how far behind schedule the client was at the end
  const int64_t start_ns = NowNs();
  const Clock::time_point start = Clock::now();
  const Clock::time_point end =
      flags.duration > 0
          ? start + std::chrono::microseconds(static_cast<int64_t>(flags.duration * 1e6))
          : Clock::time_point::max();
  Recorder rec(start_ns);
  Control ctl(flags, w, &rec);

  // Progress, once a second, on stderr.
  std::atomic<bool> progress_stop{false};
  std::thread progress([&] {
    for (size_t sec = 1; !progress_stop.load(); ++sec) {
      Clock::time_point at = start + std::chrono::seconds(sec);
      while (Clock::now() < at && !progress_stop.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (progress_stop.load()) break;
      SecondStats s;
      uint64_t done = 0, errors = 0, mism = 0;
      rec.SecondAt(sec - 1, &s, &done, &errors, &mism);
      if (!flags.quiet) {
        std::fprintf(stderr,
                     "[%3zus] %7llu items/s  p50 %8.0f us  p99 %8.0f us  errors %llu "
                     "(RESOURCE_EXHAUSTED %llu)  mismatches %llu  in flight %lld  total %llu\n",
                     sec, static_cast<unsigned long long>(s.completed),
                     Us(s.latency.Quantile(0.5)), Us(s.latency.Quantile(0.99)),
                     static_cast<unsigned long long>(errors),
                     static_cast<unsigned long long>(s.resource_exhausted),
                     static_cast<unsigned long long>(mism),
                     static_cast<long long>(ctl.inflight()),
                     static_cast<unsigned long long>(done));
      }
    }
  });

  UnaryDriver unary(&ctl, &stubs, &health);
  BatchDriver batch(&ctl, &stubs, flags.batch_size);
  std::vector<std::unique_ptr<StreamWorker>> streams;

  if (!open_loop) {
    if (flags.mode == "unary" || flags.mode == "empty") {
      for (int i = 0; i < flags.concurrency; ++i) unary.StartChain();
    } else if (flags.mode == "batch") {
      for (int i = 0; i < flags.concurrency; ++i) batch.StartChain();
    } else {
      int s = std::min(flags.streams, flags.concurrency);
      for (int i = 0; i < s; ++i) {
        int window = flags.concurrency / s + (i < flags.concurrency % s ? 1 : 0);
        streams.push_back(
            std::make_unique<StreamWorker>(&ctl, stubs[i % stubs.size()].get(), window));
      }
    }
    ctl.WaitChainsDone(end);  // returns early when --requests is reached
    ctl.Stop();
    for (auto& s : streams) s->Shutdown();
  } else {
    if (flags.mode == "stream") {
      for (int i = 0; i < flags.streams; ++i) {
        streams.push_back(
            std::make_unique<StreamWorker>(&ctl, stubs[i % stubs.size()].get(), /*window=*/0));
      }
    }
    const uint64_t per_fire = flags.mode == "batch" ? flags.batch_size : 1;
    const double period_ns = 1e9 * static_cast<double>(per_fire) / flags.rate;
    for (uint64_t k = 0;; ++k) {
      const int64_t intended = start_ns + static_cast<int64_t>(k * period_ns);
      const Clock::time_point at = start + std::chrono::nanoseconds(intended - start_ns);
      if (at >= end || ctl.exhausted()) break;
      const Clock::time_point now = Clock::now();
      if (now >= end) {
        // The client could not keep up with --rate: what was due and not
        // sent by the end is counted, not sent late.
        uint64_t due = static_cast<uint64_t>(
            std::chrono::duration<double, std::nano>(end - start).count() / period_ns);
        if (due > k) rec.NotSent((due - k) * per_fire);
        pacer_lag_s = std::chrono::duration<double>(now - at).count();
        break;
      }
      if (now < at) std::this_thread::sleep_until(at);
      else pacer_lag_s = std::chrono::duration<double>(now - at).count();
      if (static_cast<uint64_t>(ctl.inflight()) + per_fire > flags.max_inflight) {
        rec.NotSent(per_fire);  // the client's own bound: counted, not queued
        continue;
      }
      bool ok = flags.mode == "unary" || flags.mode == "empty" ? unary.Fire(intended)
                : flags.mode == "batch" ? batch.Fire(intended)
                                        : streams[k % streams.size()]->Send(intended);
      if (!ok) break;
    }
    ctl.Stop();
    for (auto& s : streams) s->Shutdown();
  }
  const Clock::time_point sending_stopped = Clock::now();

  // Drain: in-flight work gets --drain seconds, then streams are cancelled
  // (unary and batch calls end by their deadline).
  const Clock::time_point drain_end =
      sending_stopped + std::chrono::microseconds(static_cast<int64_t>(flags.drain * 1e6));
  bool drained = ctl.WaitIdle(drain_end);
  if (!drained) {
    std::fprintf(stderr, "loadgen: %lld items still in flight after --drain=%g s; cancelling\n",
                 static_cast<long long>(ctl.inflight()), flags.drain);
    for (auto& s : streams) s->Cancel();
    ctl.WaitIdle(Clock::now() + std::chrono::microseconds(
                                    static_cast<int64_t>((flags.timeout + 2) * 1e6)));
  }
  {
    const Clock::time_point until = Clock::now() + std::chrono::seconds(5);
    for (auto& s : streams) {
      if (!s->WaitDoneUntil(until)) {
        std::fprintf(stderr, "loadgen: a stream did not end; exiting without cleanup\n");
        std::fflush(nullptr);
        std::_Exit(1);
      }
    }
  }
  progress_stop.store(true);
  progress.join();

  Recorder::Snapshot snap = rec.Take();
  const double sending_s = std::chrono::duration<double>(sending_stopped - start).count();
  const int64_t last = std::max(snap.last_completion_ns, start_ns + 1);
  const double elapsed_s = static_cast<double>(last - start_ns) / 1e9;
  const double throughput = snap.completed / elapsed_s;
  const double verdict_rate = snap.verdicts / elapsed_s;
  const LogHistogram& h = snap.total;

  // Summary (stdout).
  std::string errs;
  for (const auto& [k, n] : snap.errors_by_code) {
    errs += (errs.empty() ? "" : ", ") + k + "=" + std::to_string(n);
  }
  std::printf("loadgen: mode=%s target=%s %s=%s%s duration=%.2fs (sending %.2fs)\n",
              flags.mode.c_str(), flags.target.c_str(), open_loop ? "rate" : "concurrency",
              open_loop ? std::to_string(static_cast<long long>(flags.rate)).c_str()
                        : std::to_string(flags.concurrency).c_str(),
              flags.mode == "batch"    ? (" batch_size=" + std::to_string(flags.batch_size)).c_str()
              : flags.mode == "stream" ? (" streams=" + std::to_string(flags.streams)).c_str()
                                       : "",
              elapsed_s, sending_s);
  std::printf("items: sent %llu, answered %llu (verdicts %llu), unanswered %llu, not sent %llu, "
              "rpcs %llu\n",
              static_cast<unsigned long long>(snap.sent),
              static_cast<unsigned long long>(snap.completed),
              static_cast<unsigned long long>(snap.verdicts),
              static_cast<unsigned long long>(snap.lost),
              static_cast<unsigned long long>(snap.not_sent),
              static_cast<unsigned long long>(snap.rpcs));
  std::printf("throughput: %.1f items/s (verdicts %.1f/s)\n", throughput, verdict_rate);
  if (open_loop && pacer_lag_s > 0.1) {
    std::printf("note: the client fell %.1f s behind --rate (its own CPU limit); items due but "
                "never sent are counted as not sent\n", pacer_lag_s);
  }
  std::printf("latency us: p50 %.0f  p90 %.0f  p99 %.0f  p999 %.0f  max %.0f  mean %.0f%s\n",
              Us(h.Quantile(0.5)), Us(h.Quantile(0.9)), Us(h.Quantile(0.99)),
              Us(h.Quantile(0.999)), Us(h.max()), h.mean() / 1000,
              open_loop ? " (from intended send time)" : "");
  if (snap.verdicts != snap.completed) {
    const LogHistogram& v = snap.verdict_latency;
    std::printf("verdicts only, us: p50 %.0f  p90 %.0f  p99 %.0f  p999 %.0f\n",
                Us(v.Quantile(0.5)), Us(v.Quantile(0.9)), Us(v.Quantile(0.99)),
                Us(v.Quantile(0.999)));
  }
  std::printf("errors: %llu%s%s%s\n", static_cast<unsigned long long>(snap.errors),
              errs.empty() ? "" : " (", errs.c_str(), errs.empty() ? "" : ")");
  for (const auto& [code, msg] : snap.error_examples) {
    std::printf("  e.g. %s: %s\n", code.c_str(), msg.c_str());
  }
  std::printf("mismatches: %llu\n", static_cast<unsigned long long>(snap.mismatches));
  for (const auto& [k, n] : snap.mismatch_kinds) {
    std::printf("  %llu x %s\n", static_cast<unsigned long long>(n), k.c_str());
  }
  for (const auto& e : snap.mismatch_examples) std::printf("  e.g. %s\n", e.c_str());

  if (!flags.json.empty()) {
    std::ostringstream j;
    j << "{\n  \"mode\": \"" << flags.mode << "\",\n  \"target\": \"" << JsonEscape(flags.target)
      << "\",\n  \"loop\": \"" << (open_loop ? "open" : "closed") << "\",\n  \"concurrency\": "
      << (open_loop ? 0 : flags.concurrency) << ",\n  \"rate\": " << flags.rate
      << ",\n  \"batch_size\": " << (flags.mode == "batch" ? flags.batch_size : 1)
      << ",\n  \"streams\": " << (flags.mode == "stream" ? flags.streams : 0)
      << ",\n  \"duration\": " << elapsed_s << ",\n  \"sending_s\": " << sending_s
      << ",\n  \"requests\": " << snap.completed << ",\n  \"sent\": " << snap.sent
      << ",\n  \"verdicts\": " << snap.verdicts << ",\n  \"not_sent\": " << snap.not_sent
      << ",\n  \"rpcs\": " << snap.rpcs << ",\n  \"pacer_lag_s\": " << pacer_lag_s << ",\n  \"throughput_per_s\": " << throughput
      << ",\n  \"verdicts_per_s\": " << verdict_rate << ",\n  \"p50_us\": " << Us(h.Quantile(0.5))
      << ",\n  \"p90_us\": " << Us(h.Quantile(0.9)) << ",\n  \"p99_us\": " << Us(h.Quantile(0.99))
      << ",\n  \"p999_us\": " << Us(h.Quantile(0.999)) << ",\n  \"max_us\": " << Us(h.max())
      << ",\n  \"mean_us\": " << h.mean() / 1000
      << ",\n  \"verdict_p50_us\": " << Us(snap.verdict_latency.Quantile(0.5))
      << ",\n  \"verdict_p99_us\": " << Us(snap.verdict_latency.Quantile(0.99))
      << ",\n  \"unanswered\": " << snap.lost << ",\n  \"errors\": " << snap.errors
      << ",\n  \"errors_by_code\": {";
    bool first = true;
    for (const auto& [k, n] : snap.errors_by_code) {
      j << (first ? "" : ", ") << "\"" << k << "\": " << n;
      first = false;
    }
    j << "},\n  \"mismatches\": " << snap.mismatches << ",\n  \"mismatch_kinds\": {";
    first = true;
    for (const auto& [k, n] : snap.mismatch_kinds) {
      j << (first ? "" : ", ") << "\"" << JsonEscape(k) << "\": " << n;
      first = false;
    }
    j << "},\n  \"workload_items\": " << w.items.size() << ",\n  \"types\": {";
    first = true;
    for (const auto& [k, n] : w.by_type) {
      j << (first ? "" : ", ") << "\"" << k << "\": " << n;
      first = false;
    }
    j << "},\n  \"skipped_revoked\": " << w.skipped_revoked << ",\n  \"seconds\": [";
    for (size_t i = 0; i < snap.seconds.size(); ++i) {
      const SecondStats& s = snap.seconds[i];
      j << (i ? ", " : "") << "{\"t\": " << i + 1 << ", \"throughput\": " << s.completed
        << ", \"p50_us\": " << Us(s.latency.Quantile(0.5))
        << ", \"p99_us\": " << Us(s.latency.Quantile(0.99)) << ", \"errors\": " << s.errors
        << ", \"resource_exhausted\": " << s.resource_exhausted
        << ", \"mismatches\": " << s.mismatches << "}";
    }
    j << "]\n}\n";
    WriteFileOrDie(flags.json, j.str());
  }
  if (!flags.csv.empty()) {
    std::ostringstream c;
    c << "second,throughput_per_s,p50_us,p99_us,errors,resource_exhausted,mismatches,sent\n";
    for (size_t i = 0; i < snap.seconds.size(); ++i) {
      const SecondStats& s = snap.seconds[i];
      c << i + 1 << "," << s.completed << "," << Us(s.latency.Quantile(0.5)) << ","
        << Us(s.latency.Quantile(0.99)) << "," << s.errors << "," << s.resource_exhausted << ","
        << s.mismatches << "," << s.sent << "\n";
    }
    WriteFileOrDie(flags.csv, c.str());
  }
  if (!flags.svg.empty()) {
    std::string title = "kensho loadgen: " + flags.mode + ", " +
                        (open_loop ? "rate " + std::to_string(static_cast<long long>(flags.rate))
                                   : "concurrency " + std::to_string(flags.concurrency)) +
                        ", " + std::to_string(static_cast<long long>(throughput)) + " items/s";
    // The picture shows whole seconds of sending only: the last, partial
    // second (the drain of answers in flight after sending stops) would read
    // as a collapse of throughput. The CSV and JSON keep every second.
    std::vector<SecondStats> shown = snap.seconds;
    const size_t whole = static_cast<size_t>(sending_s);
    if (whole >= 1 && shown.size() > whole) shown.resize(whole);
    WriteFileOrDie(flags.svg, RenderSvg(title, shown));
  }
  std::fflush(stdout);
  // Streams and stubs are torn down here; every call has ended.
  streams.clear();
  return 0;
}

}  // namespace
}  // namespace kensho::bench

int main(int argc, char** argv) {
  kensho::bench::Flags flags = kensho::bench::ParseFlags(argc, argv);
  return kensho::bench::Run(flags);
}
