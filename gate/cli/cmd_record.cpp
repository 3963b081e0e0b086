// `perfgate record [-p PID | -- CMD ARGS…]`: eBPF sampling of a process tree
// into folded stacks or a JSON profile (DESIGN §3, §7).

#include <fmt/format.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cstring>
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
};

constexpr const char* kRecordHelp =
    "Sample a process tree with the eBPF profiler: 'perfgate record -- CMD ARGS…' launches and\n"
    "follows CMD (its threads and the processes it forks/execs); 'perfgate record -p PID' attaches.\n"
    "-o decides the format by extension: FILE.json the JSON profile, FILE.svg an interactive flame graph,\n"
    "any other name folded stacks (flamegraph.pl, inferno, speedscope). Needs root or\n"
    "CAP_BPF+CAP_PERFMON; without them exits 3. A target that crashes\n"
    "or exits non-zero keeps its profile and exits 3 with its status.";

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

ExitCode run_record(const RecordOptions& opts) {
  if (opts.command.empty() == (opts.pid == 0))
    return fail(gate::Error::bad_input("give either -p PID or -- CMD ARGS… (see 'perfgate record --help')"));
  profiler::RecordOptions ro;
  ro.hz = opts.hz;
  ro.mode = opts.mode == "offcpu" ? profiler::Mode::offcpu : profiler::Mode::cpu;
  if (opts.duration_s > 0) ro.duration_s = opts.duration_s;

  std::optional<profiler::Profile> profile;
  int wait_status = 0;
  if (!opts.command.empty()) {
    progress(fmt::format("recording {} ({} mode{})", opts.command.front(), opts.mode,
                         ro.mode == profiler::Mode::cpu ? fmt::format(", {} Hz", ro.hz) : ""));
    auto r = profiler::record_command(opts.command, ro);
    if (!r) return fail(to_gate_error(r.error()));
    profile = std::move(r->profile);
    wait_status = r->wait_status;
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

  if (!opts.command.empty() && !(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0))
    return fail(gate::Error::environment(fmt::format("'{}' {} (profile kept{})", opts.command.front(),
                                                     describe_status(wait_status),
                                                     opts.output.empty() ? "" : " in " + opts.output)));
  return ExitCode::pass;
}

}  // namespace

void add_record_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<RecordOptions>();
  auto* cmd = app.add_subcommand("record", kRecordHelp);
  with_env(cmd->add_option("-p,--pid", opts->pid, "Attach to this running process (and its children)"));
  with_env(cmd->add_option("--hz", opts->hz, "Samples per second per CPU (cpu mode; default 99)")
               ->check(CLI::Range(1u, 100000u)));
  with_env(cmd->add_option("--duration", opts->duration_s,
                           "Stop sampling after S seconds (default: when the target exits, or Ctrl-C)")
               ->check(CLI::PositiveNumber));
  with_env(cmd->add_option("--mode", opts->mode,
                           "cpu: where time is spent on CPU; offcpu: where threads block, weighted by ns")
               ->check(CLI::IsMember({"cpu", "offcpu"})));
  with_env(cmd->add_option("-o,--output", opts->output,
                           "FILE.json: JSON profile; FILE.svg: flame graph; other names: folded stacks "
                           "(default: folded on stdout)"));
  cmd->add_option("command", opts->command, "Command to launch and follow, after --");
  cmd->callback([opts, &action] { action = [opts] { return run_record(*opts); }; });
}

}  // namespace perfgate::cli
