// Fault injection: the data folder's disk fills up. An import that cannot be
// stored fails with a clear error, nothing half-written becomes visible, the
// server keeps answering from what it stored, and works again once space is
// back. The data folder is a small tmpfs mounted by the test (root, outside
// Bazel's sandbox: tag no-sandbox).
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/time/clock.h"
#include "conformance/json.h"
#include "gtest/gtest.h"
#include "proto/kensho.grpc.pb.h"
#include "tests/e2e_util.h"
#include "tests/server_process.h"
#include "tools/jpki_sim/world.h"

namespace kensho {
namespace {

using ::kensho::testing::ReadFile;

class DiskFullE2ETest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (mounted_) ::umount2(data_.c_str(), MNT_DETACH);
  }
  std::string data_;
  bool mounted_ = false;
};

TEST_F(DiskFullE2ETest, FullDiskIsAClearErrorAndServingGoesOn) {
  // Two states of one world (same seed and keys), three hours apart: the
  // later one's CRLs have higher numbers, so importing them must write.
  const std::string tmp = std::getenv("TEST_TMPDIR");
  const std::string world = tmp + "/world";
  sim::WorldOptions options;
  options.out_dir = world;
  options.people = 40;
  options.seed = 6;
  options.now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) - 3 * 3600);
  options.key_pool_size = 6;
  options.key_pool_dir = tmp + "/keypool";
  options.with_workloads = false;
  ASSERT_TRUE(sim::GenerateWorld(options).ok());
  sim::WorldOptions later = options;
  later.out_dir = tmp + "/later";
  later.now = options.now + absl::Hours(3);
  ASSERT_TRUE(sim::GenerateWorld(later).ok());
  auto manifest = conformance::ParseJson(ReadFile(world + "/manifest.json"));
  ASSERT_TRUE(manifest.ok());
  std::string revoked_file, partition;
  for (const auto& c : manifest->Find("certificates")->elements()) {
    if (c.Find("status")->text() == "revoked" && c.Find("kind")->text() == "JPKI_SIGNATURE" &&
        c.Find("revocation_reason") != nullptr && !c.Find("revocation_reason")->text().empty()) {
      revoked_file = world + "/" + c.Find("file")->text();
      partition = c.Find("partition")->text();
      break;
    }
  }
  ASSERT_FALSE(revoked_file.empty());
  const std::string newer_crl = ReadFile(tmp + "/later/crl/" + partition + ".crl");
  ASSERT_FALSE(newer_crl.empty());

  data_ = std::string(std::getenv("TEST_TMPDIR")) + "/data";
  ASSERT_EQ(::mkdir(data_.c_str(), 0755), 0);
  ASSERT_EQ(::mount("tmpfs", data_.c_str(), "tmpfs", 0, "size=16m"), 0)
      << "mounting a tmpfs needs root outside a sandbox: " << std::strerror(errno);
  mounted_ = true;

  const std::string config = world + "/kensho.textproto";
  std::ofstream(config) << "trust_profiles { name: \"jpki-sign\" anchor_files: \"" << world
                        << "/trust/jpki-sign.pem\" }\n"
                        << "revocation { crl_dir: \"" << world << "/crl\" }\n";
  testing::ServerProcess server(
      {"--listen=127.0.0.1:0", "--data_dir=" + data_, "--config=" + config});
  ASSERT_FALSE(server.address().empty()) << server.stderr_text();
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto validator = v1::Validator::NewStub(channel);
  auto admin = v1::Admin::NewStub(channel);
  auto validate = [&] {
    grpc::ClientContext ctx;
    v1::ValidateCertificateRequest req;
    req.set_certificate(ReadFile(revoked_file));
    v1::Verdict v;
    EXPECT_TRUE(validator->ValidateCertificate(&ctx, req, &v).ok());
    return v;
  };
  ASSERT_EQ(validate().sub_indication(), v1::REVOKED);

  // Fill the disk.
  ASSERT_NE(std::system(("dd if=/dev/zero of=" + data_ + "/filler bs=1M count=64 2>/dev/null")
                            .c_str()),
            -1);
  auto import = [&](v1::ImportCrlResponse* resp) {
    grpc::ClientContext ctx;
    v1::ImportCrlRequest req;
    req.set_crl(newer_crl);
    req.set_partition_id(partition);
    return admin->ImportCrl(&ctx, req, resp);
  };
  auto stored_number = [&] {
    grpc::ClientContext ctx;
    v1::ServerStatus status;
    EXPECT_TRUE(admin->GetStatus(&ctx, {}, &status).ok());
    for (const auto& p : status.partitions()) {
      if (p.partition_id() == partition) return p.crl_number();
    }
    return std::string();
  };
  const std::string before = stored_number();
  ASSERT_FALSE(before.empty());
  // The newer CRL cannot be stored: a clear error, the old one stays.
  {
    v1::ImportCrlResponse resp;
    grpc::Status s = import(&resp);
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.error_message().find("space"), std::string::npos) << s.error_message();
  }
  EXPECT_EQ(stored_number(), before);
  // Serving goes on from what is stored.
  EXPECT_EQ(validate().sub_indication(), v1::REVOKED);
  {
    grpc::ClientContext ctx;
    v1::ServerStatus status;
    EXPECT_TRUE(admin->GetStatus(&ctx, {}, &status).ok());
  }
  // Space back: the same import now goes through.
  ASSERT_EQ(::unlink((data_ + "/filler").c_str()), 0);
  {
    v1::ImportCrlResponse resp;
    grpc::Status s = import(&resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_NE(stored_number(), before);
  EXPECT_EQ(validate().sub_indication(), v1::REVOKED);
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.stderr_text();
}

}  // namespace
}  // namespace kensho
