// Runs the real //server:kensho binary as a child process for end-to-end
// tests: on a free loopback port, with its stdout read for the address.
#ifndef KENSHO_TESTS_SERVER_PROCESS_H_
#define KENSHO_TESTS_SERVER_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace kensho::testing {

// Path of the server binary in the test's runfiles.
std::string ServerBinary();

struct ProcessResult {
  int exit_code = -1;  // -1: killed by a signal or still running
  std::string out;
  std::string err;
};

// Runs `binary` with `args` to completion (at most `timeout_seconds`).
ProcessResult RunToCompletion(const std::string& binary, const std::vector<std::string>& args,
                              int timeout_seconds = 60);

class ServerProcess {
 public:
  // Starts the server with `args` and waits (up to `timeout_seconds`) for
  // "kensho listening on HOST:PORT" on its stdout. address() is empty when
  // it did not come up; stderr() then says why.
  explicit ServerProcess(const std::vector<std::string>& args, int timeout_seconds = 120);
  ~ServerProcess();

  const std::string& address() const { return address_; }
  // From "kensho metrics on HOST:PORT" (printed before the listening line),
  // empty without --metrics_listen.
  const std::string& metrics_address() const { return metrics_address_; }
  pid_t pid() const { return pid_; }

  // Sends `signal` and waits for the exit; returns the exit code, or -1 when
  // it did not exit normally within `timeout_seconds`.
  int Stop(int signal, int timeout_seconds = 30);
  std::string stderr_text() const;

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string stderr_path_;
  std::string address_;
  std::string metrics_address_;
};

}  // namespace kensho::testing

#endif  // KENSHO_TESTS_SERVER_PROCESS_H_
