// Fault injection: kill -9 the server while it ingests a CRL with a million
// entries, three times at different moments, on the same data folder. A clean
// start afterwards must end with exactly the whole CRL: no half-written
// generation is visible and none is counted twice. (That a reader sees the old
// or the new partition at every instant is cache/revocation_store_test's
// kill -9 test.)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "proto/kensho.grpc.pb.h"
#include "tests/e2e_util.h"
#include "tests/server_process.h"
#include "tools/jpki_sim/world.h"

namespace kensho {
namespace {

TEST(CrashRecoveryE2ETest, KillDuringIngestNeverLeavesHalfACrl) {
  const std::string world = std::string(std::getenv("TEST_TMPDIR")) + "/world";
  sim::WorldOptions options = testing::TestWorld(world, 5, 2, 4);
  options.with_workloads = false;
  options.scale_crl_entries = 1000000;
  ASSERT_TRUE(sim::GenerateWorld(options).ok());
  // Only the big CRL in the drop folder.
  const std::string drop = world + "/drop";
  ASSERT_EQ(std::system(("mkdir -p " + drop + " && cp " + world + "/crl/scale.crl " + drop).c_str()),
            0);
  const std::string config = world + "/kensho.textproto";
  std::ofstream(config) << "trust_profiles { name: \"jpki-sign\" anchor_files: \"" << world
                        << "/trust/jpki-sign.pem\" }\n"
                        << "revocation { crl_dir: \"" << drop << "\" }\n";
  const std::vector<std::string> args = {"--listen=127.0.0.1:0", "--data_dir=" + world + "/data",
                                         "--config=" + config};

  // Kill it at different moments of the ingest (it runs before listening).
  for (int delay_ms : {300, 900, 1800}) {
    pid_t pid = ::fork();
    if (pid == 0) {
      std::freopen("/dev/null", "w", stdout);
      std::vector<char*> argv;
      std::string binary = testing::ServerBinary();
      argv.push_back(binary.data());
      std::vector<std::string> copy = args;
      for (std::string& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }

  // A clean start: the ingest completes (or had completed) and the store is
  // consistent: the partition has all its entries.
  testing::ServerProcess server(args, /*timeout_seconds=*/240);
  ASSERT_FALSE(server.address().empty()) << server.stderr_text();
  auto admin = v1::Admin::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  v1::ServerStatus status;
  ASSERT_TRUE(admin->GetStatus(&ctx, {}, &status).ok());
  ASSERT_EQ(status.partitions_size(), 1);
  EXPECT_EQ(status.partitions(0).entries(), 1000000) << status.partitions(0).DebugString();
  EXPECT_EQ(status.partitions(0).last_error(), "");
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace kensho
