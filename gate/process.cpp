#include "gate/process.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <iterator>
#include <utility>

#include "gate/unique_fd.h"

namespace perfgate::gate {
namespace {

// The process groups of the children running now (run_process may run on
// several threads), for the termination handler: lock-free slots, as only
// async-signal-safe work may happen in it.
constexpr std::size_t kChildSlots = 64;
std::atomic<pid_t> g_child_groups[kChildSlots];

void track_child(pid_t group) {
  for (auto& slot : g_child_groups) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, group)) return;
  }
}

void untrack_child(pid_t group) {
  for (auto& slot : g_child_groups) {
    pid_t mine = group;
    if (slot.compare_exchange_strong(mine, 0)) return;
  }
}

// The scratch directories to remove (ScratchDirectory): a path is written
// while its slot is not `registered`, then published.
struct ScratchSlot {
  std::atomic<bool> claimed{false}, registered{false};
  char path[PATH_MAX];
};
constexpr std::size_t kScratchSlots = 4;
ScratchSlot g_scratch[kScratchSlots];

// Unlinks the files in dir and then dir itself, with async-signal-safe
// calls only (no opendir: it allocates).
void remove_flat_directory(const char* dir) {
  const int fd = ::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  alignas(8) char buf[4096];
  for (;;) {
    const long n = ::syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (n <= 0) break;
    for (long at = 0; at < n;) {
      const auto* entry = reinterpret_cast<const struct dirent64*>(buf + at);
      const char* name = entry->d_name;
      if (!(name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))))
        ::unlinkat(fd, name, 0);
      at += entry->d_reclen;
    }
  }
  ::close(fd);
  ::rmdir(dir);
}

extern "C" void kill_children_and_die(int sig) {
  for (auto& slot : g_child_groups)
    if (const pid_t group = slot.load(); group > 0) ::kill(-group, SIGKILL);
  // A killed child may still be closing a file: it is gone from the
  // directory all the same, and its data with the last reference.
  for (auto& slot : g_scratch)
    if (slot.registered.load()) remove_flat_directory(slot.path);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

double seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6; }

// Reads what is available without blocking, keeping only the last `limit` bytes.
void drain(int fd, std::string& tail, std::size_t limit) {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return;
    tail.append(buf, static_cast<std::size_t>(n));
    if (tail.size() > limit) tail.erase(0, tail.size() - limit);
  }
}

}  // namespace

void take_children_down_on_termination() {
  struct sigaction sa {};
  sa.sa_handler = kill_children_and_die;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    // A signal ignored on entry stays ignored (nohup; a shell's background
    // job ignores SIGINT): it was not meant for perfgate.
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    ::sigaction(sig, &sa, nullptr);
  }
}

void track_child_group(pid_t group, bool running) {
  if (running)
    track_child(group);
  else
    untrack_child(group);
}

std::expected<ScratchDirectory, Error> ScratchDirectory::create(std::filesystem::path dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return std::unexpected(
        Error::environment(fmt::format("cannot create '{}': {}", dir.string(), ec.message())));
  const std::string& path = dir.native();
  int slot = -1;
  if (path.size() < PATH_MAX)
    for (std::size_t i = 0; i < kScratchSlots && slot < 0; ++i) {
      bool free = false;
      if (!g_scratch[i].claimed.compare_exchange_strong(free, true)) continue;
      std::memcpy(g_scratch[i].path, path.c_str(), path.size() + 1);
      g_scratch[i].registered.store(true);
      slot = static_cast<int>(i);
    }
  return ScratchDirectory(std::move(dir), slot);
}

ScratchDirectory::ScratchDirectory(ScratchDirectory&& other) noexcept
    : dir_(std::exchange(other.dir_, {})), slot_(std::exchange(other.slot_, -1)) {}

ScratchDirectory::~ScratchDirectory() {
  if (dir_.empty()) return;
  if (slot_ >= 0) {
    g_scratch[slot_].registered.store(false);
    g_scratch[slot_].claimed.store(false);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string ProcessResult::describe() const {
  if (timed_out) return fmt::format("timed out after {:.3g} s and was killed", wall_s);
  if (signaled) return fmt::format("killed by signal {} ({})", signal, strsignal(signal));
  return fmt::format("exited with status {}", exit_code);
}

std::expected<ProcessResult, Error> run_process(const ProcessSpec& spec) {
  if (spec.argv.empty()) return std::unexpected(Error::bad_input("empty command"));
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0)
    return std::unexpected(Error::environment(fmt::format("pipe: {}", std::strerror(errno))));
  UniqueFd err_read(err_pipe[0]), err_write(err_pipe[1]);
  // exec failure is reported through this pipe (closed on successful exec).
  int exec_pipe[2];
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0)
    return std::unexpected(Error::environment(fmt::format("pipe: {}", std::strerror(errno))));
  UniqueFd exec_read(exec_pipe[0]), exec_write(exec_pipe[1]);
  const std::string out_path = spec.stdout_path ? spec.stdout_path->string() : "/dev/null";
  const std::string cwd = spec.cwd ? spec.cwd->string() : "";

  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) return std::unexpected(Error::environment(fmt::format("fork: {}", std::strerror(errno))));
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::setpgid(0, 0);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      const int e = errno;
      [[maybe_unused]] auto n = ::write(exec_write.get(), &e, sizeof e);
      ::_exit(127);
    }
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out >= 0) ::dup2(out, STDOUT_FILENO);
    ::dup2(err_write.get(), STDERR_FILENO);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::execvp(argv[0], argv.data());
    const int e = errno;
    [[maybe_unused]] auto n = ::write(exec_write.get(), &e, sizeof e);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent: no race with a timeout kill
  track_child(pid);
  struct Untrack {
    pid_t group;
    ~Untrack() { untrack_child(group); }
  } untrack{pid};
  err_write.reset();
  exec_write.reset();

  int exec_errno = 0;
  if (::read(exec_read.get(), &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
    ::waitpid(pid, nullptr, 0);
    return std::unexpected(Error::bad_input(
        fmt::format("cannot run '{}': {}", spec.argv[0], std::strerror(exec_errno))));
  }

  ProcessResult result;
  ::fcntl(err_read.get(), F_SETFL, O_NONBLOCK);
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  UniqueFd pid_fd(pidfd);
  bool killed = false;
  for (;;) {
    int timeout_ms = -1;
    if (spec.timeout_s > 0 && !killed) {
      const double left = spec.timeout_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      timeout_ms = left <= 0 ? 0 : static_cast<int>(left * 1000) + 1;
    }
    pollfd fds[2] = {{pid_fd.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}};
    const int n = ::poll(fds, pid_fd.get() >= 0 ? 2 : 1, timeout_ms);
    if (fds[1].revents != 0) drain(err_read.get(), result.stderr_tail, spec.stderr_tail_bytes);
    if (n == 0 && !killed) {
      ::kill(-pid, SIGKILL);
      killed = true;
      result.timed_out = true;
    }
    if (pid_fd.get() < 0 || (fds[0].revents & POLLIN) != 0) break;
  }
  int status = 0;
  rusage ru{};
  while (::wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {}
  if (killed) ::kill(-pid, SIGKILL);  // stragglers of the group
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  drain(err_read.get(), result.stderr_tail, spec.stderr_tail_bytes);
  result.user_s = seconds(ru.ru_utime);
  result.system_s = seconds(ru.ru_stime);
  result.peak_rss_bytes = static_cast<std::uint64_t>(ru.ru_maxrss) * 1024;
  if (WIFSIGNALED(status)) {
    result.signaled = true;
    result.signal = WTERMSIG(status);
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

std::vector<std::string> command_argv(std::string_view command) {
  const std::vector<std::string> shell{"/bin/sh", "-c", std::string(command)};
  // POSIX special builtins, regular builtins that act on the shell itself,
  // and reserved words: as argv[0] these need the shell.
  static constexpr std::string_view kShellWords[] = {
      ".", ":", "alias", "bg", "break", "case", "cd", "command", "continue", "do", "done", "elif", "else",
      "esac", "eval", "exec", "exit", "export", "fc", "fg", "fi", "for", "getopts", "hash", "if", "in",
      "jobs", "local", "read", "readonly", "return", "set", "shift", "source", "then", "times", "trap",
      "type", "ulimit", "umask", "unalias", "unset", "until", "wait", "while"};
  auto plain = [](std::string word) {
    for (std::size_t p = word.find("{dir}"); p != std::string::npos; p = word.find("{dir}")) word.erase(p, 5);
    return std::ranges::all_of(word, [](unsigned char c) {
      return std::isalnum(c) || std::string_view("-_./=:,+@%").find(static_cast<char>(c)) != std::string_view::npos;
    });
  };
  std::vector<std::string> words;
  for (std::size_t i = 0; i < command.size();) {
    if (command[i] == ' ' || command[i] == '\t') {
      ++i;
      continue;
    }
    const std::size_t end = std::min(command.find_first_of(" \t", i), command.size());
    words.emplace_back(command.substr(i, end - i));
    i = end;
  }
  if (words.empty() || words.front().find('=') != std::string::npos ||
      std::ranges::find(kShellWords, words.front()) != std::end(kShellWords) || !std::ranges::all_of(words, plain))
    return shell;
  return words;
}

}  // namespace perfgate::gate
