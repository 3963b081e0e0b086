#pragma once
// Runs a child process to completion with a timeout and resource accounting.
// Used by the runner for every repetition (each repetition is a fresh process,
// DESIGN §6). Thread-compatible; not async-signal-safe.

#include <sys/types.h>

#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/error.h"

namespace perfgate::gate {

struct ProcessSpec {
  std::vector<std::string> argv;               // argv[0] is looked up in PATH
  double timeout_s = 0;                        // <= 0: no timeout
  std::optional<std::filesystem::path> stdout_path;  // default /dev/null
  std::optional<std::filesystem::path> cwd;          // default: inherited
  std::size_t stderr_tail_bytes = 4096;        // kept for error messages
};

struct ProcessResult {
  int exit_code = 0;     // valid when !signaled
  int signal = 0;        // valid when signaled
  bool signaled = false;
  bool timed_out = false;          // killed by us after timeout_s
  double wall_s = 0;
  double user_s = 0, system_s = 0;  // of the child and its waited-for descendants
  std::uint64_t peak_rss_bytes = 0;
  std::string stderr_tail;          // last bytes the child wrote to stderr

  bool ok() const { return !signaled && !timed_out && exit_code == 0; }
  // "exited with status 1", "killed by signal 11 (Segmentation fault)",
  // "timed out after 5 s and was killed"
  std::string describe() const;
  // exit_code, or -signal when signaled (the results file's convention).
  int status_code() const { return signaled ? -signal : exit_code; }
};

// Errors only when the process could not be started at all (fork failed,
// program not found: bad_input naming the program). A crash, non-zero exit
// or timeout is a successful ProcessResult describing it. The child runs in
// its own process group; on timeout the whole group is killed.
std::expected<ProcessResult, Error> run_process(const ProcessSpec& spec);

// Makes SIGINT, SIGTERM and SIGHUP kill the process groups of the children
// run_process is running before perfgate dies of the signal. Those groups
// are their own (for the timeout), so a terminal's Ctrl-C, sent to
// perfgate's group, never reached them: the benchmark ran on, orphaned.
// A signal ignored when perfgate started (nohup; SIGINT of a shell's
// background job) stays ignored. Installed once by main(); a handler that a
// command installs later (the
// recorder's SIGINT, which ends a recording) takes precedence while it is
// in place.
void take_children_down_on_termination();

// A child that run_process did not start (the recorder's profiled runs),
// in a process group of its own (`group`), for that handler to kill too
// while `running`; called again with false once it was reaped. The
// signature of profiler::RecordOptions::own_process_group.
void track_child_group(pid_t group, bool running);

// The runner's scratch directory (OUT/.scratch): the files of the
// repetitions it is running. Made on create(), removed with its files when
// the object goes, or, if perfgate dies of SIGINT, SIGTERM or SIGHUP first,
// by that handler, after it killed the children that write there: an
// interrupted run leaves no scratch behind. Holds files only, no
// subdirectories. At most 4 at a time.
class ScratchDirectory {
 public:
  // Errors: environment (the directory cannot be made).
  static std::expected<ScratchDirectory, Error> create(std::filesystem::path dir);
  ScratchDirectory(ScratchDirectory&& other) noexcept;
  ScratchDirectory& operator=(ScratchDirectory&&) = delete;
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  ~ScratchDirectory();

 private:
  explicit ScratchDirectory(std::filesystem::path dir, int slot)
      : dir_(std::move(dir)), slot_(slot) {}
  std::filesystem::path dir_;  // empty once moved from
  int slot_;                   // in the handler's table, or -1 (path too long to register)
};

// The argv a command string runs as. A plain command — words of letters,
// digits and -_./=:,+@% (and perfgate ab's {dir}), the first neither a
// variable assignment nor a shell builtin or keyword — runs as its words,
// without a shell, as GNU make runs such recipe lines: the benchmark is
// then the process perfgate starts, so its timing holds no shell start-up
// and the profiler's call counts of its libraries see it. Anything else
// (quotes, variables, globs, redirections, pipes, separators, ~) runs
// under /bin/sh -c, as written.
std::vector<std::string> command_argv(std::string_view command);

}  // namespace perfgate::gate
