#include "server/audit_log.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace kensho::server {
namespace {

AuditRecord Verdict(absl::string_view caller, absl::string_view serial) {
  AuditRecord r;
  r.time = absl::FromUnixMillis(1795741323456);  // 2026-11-27T01:02:03.456Z
  r.caller = caller;
  r.method = "VerifySignedDocument";
  r.code = "OK";
  r.indication = "TOTAL_FAILED";
  r.sub_indication = "REVOKED";
  r.serial_hex = serial;
  r.micros = 42;
  return r;
}

TEST(AuditLog, LineHasTheFieldsAndOnlyAHashOfTheSerial) {
  const std::string line = AuditLog::Line(Verdict("e-tax \"portal\"", "1A2B3C"));
  EXPECT_EQ(line.rfind("{\"time\":\"2026-11-27T01:02:03.456Z\",\"caller\":\"e-tax \\\"portal\\\"\","
                       "\"method\":\"VerifySignedDocument\",\"code\":\"OK\","
                       "\"indication\":\"TOTAL_FAILED\",\"sub_indication\":\"REVOKED\","
                       "\"serial_sha256\":\"",
                       0),
            0u)
      << line;
  EXPECT_EQ(line.find("1A2B3C"), std::string::npos) << line;
  EXPECT_NE(line.find("\"micros\":42}"), std::string::npos) << line;
  // The same serial always hashes the same; another does not.
  const std::string other_caller = AuditLog::Line(Verdict("x", "1A2B3C"));
  EXPECT_EQ(other_caller.substr(other_caller.find("serial_sha256")),
            line.substr(line.find("serial_sha256")));
  EXPECT_NE(AuditLog::Line(Verdict("e-tax \"portal\"", "1A2B3D")), line);
  // A refused call: no verdict fields.
  AuditRecord refused;
  refused.time = absl::UnixEpoch();
  refused.method = "VerifyBatch";
  refused.code = "PERMISSION_DENIED";
  EXPECT_EQ(AuditLog::Line(refused),
            "{\"time\":\"1970-01-01T00:00:00.000Z\",\"caller\":\"\",\"method\":\"VerifyBatch\","
            "\"code\":\"PERMISSION_DENIED\",\"micros\":0}");
}

TEST(AuditLog, EveryLineFromManyThreadsReachesTheFileWhole) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/audit.jsonl";
  {
    auto log = AuditLog::Open(path);
    ASSERT_TRUE(log.ok()) << log.status();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 5000; ++i) (*log)->Record(Verdict("c", std::to_string(i)));
      });
    }
    // Batch tasks hand over blocks of lines.
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&] {
        for (int block = 0; block < 100; ++block) {
          std::string lines;
          for (int i = 0; i < 50; ++i) AuditLog::AppendRecord(Verdict("b", std::to_string(i)), &lines);
          (*log)->RecordLines(lines);
        }
      });
    }
    for (auto& t : threads) t.join();
  }  // the destructor writes the rest
  std::ifstream in(path);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    ASSERT_EQ(line.front(), '{');
    ASSERT_EQ(line.back(), '}');
  }
  EXPECT_EQ(lines, 20000 + 2 * 100 * 50);
  EXPECT_FALSE(AuditLog::Open("/nonexistent-dir/audit.jsonl").ok());
}

}  // namespace
}  // namespace kensho::server
