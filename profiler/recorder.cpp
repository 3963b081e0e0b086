#include "profiler/recorder.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "profiler/process_maps.h"
#include "profiler/sampler.h"
#include "profiler/symbolizer.h"

namespace perfgate::profiler {
namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_interrupted = 0;

// SIGINT or SIGTERM ends the recording instead of killing perfgate, as under
// `perf record`: `timeout 10 perfgate record -- server` still writes its
// profile. (A launched child gets its own SIGINT from the terminal and
// decides for itself.) On scope exit the previous dispositions come back
// only if no such signal came: once one has, the recording it stopped is
// still to be written, and later ones are absorbed for the rest of the
// process. `timeout` sends its SIGTERM twice, to the command and then to
// the command's process group, and under load the second came after the
// recording had ended and killed perfgate before it wrote the profile.
class StopSignalGuard {
 public:
  StopSignalGuard() {
    g_interrupted = 0;
    struct sigaction sa {};
    sa.sa_handler = [](int) { g_interrupted = 1; };
    // A signal absorbed while the profile is written leaves the write whole.
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignalGuard() {
    if (g_interrupted) return;
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignalGuard(const StopSignalGuard&) = delete;
  StopSignalGuard& operator=(const StopSignalGuard&) = delete;

 private:
  // Restored in the destructor.
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// The process being waited for: a child of ours (reaped with waitpid) or any
// process (watched through a pidfd).
struct Watched {
  pid_t pid = -1;
  bool is_child = false;
  bool exited = false;
  int wait_status = 0;
  UniqueFd pidfd;
  bool call_budget_spent = false;  // RecordOptions::max_calls reached: recording stopped there
  std::vector<std::uint64_t> calls;  // per call site, as sampling stopped
};

void check_exit(Watched& w) {
  if (w.exited) return;
  if (w.is_child) {
    int status = 0;
    if (waitpid(w.pid, &status, WNOHANG) == w.pid) {
      w.exited = true;
      w.wait_status = status;
    }
  } else if (kill(w.pid, 0) != 0 && errno == ESRCH) {
    w.exited = true;
  } else if (w.pidfd) {
    pollfd p{w.pidfd.get(), POLLIN, 0};
    if (poll(&p, 1, 0) > 0) w.exited = true;
  }
}

// PERFGATE_RECORD_COSTS=1: what the recording itself cost, on stderr — the
// kernel time of each BPF program and this process's CPU time while the
// target ran and after (scripts/profiler-overhead reads it).
bool costs_wanted() {
  static const bool wanted = [] {
    const char* v = std::getenv("PERFGATE_RECORD_COSTS");
    return v != nullptr && v[0] == '1';
  }();
  return wanted;
}

// User + system CPU seconds of this process (all its threads) so far.
double self_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1e-6 * double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

class CostReport {
 public:
  CostReport() : start_cpu_s_(costs_wanted() ? self_cpu_s() : 0) {}
  // The target runs from here (setup before: loading BPF, attaching).
  void target_started() {
    if (!costs_wanted()) return;
    setup_cpu_s_ = self_cpu_s() - start_cpu_s_;
    start_cpu_s_ += setup_cpu_s_;
  }
  // Sampling is over (the target exited, or duration/SIGINT/SIGTERM).
  void sampling_done(const Sampler& sampler) {
    if (!costs_wanted()) return;
    sampling_cpu_s_ = self_cpu_s() - start_cpu_s_;
    programs_ = sampler.program_stats();
    counters_ = sampler.read_counters();
  }
  void print() const {
    if (!costs_wanted()) return;
    for (const auto& p : programs_)
      fmt::print(stderr, "perfgate: cost: bpf {} runs {} run_time_ns {} ns_per_run {:.0f} ns_per_sample {:.0f}\n",
                 p.name, p.runs, p.run_time_ns, p.runs ? double(p.run_time_ns) / double(p.runs) : 0.0,
                 samples() ? double(p.run_time_ns) / double(samples()) : 0.0);
    const auto& c = counters_;
    const double scanned = double(c.scan_filtered + c.scan_unfiltered);
    fmt::print(stderr,
               "perfgate: cost: scan samples filtered {} unfiltered {} outside_words_per_sample {:.1f} "
               "probes_per_sample {:.1f} shallow_leaf {} cut_outside_code {}\n",
               c.scan_filtered, c.scan_unfiltered, scanned > 0 ? double(c.scan_outside) / scanned : 0.0,
               scanned > 0 ? double(c.scan_probes) / scanned : 0.0, c.scan_shallow, c.cut_outside_code);
    fmt::print(stderr,
               "perfgate: cost: recorder_cpu_s setup {:.3f} while_sampling {:.3f} after {:.3f} samples {} "
               "hash_collided {}\n",
               setup_cpu_s_, sampling_cpu_s_, self_cpu_s() - start_cpu_s_ - sampling_cpu_s_, samples(), c.collided);
  }

 private:
  double start_cpu_s_ = 0;
  double setup_cpu_s_ = 0;
  double sampling_cpu_s_ = 0;
  std::vector<Sampler::ProgramStats> programs_;
  pg_counters counters_{};
  std::uint64_t samples() const { return counters_.samples; }
};

// Heuristic for modules built without frame pointers (documented in
// docs/profiler.md): when the leaf frame is in such a module, rbp is a general
// register there and the frame-pointer walk stops at once, so nearly all its
// stacks have a single user frame. (A leaf function alone without a frame —
// GCC omits it even with -mno-omit-leaf-frame-pointer — still gives ≥ 2.)
struct FramePointerCheck {
  struct Count {
    std::uint64_t stacks = 0, shallow = 0;
  };
  std::map<std::string, Count> by_module;

  void add(const std::string& module, std::size_t user_depth, std::uint64_t weight) {
    auto& c = by_module[module];
    c.stacks += weight;
    if (user_depth <= 1) c.shallow += weight;
  }
  void warn(Profile& p) const {
    for (const auto& [module, c] : by_module)
      if (c.stacks >= 20 && c.shallow * 10 >= c.stacks * 9 && module.front() != '[')
        p.warnings.push_back(fmt::format(
            "module {} seems to have no frame pointers: {} of {} stacks ending in it have a single "
            "user frame — rebuild it with -fno-omit-frame-pointer for whole stacks",
            module, c.shallow, c.stacks));
  }
};

// The frame-pointer walk is blind to functions without an rbp frame (glibc's
// syscall wrappers, its mutex and condvar code, anything built without frame
// pointers): rbp still holds an older frame, so the walk jumps from the leaf
// to a caller further up and the callers in between vanish. Re-link them by
// walking the CFI from the leaf over the return addresses the BPF side found
// on top of the stack: each frameless frame's return address must sit exactly
// where its CFA says, and the walk stops at the first function with an rbp
// frame (from there the kernel's walk is right) or where it meets the
// kernel's next frame. Returns the callers to insert after the leaf, inner first.
std::vector<std::uint64_t> relink_frameless_callers(Symbolizer& symbolizer, const ProcessMaps& maps,
                                                    const RawStack& raw) {
  std::vector<std::uint64_t> callers;
  if (raw.stack_returns.empty() || raw.user.empty()) return callers;
  const auto tgid = static_cast<pid_t>(raw.tgid);
  std::uint64_t pc = raw.user[0];
  unsigned base = 0;  // words between the user sp and this frame's bottom
  for (std::size_t depth = 0; depth < raw.stack_returns.size(); ++depth) {
    const auto words = symbolizer.frameless_frame_words(maps, tgid, pc, depth > 0);
    if (!words) break;
    const unsigned slot = base + *words - 1;
    auto it = std::find_if(raw.stack_returns.begin(), raw.stack_returns.end(),
                           [slot](const auto& r) { return r.first == slot; });
    if (it == raw.stack_returns.end()) break;
    if (raw.user.size() > 1 && it->second == raw.user[1]) break;
    callers.push_back(it->second);
    pc = it->second;
    base = slot + 1;
  }
  return callers;
}

// The recorded tree's profile. When `elsewhere` is given, it also gets the
// stacks of the processes other than `launched` (function_calls).
Profile build_profile(const Sampler& sampler, const ProcessMaps& maps, Symbolizer& symbolizer,
                      const RecordOptions& options, double duration_s, pid_t launched, Profile* elsewhere) {
  Profile profile(options.mode);
  const pg_counters c = sampler.read_counters();
  profile.stats.samples = c.samples;
  profile.stats.lost = c.lost + c.offcpu_lost;
  profile.stats.truncated = c.truncated;
  profile.stats.missing_user_stacks = c.missing_user;
  profile.stats.hz = options.mode == Mode::cpu ? options.hz : 0;
  profile.stats.duration_s = duration_s;

  FramePointerCheck fp;
  std::vector<Frame> leaf_first;
  std::vector<std::uint32_t> ids;
  for (const RawStack& raw : sampler.read_stacks()) {
    leaf_first.clear();
    for (std::uint64_t addr : raw.kernel) symbolizer.kernel_frame(addr, leaf_first);
    // offcpu stacks are taken inside the sched_switch hook: its own frames
    // (bpf_prog_*, bpf_trace_run*) are the profiler, not the target.
    auto own = std::find_if(leaf_first.begin(), leaf_first.end(), [](const Frame& f) {
      return !f.function.starts_with("bpf_") && !f.function.starts_with("__bpf_trace");
    });
    leaf_first.erase(leaf_first.begin(), own);
    const std::size_t kernel_frames = leaf_first.size();
    const auto tgid = static_cast<pid_t>(raw.tgid);
    for (std::size_t i = 0; i < raw.user.size(); ++i) {
      symbolizer.user_frames(maps, tgid, raw.user[i], i > 0, leaf_first);
      if (i == 0)
        for (std::uint64_t caller : relink_frameless_callers(symbolizer, maps, raw))
          symbolizer.user_frames(maps, tgid, caller, true, leaf_first);
    }
    if (leaf_first.size() > kernel_frames && options.mode == Mode::cpu)
      fp.add(leaf_first.back().module.empty() ? "[unknown]" : leaf_first[kernel_frames].module,
             raw.user.size(), raw.weight);
    if (raw.flags & (PG_STACK_USER_TRUNCATED | PG_STACK_KERNEL_TRUNCATED))
      leaf_first.push_back({"[truncated]", "[unknown]", "", 0, false, FrameKind::user});
    if (leaf_first.empty()) leaf_first.push_back({"[unknown]", "[unknown]", "", 0, false, FrameKind::user});
    ids.clear();
    for (auto it = leaf_first.rbegin(); it != leaf_first.rend(); ++it) ids.push_back(profile.intern(*it));
    profile.add(ids, raw.weight);
    if (elsewhere != nullptr && tgid != launched) {
      ids.clear();
      for (auto it = leaf_first.rbegin(); it != leaf_first.rend(); ++it) ids.push_back(elsewhere->intern(*it));
      elsewhere->add(ids, raw.weight);
    }
  }
  fp.warn(profile);
  if (options.window_from) profile.recorded_from = options.window_from->function;
  if (options.window_from && !sampler.window_open())
    profile.warnings.push_back(
        fmt::format("nothing recorded: the window was to open at the first call of {} ({}), "
                    "which never came",
                    options.window_from->function, options.window_from->module));
  else if (c.samples == 0)
    profile.warnings.push_back(
        options.mode == Mode::cpu
            ? "no samples: the target did not run on a CPU while it was recorded (it slept or waited; "
              "--mode offcpu shows where)"
            : "no off-CPU time recorded: the target never blocked while it was recorded");
  if (profile.stats.drop_rate() > 0.01)
    profile.warnings.push_back(fmt::format(
        "{:.1f} % of samples were dropped (stack map full: {} of {}) — the profile is incomplete",
        100.0 * profile.stats.drop_rate(), profile.stats.lost, profile.stats.samples));
  if (c.events_lost > 0)
    profile.warnings.push_back(fmt::format(
        "{} new-process notices were lost; some short-lived processes may show [unknown] frames",
        c.events_lost));
  return profile;
}

// Snapshots tgid's maps and gives its executable ranges to the stack scan
// (Sampler::set_code_ranges). The exec generation is read first: should the
// process exec in between, the new maps go in under the old generation and
// the kernel side ignores them (checks every word) until the next snapshot;
// code mapped or unmapped meanwhile changes exec_pages, with the same effect.
// Ranges of files whose leaves the symbolizer has found shallow (built with
// frame pointers) go in as such: only what it has loaded by then, the
// warm-up runs behind.
bool snapshot(ProcessMaps& maps, Sampler& sampler, const Symbolizer* symbolizer, pid_t tgid) {
  const auto gen = sampler.code_gen(tgid);
  if (!maps.snapshot(tgid)) return false;
  if (!gen) return true;
  const auto& ranges = maps.code_ranges(tgid);
  std::vector<CodeRange> shallow;
  if (symbolizer != nullptr)
    for (const Mapping& m : maps.mappings(tgid))
      if (std::ranges::find(ranges, CodeRange{m.start, m.end}) != ranges.end() &&
          symbolizer->shallow_leaves(m).value_or(false))
        shallow.emplace_back(m.start, m.end);
  sampler.set_code_ranges(tgid, *gen, maps.exec_pages(tgid), ranges, shallow);
  return true;
}

// Existing descendants of root (processes only), from /proc/*/stat.
std::vector<pid_t> descendants(pid_t root) {
  std::multimap<pid_t, pid_t> children;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
      if (pid <= 0) continue;
      std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
      std::string stat;
      std::getline(in, stat);
      const auto paren = stat.rfind(')');
      if (paren == std::string::npos) continue;
      std::istringstream rest(stat.substr(paren + 2));
      char state = 0;
      pid_t ppid = 0;
      rest >> state >> ppid;
      children.emplace(ppid, pid);
    }
    closedir(d);
  }
  std::vector<pid_t> out;
  std::vector<pid_t> todo{root};
  while (!todo.empty()) {
    const pid_t p = todo.back();
    todo.pop_back();
    for (auto [it, end] = children.equal_range(p); it != end; ++it) {
      out.push_back(it->second);
      todo.push_back(it->second);
    }
  }
  return out;
}

// Samples until the watched process exits, the duration passes, or SIGINT or
// SIGTERM. Snapshots maps when BPF reports a new process or an exec, and
// every 250 ms for live processes of the tree (libraries loaded later by
// dlopen).
double sample_until_done(Sampler& sampler, ProcessMaps& maps, Symbolizer& symbolizer, Watched& watched,
                         const RecordOptions& options, CostReport& costs) {
  std::set<pid_t> live;
  // At exec only the executable and the dynamic loader are mapped; ld.so maps
  // the libraries within a few milliseconds. A process that exits before the
  // next periodic refresh would leave every libc/libstdc++ frame [unknown], so
  // each new process is snapshotted again shortly after it appears.
  constexpr std::array kEarlySnapshots = {std::chrono::milliseconds(2), std::chrono::milliseconds(10),
                                          std::chrono::milliseconds(40), std::chrono::milliseconds(120)};
  std::multimap<Clock::time_point, pid_t> due;
  sampler.set_event_handler([&](const pg_event& ev) {
    const auto tgid = static_cast<pid_t>(ev.tgid);
    if (ev.type == PG_EVENT_EXIT) {
      live.erase(tgid);
      return;
    }
    if (!snapshot(maps, sampler, &symbolizer, tgid)) return;
    live.insert(tgid);
    const auto now = Clock::now();
    for (auto delay : kEarlySnapshots) due.emplace(now + delay, tgid);
    // This thread only waits while the target runs: load the new process's
    // symbols and DWARF now rather than after it ends.
    symbolizer.warm(maps, tgid);
  });
  auto run_due_snapshots = [&] {
    const auto now = Clock::now();
    while (!due.empty() && due.begin()->first <= now) {
      const pid_t tgid = due.begin()->second;
      due.erase(due.begin());
      if (!live.contains(tgid)) continue;
      if (snapshot(maps, sampler, &symbolizer, tgid)) symbolizer.warm(maps, tgid);  // the libraries ld.so mapped since
      else live.erase(tgid);
    }
  };
  const auto start = Clock::now();
  auto last_refresh = start;
  // Beyond ~30 years (1e9 s) the deadline would overflow the clock's
  // nanoseconds and lie in the past: sampling would stop at once.
  const auto deadline = options.duration_s && *options.duration_s < 1e9
                            ? start + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(*options.duration_s))
                            : Clock::time_point::max();
  while (true) {
    pollfd fds[2] = {{sampler.event_fd(), POLLIN, 0}, {watched.pidfd.get(), POLLIN, 0}};
    int timeout_ms = 250;
    if (options.duration_s) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      timeout_ms = static_cast<int>(std::clamp<long long>(left, 0, 250));
    }
    if (!due.empty()) {
      const auto next = std::chrono::ceil<std::chrono::milliseconds>(due.begin()->first - Clock::now()).count();
      timeout_ms = std::min(timeout_ms, static_cast<int>(std::max<long long>(next, 0)));
    }
    poll(fds, watched.pidfd ? 2 : 1, timeout_ms);
    sampler.consume_events();
    run_due_snapshots();
    check_exit(watched);
    const auto now = Clock::now();
    if (watched.exited || g_interrupted || now >= deadline) break;
    if (options.max_calls) {
      std::uint64_t calls = 0;
      for (std::uint64_t n : sampler.read_calls(options.count_calls.size())) calls += n;
      if (calls >= *options.max_calls) {
        // Killed before anything is detached: detaching the uprobes takes a
        // grace period each, and a target running on meanwhile was counted
        // by the probes not yet gone — 0 calls of a function whose probe
        // went first, thousands of one whose probe went last.
        // The whole tree: with its calls counted in forked children too,
        // a command under `/bin/sh -c` would otherwise run on orphaned.
        if (watched.is_child) {
          const std::vector<pid_t> tree = descendants(watched.pid);
          kill(watched.pid, SIGKILL);
          for (pid_t p : tree) kill(p, SIGKILL);
        }
        watched.call_budget_spent = true;
        break;
      }
    }
    if (now - last_refresh > std::chrono::milliseconds(250)) {
      last_refresh = now;
      for (auto it = live.begin(); it != live.end();)
        it = snapshot(maps, sampler, &symbolizer, *it) ? std::next(it) : live.erase(it);
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  costs.sampling_done(sampler);
  watched.calls = sampler.read_calls(options.count_calls.size());  // before the probes go, one by one
  sampler.stop();
  sampler.consume_events();
  return seconds;
}

UniqueFd open_pidfd(pid_t pid) { return UniqueFd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0))); }

// Sampler options for a recording: the call counter is loaded only when
// calls are to be counted.
Sampler::Options sampler_options(const RecordOptions& options) {
  return {.mode = options.mode,
          .hz = options.hz,
          .program_stats = costs_wanted(),
          .count_calls = !options.count_calls.empty(),
          .window_marker = options.window_from.has_value()};
}

// One uprobe per call site. In an executable it goes into every process
// that maps the file, and the BPF side counts the recorded tree's (a
// forked or exec'd child's calls too); in a shared library, into pid only
// (its threads, across its execs): a uprobe in libc for every process on
// the machine would slow them all.
// The window's marker (RecordOptions::window_from) goes in the same way.
std::expected<void, Error> attach_call_counters(Sampler& sampler, pid_t pid, const RecordOptions& options) {
  auto where = [pid](const CallSite& site) { return site.shared_library ? pid : -1; };
  for (std::size_t i = 0; i < options.count_calls.size(); ++i) {
    const CallSite& site = options.count_calls[i];
    if (auto ok = sampler.attach_call_counter(where(site), site.path, site.file_offset,
                                              static_cast<std::uint32_t>(i));
        !ok)
      return ok;
  }
  if (const auto& marker = options.window_from)
    return sampler.attach_window_marker(where(*marker), marker->path, marker->file_offset);
  return {};
}

// The counted calls (per site, Watched::calls), summed per function and
// module (a name can have several sites), with the function's self weight in
// this run's profile. A shared library's function that also ran in other
// processes of the tree than the one its probes were in (`elsewhere`: the
// profile of those processes' stacks) has an incomplete count: it is left
// out, with a warning, so that its time is not divided by part of its calls.
std::vector<FunctionCalls> function_calls(const std::vector<std::uint64_t>& counts, const RecordOptions& options,
                                          Profile& profile, const Profile& elsewhere) {
  std::map<std::pair<std::string, std::string>, std::uint64_t> by_function;
  std::set<std::pair<std::string, std::string>> per_process;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const CallSite& site = options.count_calls[i];
    by_function[{site.function, site.module}] += counts[i];
    if (site.shared_library) per_process.insert({site.function, site.module});
  }
  const auto self = profile.self_by_user_function();
  const auto self_elsewhere = elsewhere.self_by_user_function();
  std::vector<FunctionCalls> out;
  for (auto& [key, n] : by_function) {
    if (per_process.contains(key) && self_elsewhere.contains(key)) {
      profile.warnings.push_back(fmt::format(
          "calls of {} ({}) were not counted: it ran in other processes than the launched one, and a shared "
          "library's calls are counted in that process only",
          key.first, key.second));
      continue;
    }
    const auto it = self.find(key);
    out.push_back({key.first, key.second, n, it == self.end() ? 0 : it->second});
  }
  return out;
}

// What the recording counted, into its profile: calls, whether the budget
// cut them, and from which marker on.
void add_counted_calls(Profile& profile, const Watched& watched, const RecordOptions& options,
                       const Profile& elsewhere) {
  profile.calls = function_calls(watched.calls, options, profile, elsewhere);
  profile.calls_partial = watched.call_budget_spent;
  if (options.window_from && !options.count_calls.empty())
    profile.calls_from = options.window_from->function;
}

// Whether some call sites are counted in one process only (function_calls
// then needs the other processes' stacks).
bool counts_per_process(const RecordOptions& options) {
  return std::ranges::any_of(options.count_calls, &CallSite::shared_library);
}

std::expected<void, Error> check_options(const RecordOptions& options) {
  if (options.mode == Mode::cpu && (options.hz == 0 || options.hz > 100000))
    return std::unexpected(Error{Error::Kind::bad_input, fmt::format("--hz {} is out of range 1..100000", options.hz)});
  if (options.duration_s && !(*options.duration_s > 0))
    return std::unexpected(Error{Error::Kind::bad_input, "--duration must be positive"});
  static_assert(kMaxCountedCallSites == PG_MAX_CALL_SITES);
  if (options.count_calls.size() > PG_MAX_CALL_SITES)
    return std::unexpected(Error{Error::Kind::bad_input,
                                 fmt::format("{} functions to count calls of; at most {} can be counted",
                                             options.count_calls.size(), PG_MAX_CALL_SITES)});
  return {};
}

pid_t tgid_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Tgid:", 0) == 0) return static_cast<pid_t>(std::stol(line.substr(5)));
  return pid;
}

}  // namespace

std::expected<void, Error> check_available() {
  auto sampler = Sampler::create({Mode::cpu, 99, 16});
  if (!sampler) return std::unexpected(sampler.error());
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_CPU_CLOCK;
  attr.freq = 1;
  attr.sample_freq = 99;
  const int fd = static_cast<int>(syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC));
  if (fd < 0) return std::unexpected(bpf_error("cannot open the cpu-clock perf event", errno));
  close(fd);
  return {};
}

std::expected<RecordResult, Error> record_command(const std::vector<std::string>& argv,
                                                  const RecordOptions& options) {
  if (argv.empty()) return std::unexpected(Error{Error::Kind::bad_input, "no command to record"});
  if (auto ok = check_options(options); !ok) return std::unexpected(ok.error());
  CostReport costs;
  auto sampler = Sampler::create(sampler_options(options));
  if (!sampler) return std::unexpected(sampler.error());

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  int go[2], exec_err[2];
  if (pipe2(go, O_CLOEXEC) != 0 || pipe2(exec_err, O_CLOEXEC) != 0)
    return std::unexpected(Error{Error::Kind::runtime, fmt::format("pipe: {}", std::strerror(errno))});
  UniqueFd go_read(go[0]), go_write(go[1]), err_read(exec_err[0]), err_write(exec_err[1]);

  const pid_t child = fork();
  if (child < 0) return std::unexpected(Error{Error::Kind::runtime, fmt::format("fork: {}", std::strerror(errno))});
  if (child == 0) {
    // Held here until sampling is attached; only async-signal-safe calls.
    if (options.own_process_group) {
      setpgid(0, 0);
      // Not the terminal's foreground group: no stdin, and its output is
      // not perfgate's (as for a measured repetition).
      const int devnull = open("/dev/null", O_RDWR);
      if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        dup2(devnull, STDOUT_FILENO);
      }
    }
    char c = 0;
    ssize_t n;
    while ((n = read(go_read.get(), &c, 1)) < 0 && errno == EINTR) {
    }
    if (n != 1) _exit(127);
    execvp(args[0], args.data());
    const int e = errno;
    [[maybe_unused]] auto w = write(err_write.get(), &e, sizeof e);
    _exit(127);
  }
  // Declared before every waitpid below, so it ends after the last.
  struct GroupReport {
    const RecordOptions& options;
    pid_t group;
    ~GroupReport() {
      if (options.own_process_group) options.own_process_group(group, false);
    }
  } group_report{options, child};
  if (options.own_process_group) {
    setpgid(child, child);  // also from here: no race with a kill of the group
    options.own_process_group(child, true);
  }
  go_read = UniqueFd();
  err_write = UniqueFd();
  // After the fork: the child of a process with threads may only exec.
  Symbolizer symbolizer;
  symbolizer.prefetch_kernel_symbols();

  auto abandon = [child](Error e) -> std::expected<RecordResult, Error> {
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    return std::unexpected(std::move(e));
  };
  if (auto ok = sampler->add_target(child); !ok) return abandon(ok.error());
  if (auto ok = attach_call_counters(*sampler, child, options); !ok) return abandon(ok.error());
  ProcessMaps maps;
  if (auto ok = sampler->start(); !ok) return abandon(ok.error());

  std::optional<StopSignalGuard> stop_signals;
  if (!options.own_process_group) stop_signals.emplace();
  const char c = 1;
  if (write(go_write.get(), &c, 1) != 1)
    return abandon(Error{Error::Kind::runtime, fmt::format("cannot start the command: {}", std::strerror(errno))});
  go_write = UniqueFd();
  costs.target_started();
  int exec_errno = 0;
  ssize_t n;
  while ((n = read(err_read.get(), &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  if (n == sizeof exec_errno) {
    waitpid(child, nullptr, 0);
    return std::unexpected(Error{Error::Kind::bad_input,
                                 fmt::format("cannot run '{}': {}", argv[0], std::strerror(exec_errno))});
  }
  snapshot(maps, *sampler, &symbolizer, child);  // exec is done: the executable and the loader are mapped

  Watched watched;
  watched.pid = child;
  watched.is_child = true;
  watched.pidfd = open_pidfd(child);
  const double seconds = sample_until_done(*sampler, maps, symbolizer, watched, options, costs);
  const bool stopped_early = !watched.exited;
  if (stopped_early) {
    // Duration over, SIGINT or SIGTERM: as `perf record` does, the command
    // (its tree: under /bin/sh -c the work is a child) gets SIGTERM, and
    // SIGKILL if it is still there 2 s later — unless the call budget ended
    // the recording and killed it already (sample_until_done).
    if (!watched.call_budget_spent) {
      const std::vector<pid_t> tree = descendants(child);
      kill(child, SIGTERM);
      for (pid_t p : tree) kill(p, SIGTERM);
      pollfd gone{watched.pidfd.get(), POLLIN, 0};
      if (!watched.pidfd || poll(&gone, 1, 2000) == 0) {
        kill(child, SIGKILL);
        for (pid_t p : tree) kill(p, SIGKILL);
      }
    }
    while (waitpid(child, &watched.wait_status, 0) < 0 && errno == EINTR) {
    }
  }
  const pg_counters counters = sampler->read_counters();
  Profile elsewhere;
  RecordResult result{build_profile(*sampler, maps, symbolizer, options, seconds, child,
                                    counts_per_process(options) ? &elsewhere : nullptr),
                      watched.wait_status,
                      {counters.scan_filtered, counters.scan_unfiltered, counters.scan_outside,
                       counters.scan_probes, counters.scan_shallow, counters.cut_outside_code},
                      counters.collided,
                      maps.file_paths(),
                      !watched.call_budget_spent && (stopped_early || g_interrupted)};
  add_counted_calls(result.profile, watched, options, elsewhere);
  costs.print();
  return result;
}

std::expected<Profile, Error> record_pid(pid_t pid, const RecordOptions& options) {
  if (auto ok = check_options(options); !ok) return std::unexpected(ok.error());
  if (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH))
    return std::unexpected(Error{Error::Kind::bad_input, fmt::format("no process with pid {}", pid)});
  const pid_t tgid = tgid_of(pid);
  CostReport costs;
  auto sampler = Sampler::create(sampler_options(options));
  if (!sampler) return std::unexpected(sampler.error());
  if (auto ok = attach_call_counters(*sampler, tgid, options); !ok) return std::unexpected(ok.error());
  ProcessMaps maps;
  std::vector<pid_t> tree{tgid};
  for (pid_t d : descendants(tgid)) tree.push_back(d);
  for (pid_t p : tree) {
    if (auto ok = sampler->add_target(p); !ok) return std::unexpected(ok.error());
    snapshot(maps, *sampler, nullptr, p);  // before the symbolizer: no range known shallow yet
  }
  if (auto ok = sampler->start(); !ok) return std::unexpected(ok.error());
  Symbolizer symbolizer;
  symbolizer.prefetch_kernel_symbols();
  StopSignalGuard stop_signals;
  Watched watched;
  watched.pid = tgid;
  watched.pidfd = open_pidfd(tgid);
  costs.target_started();
  const double seconds = sample_until_done(*sampler, maps, symbolizer, watched, options, costs);
  Profile elsewhere;
  Profile profile = build_profile(*sampler, maps, symbolizer, options, seconds, tgid,
                                  counts_per_process(options) ? &elsewhere : nullptr);
  add_counted_calls(profile, watched, options, elsewhere);
  costs.print();
  return profile;
}

}  // namespace perfgate::profiler
