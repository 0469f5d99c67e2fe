#include "tests/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace kensho::testing {
namespace {

std::string TmpDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir ? dir : "/tmp";
}

// Bazel keeps this folder after the test (outputs.zip), so a server that died
// under a sanitizer leaves its report behind; TEST_TMPDIR is wiped.
std::string KeptDir() {
  const char* dir = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  return dir ? dir : TmpDir();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

pid_t Spawn(const std::string& binary, const std::vector<std::string>& args, int stdout_fd,
            const std::string& stderr_path) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::dup2(stdout_fd, 1);
  int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (err >= 0) ::dup2(err, 2);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(binary.c_str(), argv.data());
  ::_exit(127);
}

// Waits for `pid` up to `timeout_seconds`; the exit code or -1.
int WaitExit(pid_t pid, int timeout_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return -1;
}

}  // namespace

std::string ServerBinary() {
  return std::string(std::getenv("TEST_SRCDIR")) + "/" + std::getenv("TEST_WORKSPACE") +
         "/server/kensho";
}

ProcessResult RunToCompletion(const std::string& binary, const std::vector<std::string>& args,
                              int timeout_seconds) {
  static int counter = 0;
  std::string base = TmpDir() + "/run" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  int out = ::open((base + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = Spawn(binary, args, out, base + ".err");
  ::close(out);
  ProcessResult result;
  result.exit_code = WaitExit(pid, timeout_seconds);
  result.out = ReadAll(base + ".out");
  result.err = ReadAll(base + ".err");
  return result;
}

ServerProcess::ServerProcess(const std::vector<std::string>& args, int timeout_seconds) {
  static int counter = 0;
  stderr_path_ = KeptDir() + "/server" + std::to_string(counter++) + ".err";
  int fds[2];
  if (::pipe(fds) != 0) return;
  pid_ = Spawn(ServerBinary(), args, fds[1], stderr_path_);
  ::close(fds[1]);
  stdout_fd_ = fds[0];
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  const std::string prefix = "kensho listening on ";
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char c;
    ssize_t n = ::read(stdout_fd_, &c, 1);
    if (n <= 0) break;  // the server exited
    if (c != '\n') {
      line += c;
      continue;
    }
    if (line.compare(0, prefix.size(), prefix) == 0) {
      address_ = line.substr(prefix.size());
      return;
    }
    const std::string metrics_prefix = "kensho metrics on ";
    if (line.compare(0, metrics_prefix.size(), metrics_prefix) == 0) {
      metrics_address_ = line.substr(metrics_prefix.size());
    }
    line.clear();
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    // A server that exited before the test stopped it died: say how, with its
    // stderr, or the test's failures read only "connection refused".
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::string err = stderr_text();
      if (err.size() > 20000) err = "..." + err.substr(err.size() - 20000);
      std::fprintf(stderr, "kensho server died before the test stopped it (%s %d); its stderr:\n%s\n",
                   WIFEXITED(status) ? "exit" : "signal",
                   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), err.c_str());
    }
  }
  if (pid_ > 0) Stop(SIGKILL, 10);
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

int ServerProcess::Stop(int signal, int timeout_seconds) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  int code = WaitExit(pid_, timeout_seconds);
  pid_ = -1;
  return code;
}

std::string ServerProcess::stderr_text() const { return ReadAll(stderr_path_); }

}  // namespace kensho::testing
