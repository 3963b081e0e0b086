#pragma once
// Records a profile of a process tree: the public entry of the profiler, used
// by `perfgate record` and by the runner (`perfgate run --profile`). Ties the
// BPF sampler, the /proc/PID/maps snapshots and the symbolizer together.
// Blocking; one recording at a time per process (SIGINT or SIGTERM ends a
// recording).

#include <sys/types.h>

#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "profiler/call_sites.h"
#include "profiler/error.h"
#include "profiler/profile.h"

namespace perfgate::profiler {

// How many call sites one recording can count (RecordOptions::count_calls).
inline constexpr std::size_t kMaxCountedCallSites = 64;

struct RecordOptions {
  unsigned hz = 99;                   // cpu mode sampling frequency per CPU
  Mode mode = Mode::cpu;
  std::optional<double> duration_s;   // stop sampling after this long (default: until the target exits)
  // Count the calls of these functions (at most 64 sites; uprobes, 0.9–10 µs
  // per call, which the samples of the functions also show) in the launched
  // or attached process, not in its children: Profile::calls, by function
  // and module.
  std::vector<CallSite> count_calls;
  // Stop the recording once this many calls were counted (checked at the
  // recorder's wake-ups: 2, 10, 40, 120 ms after a process appears, then
  // every 250 ms), and kill a launched command: a uprobe costs 0.9 µs per call
  // here when the kernel emulates the function's first instruction (push
  // %rbp: code with frame pointers) and ~10 µs when it single-steps it
  // (glibc's memmove, libxxhash; a debug trap on this VM), and the bundled
  // workloads make millions of calls. The profile then covers the start of
  // the run (Profile::calls_partial).
  std::optional<std::uint64_t> max_calls;
  // Record nothing — no samples, no calls — until this function is first
  // called by the recorded tree: a program's mark of where its measured
  // operations begin (the bundled workloads call perfgate_operations_begin
  // after their setup), so that counted calls and the samples beside them
  // are of the operations, not of building their inputs. Profile::
  // recorded_from names it, and with count_calls Profile::calls_from too.
  // The duration counts from the start.
  std::optional<CallSite> window_from;
  // Where a launched command runs. Unset (`perfgate record -- CMD`): in
  // perfgate's process group, so a terminal's Ctrl-C reaches it as under
  // `perf record`, and SIGINT or SIGTERM ends the recording. Set (the
  // runner's profiled runs): in a process group of its own, with stdin and
  // stdout on /dev/null, as the measured repetitions are, told to this hook
  // when it starts (running = true) and once it was reaped (false), for the
  // caller to kill on termination; SIGINT and SIGTERM are then left as the
  // caller set them.
  std::function<void(pid_t group, bool running)> own_process_group;
};

// What the return-address scan did over a recording (the BPF side's
// per-CPU counters, summed; pg_counters.scan_*).
struct ScanStats {
  std::uint64_t filtered_samples = 0;    // scanned with the process's code ranges known
  std::uint64_t unfiltered_samples = 0;  // scanned before they were (a new process's first ms)
  std::uint64_t outside_words = 0;       // pointer-like words skipped without reading memory
  std::uint64_t probes = 0;              // call-instruction checks: one user-memory read each
  std::uint64_t shallow_leaf = 0;        // leaf in code with frame pointers: PG_SHALLOW_SCAN_WORDS scanned
  std::uint64_t cut_outside_code = 0;    // user stacks cut where the rbp walk left the code (junk frames)
};

struct RecordResult {
  Profile profile;
  int wait_status = 0;  // as from waitpid
  ScanStats scan;
  // Samples whose hashed stack key another stack already held, counted under
  // their whole stack instead (pg_counters.collided).
  std::uint64_t collided_samples = 0;
  // Paths of the ELF files the recorded processes mapped (ProcessMaps::
  // file_paths): where a profile's modules are, to count calls in a next run.
  std::vector<std::string> module_paths;
  // The recording was stopped (duration over, SIGINT or SIGTERM) rather
  // than ended by the command's exit: a command still running was then
  // terminated (SIGTERM, SIGKILL 2 s later), and a death by SIGINT, SIGTERM
  // or SIGKILL is the stop's doing, not the command's failure.
  bool stopped = false;
};

// fork+exec argv with the child held until sampling is attached, follow its
// tree, symbolize. Sampling ends when the command exits, duration_s passed,
// or at SIGINT or SIGTERM; a command still running then is terminated, as
// `perf record` does (RecordResult::stopped). A target that crashes or is
// killed still gives its profile (wait_status tells). Errors:
// permission/unsupported (no BPF here), bad_input (empty argv, command not
// found), runtime.
std::expected<RecordResult, Error> record_command(const std::vector<std::string>& argv,
                                                  const RecordOptions& options);

// Samples a running process (and the processes it forks, and its existing
// descendants) until it exits, duration_s passes, or SIGINT or SIGTERM; the
// process runs on.
std::expected<Profile, Error> record_pid(pid_t pid, const RecordOptions& options);

// Cheap pre-flight: can we load BPF here?
std::expected<void, Error> check_available();

}  // namespace perfgate::profiler
