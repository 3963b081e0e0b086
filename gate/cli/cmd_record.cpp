// `perfgate record [-p PID | -- CMD ARGS…]`: eBPF sampling of a process tree
// into folded stacks or a JSON profile (DESIGN §3, §7).

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <expected>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gate/atomic_file.h"
#include "gate/cli/command.h"
#include "gate/cli/profile_input.h"
#include "gate/profile_json.h"
#include "profiler/folded.h"
#include "profiler/recorder.h"
#include "reporters/flamegraph.h"

namespace perfgate::cli {
namespace {

struct RecordOptions {
  std::vector<std::string> command;
  pid_t pid = 0;
  unsigned hz = 99;
  double duration_s = 0;  // 0: until the target exits (or Ctrl-C)
  std::string mode = "cpu";
  std::string output;  // empty: folded stacks on stdout
  std::vector<std::string> calls;  // --calls globs over the executable's function names
  std::string from;  // --from: the executable's function whose first call opens the window
};

constexpr const char* kRecordHelp =
    "Sample a process tree with the eBPF profiler: 'perfgate record -- CMD ARGS…' launches and\n"
    "follows CMD (its threads and the processes it forks/execs); 'perfgate record -p PID'\n"
    "attaches. -o decides the format by extension: FILE.json the JSON profile, FILE.svg an\n"
    "interactive flame graph, any other name folded stacks (flamegraph.pl, inferno, speedscope).\n"
    "Needs root or CAP_BPF+CAP_PERFMON; without them exits 3. A target that crashes\n"
    "or exits non-zero keeps its profile and exits 3 with its status. --calls 'GLOB' also counts\n"
    "the calls of the executable's functions whose demangled names match (uprobes: exact counts,\n"
    "0.9-10 us per call on top), in the whole process tree. --from FUNCTION records nothing\n"
    "until the executable's FUNCTION is first called (a program's mark of where its work\n"
    "begins, such as the bundled workloads' perfgate_operations_begin): no start-up.";

gate::Error to_gate_error(const profiler::Error& e) {
  if (e.kind == profiler::Error::Kind::bad_input) return gate::Error::bad_input(e.message);
  return gate::Error::environment(e.message);
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status))
    return fmt::format("was killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  return "ended abnormally";
}

// The file CMD runs as execvp(3) finds it, or PID's executable; "" when
// there is none.
std::string executable_path(const RecordOptions& opts) {
  if (opts.command.empty()) {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink(fmt::format("/proc/{}/exe", opts.pid), ec);
    return ec ? "" : exe.string();
  }
  const std::string& cmd = opts.command.front();
  if (cmd.find('/') != std::string::npos) return cmd;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  for (std::size_t pos = 0; pos <= dirs.size();) {
    std::size_t end = dirs.find(':', pos);
    if (end == std::string::npos) end = dirs.size();
    const std::string dir = end == pos ? "." : dirs.substr(pos, end - pos);
    const std::string candidate = dir + "/" + cmd;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    pos = end + 1;
  }
  return "";
}

// executable_path, or bad input naming `option` (--calls, --from).
std::expected<std::string, gate::Error> executable_of(const RecordOptions& opts,
                                                      std::string_view option) {
  std::string exe = executable_path(opts);
  if (exe.empty())
    return std::unexpected(gate::Error::bad_input(
        fmt::format("{}: cannot find the executable of {}", option,
                    opts.command.empty() ? fmt::format("pid {}", opts.pid)
                                         : "'" + opts.command.front() + "'")));
  return exe;
}

// --calls: the executable's functions matching the globs. Bad input when a
// glob matches nothing (a typo would otherwise count nothing silently).
std::expected<std::vector<profiler::CallSite>, gate::Error> call_sites(const RecordOptions& opts) {
  if (opts.calls.empty()) return std::vector<profiler::CallSite>{};
  const auto found_exe = executable_of(opts, "--calls");
  if (!found_exe) return std::unexpected(found_exe.error());
  const std::string& exe = *found_exe;
  std::vector<profiler::CallSite> sites;
  for (const auto& glob : opts.calls) {
    std::vector<std::string> unsafe;
    auto found = profiler::find_call_sites(exe, std::span(&glob, 1), profiler::NameMatch::glob, &unsafe);
    if (!found) return std::unexpected(to_gate_error(found.error()));
    for (const auto& name : unsafe)
      warn(fmt::format("--calls: not counting {}: it starts with an AVX instruction, which a uprobe corrupts", name));
    if (found->empty() && unsafe.empty())
      return std::unexpected(gate::Error::bad_input(fmt::format("--calls: no function of {} matches '{}'", exe, glob)));
    for (auto& site : *found)
      if (std::ranges::none_of(sites, [&](const auto& s) { return s.file_offset == site.file_offset; }))
        sites.push_back(std::move(site));
  }
  return sites;
}

// --from: the one function of the executable with that exact name.
std::expected<std::optional<profiler::CallSite>, gate::Error> window_marker(
    const RecordOptions& opts) {
  if (opts.from.empty()) return std::nullopt;
  const auto found_exe = executable_of(opts, "--from");
  if (!found_exe) return std::unexpected(found_exe.error());
  const std::string& exe = *found_exe;
  std::vector<std::string> unsafe;
  auto found =
      profiler::find_call_sites(exe, std::span(&opts.from, 1), profiler::NameMatch::exact, &unsafe);
  if (!found) return std::unexpected(to_gate_error(found.error()));
  if (!unsafe.empty())
    return std::unexpected(gate::Error::bad_input(fmt::format(
        "--from: {} starts with an AVX instruction, which a uprobe corrupts", opts.from)));
  if (found->empty())
    return std::unexpected(gate::Error::bad_input(
        fmt::format("--from: {} defines no function named '{}' (the demangled name, exactly)", exe,
                    opts.from)));
  if (found->size() > 1)
    return std::unexpected(gate::Error::bad_input(
        fmt::format("--from: {} defines {} functions named '{}'; one is needed", exe, found->size(),
                    opts.from)));
  return found->front();
}

ExitCode run_record(const RecordOptions& opts) {
  if (opts.command.empty() == (opts.pid == 0))
    return fail(gate::Error::bad_input("give either -p PID or -- CMD ARGS… (see 'perfgate record --help')"));
  profiler::RecordOptions ro;
  ro.hz = opts.hz;
  ro.mode = opts.mode == "offcpu" ? profiler::Mode::offcpu : profiler::Mode::cpu;
  if (opts.duration_s > 0) ro.duration_s = opts.duration_s;
  auto sites = call_sites(opts);
  if (!sites) return fail(sites.error());
  ro.count_calls = std::move(*sites);
  auto marker = window_marker(opts);
  if (!marker) return fail(marker.error());
  ro.window_from = std::move(*marker);

  std::optional<profiler::Profile> profile;
  int wait_status = 0;
  bool stopped = false;
  if (!opts.command.empty()) {
    progress(fmt::format("recording {} ({} mode{})", opts.command.front(), opts.mode,
                         ro.mode == profiler::Mode::cpu ? fmt::format(", {} Hz", ro.hz) : ""));
    auto r = profiler::record_command(opts.command, ro);
    if (!r) return fail(to_gate_error(r.error()));
    profile = std::move(r->profile);
    wait_status = r->wait_status;
    stopped = r->stopped;
  } else {
    progress(fmt::format("recording pid {} ({} mode) — Ctrl-C to stop", opts.pid, opts.mode));
    auto r = profiler::record_pid(opts.pid, ro);
    if (!r) return fail(to_gate_error(r.error()));
    profile = std::move(*r);
  }

  std::string text;
  if (ends_with(opts.output, ".json")) {
    text = gate::profile_to_json(*profile);
  } else if (ends_with(opts.output, ".svg")) {
    const std::string target = opts.command.empty() ? fmt::format("pid {}", opts.pid) : opts.command.front();
    text = reporters::render_flamegraph(*profile, {.subtitle = describe_profile(*profile, target)});
  } else {
    text = profiler::to_folded(*profile);
  }
  if (opts.output.empty() || opts.output == "-") {
    fmt::print("{}", text);
    std::fflush(stdout);
  } else if (auto ok = gate::write_file_atomically(opts.output, text); !ok) {
    return fail(ok.error());
  }
  const auto& st = profile->stats;
  progress(fmt::format("{} samples ({} lost, {} truncated, {} without user stack) in {:.2f} s{}",
                       st.samples, st.lost, st.truncated, st.missing_user_stacks, st.duration_s,
                       opts.output.empty() ? "" : " → " + opts.output));
  for (const auto& w : profile->warnings) warn(w);
  auto calls = profile->calls;
  std::ranges::sort(calls, [](const auto& a, const auto& b) { return a.calls > b.calls; });
  // What --calls asked for, like bpftrace's maps at exit (also in FILE.json).
  for (const auto& c : calls) fmt::print(stderr, "perfgate: {:>12} calls  {}\n", c.calls, c.function);

  // Stopped by --duration, Ctrl-C or SIGTERM, the command ends by a signal
  // perfgate sent (or the terminal did): the profile is what was asked for.
  const bool ended_by_stop = stopped && WIFSIGNALED(wait_status) &&
                             (WTERMSIG(wait_status) == SIGINT || WTERMSIG(wait_status) == SIGTERM ||
                              WTERMSIG(wait_status) == SIGKILL);
  if (!opts.command.empty() && !ended_by_stop &&
      !(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0))
    return fail(gate::Error::environment(fmt::format("'{}' {} (profile kept{})", opts.command.front(),
                                                     describe_status(wait_status),
                                                     opts.output.empty() ? "" : " in " + opts.output)));
  return ExitCode::pass;
}

}  // namespace

void add_record_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<RecordOptions>();
  auto* cmd = app.add_subcommand("record", kRecordHelp);
  with_env(
      cmd->add_option("-p,--pid", opts->pid, "Attach to this running process (and its children)")
          ->check(CLI::Range(1, std::numeric_limits<int>::max())));
  with_env(cmd->add_option("--hz", opts->hz, "Samples per second per CPU (cpu mode; default 99)")
               ->check(CLI::Range(1u, 100000u)));
  with_env(cmd->add_option("--duration", opts->duration_s,
                           "Stop sampling after S seconds (default: when the target exits, or Ctrl-C)")
               ->check(number_in(0.0, std::numeric_limits<double>::infinity(), true)));
  with_env(cmd->add_option("--mode", opts->mode,
                           "cpu: where time is spent on CPU; offcpu: where threads block, weighted by ns")
               ->check(CLI::IsMember({"cpu", "offcpu"})));
  with_env(
      cmd->add_option("-o,--output", opts->output,
                      "FILE.json: JSON profile; FILE.svg: flame graph; other names: folded stacks "
                      "(default: folded on stdout)")
          ->check(output_file()));
  // One glob per --calls: a vector option takes values up to the next
  // option and then eats a `--` (CLI11), so `--calls G -- CMD --flag` would
  // hand --flag to record.
  with_env(cmd->add_option("--calls", opts->calls,
                           "Count the calls of the executable's functions matching this glob over demangled "
                           "names (repeatable; in the JSON profile and on stderr)")
               ->expected(1)
               ->allow_extra_args(false)
               ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll));
  with_env(
      cmd->add_option(
             "--from", opts->from,
             "Record nothing until the executable's function of this exact (demangled) name is "
             "first called, e.g. perfgate_operations_begin")
          ->check(CLI::Validator(
              [](const std::string& s) {
                return s.empty() ? std::string("must not be empty") : std::string();
              },
              "FUNCTION")));
  cmd->add_option("command", opts->command, "Command to launch and follow, after --");
  cmd->callback([opts, &action] { action = [opts] { return run_record(*opts); }; });
}

}  // namespace perfgate::cli
