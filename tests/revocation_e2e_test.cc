// Revocation end to end: kensho fetches per-municipality CRLs from a real
// HTTP server (python3 -m http.server on loopback), answers REVOKED / GOOD /
// UNKNOWN from them, keeps the previous CRL when the source serves garbage,
// applies its fetch timeout to a source that never answers, and accepts
// pushed CRLs through Admin.ImportCrl.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "conformance/json.h"
#include "gtest/gtest.h"
#include "proto/kensho.grpc.pb.h"
#include "tests/e2e_client.h"
#include "tests/e2e_util.h"
#include "tests/server_process.h"
#include "tools/jpki_sim/world.h"

namespace kensho {
namespace {

using ::kensho::testing::ReadFile;
using ::kensho::testing::Str;

using conformance::JsonValue;

// python3's http.server on 127.0.0.1, serving `dir`.
class HttpServer {
 public:
  explicit HttpServer(const std::string& dir) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      ::execlp("python3", "python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
               "--directory", dir.c_str(), nullptr);
      ::_exit(127);
    }
    ::close(fds[1]);
    std::string line;
    char c;
    while (::read(fds[0], &c, 1) == 1) {
      if (c != '\n') {
        line += c;
        continue;
      }
      size_t at = line.find(" port ");
      if (line.find("Serving HTTP") != std::string::npos && at != std::string::npos) {
        port_ = std::atoi(line.c_str() + at + 6);
        break;
      }
      line.clear();
    }
    out_fd_ = fds[0];
  }
  ~HttpServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) ::close(out_fd_);
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int port_ = 0;
};

// A TCP listener that accepts connections and never answers: a hung source.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class RevocationE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    world_ = std::string(std::getenv("TEST_TMPDIR")) + "/world";
    sim::WorldOptions options = testing::TestWorld(world_, 60, 5, 8);
    options.with_workloads = false;
    ASSERT_TRUE(sim::GenerateWorld(options).ok());
    auto manifest = conformance::ParseJson(ReadFile(world_ + "/manifest.json"));
    ASSERT_TRUE(manifest.ok());
    auto partitions = conformance::ParseJson(ReadFile(world_ + "/crl/partitions.json"));
    ASSERT_TRUE(partitions.ok());

    // A partition with a revoked signature certificate and, if possible, a
    // good one; and a certificate of another partition.
    for (const JsonValue& c : manifest->Find("certificates")->elements()) {
      if (Str(c, "kind") != "JPKI_SIGNATURE" || Str(c, "status") != "revoked") continue;
      if (Str(c, "revocation_reason").empty()) continue;
      revoked_ = c;
      break;
    }
    ASSERT_FALSE(Str(revoked_, "partition").empty());
    partition_ = Str(revoked_, "partition");
    for (const JsonValue& c : manifest->Find("certificates")->elements()) {
      if (Str(c, "status") != "good") continue;
      if (Str(c, "partition") == partition_ && good_same_.is_null()) good_same_ = c;
      if (Str(c, "partition") != partition_ && Str(c, "kind") == "JPKI_SIGNATURE" &&
          other_.is_null()) {
        other_ = c;
      }
    }
    const JsonValue* p = partitions->Find(partition_);
    ASSERT_NE(p, nullptr);

    // The HTTP server serves a copy, so the test can break it later.
    served_ = world_ + "/served";
    ::mkdir(served_.c_str(), 0755);
    crl_bytes_ = ReadFile(world_ + "/" + Str(*p, "file"));
    std::ofstream(served_ + "/p.crl", std::ios::binary) << crl_bytes_;
    http_ = std::make_unique<HttpServer>(served_);
    ASSERT_GT(http_->port(), 0);

    std::string config = world_ + "/kensho.textproto";
    std::ofstream(config)
        << "trust_profiles { name: \"jpki-sign\" anchor_files: \"" << world_
        << "/trust/jpki-sign.pem\" }\n"
        << "trust_profiles { name: \"jpki-auth\" anchor_files: \"" << world_
        << "/trust/jpki-auth.pem\" }\n"
        << "revocation {\n"
        << "  crl_partitions { id: \"" << partition_ << "\" source: \"http://127.0.0.1:"
        << http_->port() << "/p.crl\" distribution_point: \"" << Str(*p, "dirname")
        << "\" trust_profile: \"jpki-sign\" }\n"
        << "  crl_partitions { id: \"hung\" source: \"http://127.0.0.1:" << silent_.port()
        << "/x.crl\" distribution_point: \"CN=Nowhere CRLDP, O=JPKI, C=JP\" required: false }\n"
        << "  connect_timeout_ms: 500 fetch_timeout_ms: 1000 retry_min_seconds: 600\n"
        << "}\n";
    server_ = std::make_unique<testing::ServerProcess>(std::vector<std::string>{
        "--listen=127.0.0.1:0", "--data_dir=" + world_ + "/data", "--config=" + config});
    ASSERT_FALSE(server_->address().empty()) << server_->stderr_text();
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  }

  // Waits until the required partition is loaded (the refresher runs at start).
  bool WaitLoaded() {
    auto admin = v1::Admin::NewStub(channel_);
    for (int i = 0; i < 100; ++i) {
      grpc::ClientContext ctx;
      v1::ServerStatus status;
      if (admin->GetStatus(&ctx, {}, &status).ok() && status.serving()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  v1::Verdict Validate(const JsonValue& cert, v1::RevocationMode mode =
                                                  v1::REVOCATION_MODE_DEFAULT) {
    auto stub = v1::Validator::NewStub(channel_);
    return testing::ValidateWorldCertificate(stub.get(), world_, cert, mode);
  }

  v1::PartitionStatus Partition(const std::string& id) {
    auto admin = v1::Admin::NewStub(channel_);
    grpc::ClientContext ctx;
    v1::ServerStatus status;
    EXPECT_TRUE(admin->GetStatus(&ctx, {}, &status).ok());
    for (const auto& p : status.partitions()) {
      if (p.partition_id() == id) return p;
    }
    return {};
  }

  std::string world_, served_, partition_, crl_bytes_;
  JsonValue revoked_, good_same_, other_;
  SilentListener silent_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(RevocationE2ETest, FetchesOverHttpAndAnswersFromTheCrl) {
  ASSERT_TRUE(WaitLoaded()) << server_->stderr_text();
  v1::Verdict v = Validate(revoked_);
  EXPECT_EQ(v.sub_indication(), v1::REVOKED) << v.summary();
  EXPECT_EQ(v.revocation().status(), v1::RevocationSummary::REVOKED);
  EXPECT_EQ(v1::RevocationReason_Name(v.revocation().reason()),
            Str(revoked_, "revocation_reason"));
  EXPECT_EQ(v.revocation().source(), v1::RevocationSummary::CRL);
  EXPECT_EQ(v.revocation().source_id(), partition_);
  EXPECT_TRUE(v.revocation().has_next_update());
  if (!good_same_.is_null()) {
    v1::Verdict g = Validate(good_same_);
    EXPECT_EQ(g.revocation().status(), v1::RevocationSummary::GOOD) << g.summary();
  }
  // A certificate whose partition is not configured: UNKNOWN; soft-fail
  // passes, hard-fail is INDETERMINATE/REVOCATION_UNAVAILABLE.
  if (!other_.is_null()) {
    v1::Verdict soft = Validate(other_);
    EXPECT_EQ(soft.revocation().status(), v1::RevocationSummary::UNKNOWN);
    EXPECT_EQ(soft.indication(), v1::TOTAL_PASSED) << soft.summary();
    v1::Verdict hard = Validate(other_, v1::REVOCATION_MODE_HARD_FAIL);
    EXPECT_EQ(hard.indication(), v1::INDETERMINATE);
    EXPECT_EQ(hard.sub_indication(), v1::REVOCATION_UNAVAILABLE) << hard.summary();
  }
  v1::PartitionStatus p = Partition(partition_);
  EXPECT_GT(p.entries(), 0);
  EXPECT_FALSE(p.stale());
  EXPECT_EQ(p.last_error(), "");
}

TEST_F(RevocationE2ETest, HungSourceTimesOutAndGarbageKeepsThePreviousCrl) {
  ASSERT_TRUE(WaitLoaded()) << server_->stderr_text();
  auto admin = v1::Admin::NewStub(channel_);
  // The hung source: the whole-transfer timeout (1 s) applies.
  {
    auto start = std::chrono::steady_clock::now();
    grpc::ClientContext ctx;
    v1::RefreshRevocationRequest req;
    req.add_partition_ids("hung");
    v1::RefreshRevocationResponse resp;
    ASSERT_TRUE(admin->RefreshRevocation(&ctx, req, &resp).ok());
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_LT(took, std::chrono::seconds(5));
    ASSERT_EQ(resp.partitions_size(), 1);
    EXPECT_NE(resp.partitions(0).last_error().find("timed out"), std::string::npos)
        << resp.partitions(0).last_error();
    EXPECT_TRUE(resp.partitions(0).stale());
  }
  // The source now serves an HTML error page: rejected, old data kept.
  std::ofstream(served_ + "/p.crl") << "<html><body>503 Service Unavailable</body></html>";
  {
    grpc::ClientContext ctx;
    v1::RefreshRevocationRequest req;
    req.add_partition_ids(partition_);
    v1::RefreshRevocationResponse resp;
    ASSERT_TRUE(admin->RefreshRevocation(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.partitions_size(), 1);
    EXPECT_NE(resp.partitions(0).last_error(), "");
    EXPECT_GT(resp.partitions(0).entries(), 0);
  }
  EXPECT_EQ(Validate(revoked_).sub_indication(), v1::REVOKED);
  // Garbage pushed through ImportCrl is refused; the real CRL is accepted
  // (unchanged: same CRL number).
  {
    grpc::ClientContext ctx;
    v1::ImportCrlRequest req;
    req.set_crl("not a crl");
    req.set_partition_id(partition_);
    v1::ImportCrlResponse resp;
    EXPECT_FALSE(admin->ImportCrl(&ctx, req, &resp).ok());
  }
  {
    grpc::ClientContext ctx;
    v1::ImportCrlRequest req;
    req.set_crl(crl_bytes_);  // no partition id: found from its IDP
    v1::ImportCrlResponse resp;
    grpc::Status s = admin->ImportCrl(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.partition().partition_id(), partition_);
  }
  // The server restarts on the same data folder and still knows the CRL,
  // even though the source serves garbage now.
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
  server_ = std::make_unique<testing::ServerProcess>(std::vector<std::string>{
      "--listen=127.0.0.1:0", "--data_dir=" + world_ + "/data",
      "--config=" + world_ + "/kensho.textproto"});
  ASSERT_FALSE(server_->address().empty()) << server_->stderr_text();
  channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  ASSERT_TRUE(WaitLoaded());
  v1::Verdict v = Validate(revoked_);
  EXPECT_EQ(v.sub_indication(), v1::REVOKED) << v.summary();
}

}  // namespace
}  // namespace kensho
