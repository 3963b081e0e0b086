#include "gate/cli/profiling.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string_view>

#include "gate/atomic_file.h"
#include "gate/cli/command.h"
#include "gate/cli/profile_input.h"
#include "gate/hotspots.h"
#include "gate/process.h"
#include "gate/profile_json.h"
#include "profiler/folded.h"
#include "profiler/recorder.h"
#include "reporters/flamegraph.h"

namespace perfgate::cli {
namespace {

// The counting run stops after this many calls: 0.9–10 µs each here
// (RecordOptions::max_calls), so seconds, not minutes, more per benchmark.
constexpr std::uint64_t kCallBudget = 250'000;

// The call sites of `functions` (function, module) in the files a recording
// mapped, by exact name, at most kMaxCountedCallSites; a function whose module
// is not among them, or that has no entry a uprobe may take, is left out.
std::vector<profiler::CallSite> call_sites(const std::vector<std::pair<std::string, std::string>>& functions,
                                           const std::vector<std::string>& module_paths) {
  std::vector<profiler::CallSite> sites;
  for (const auto& [function, module] : functions) {
    auto path = std::ranges::find_if(module_paths, [&](const std::string& p) {
      return std::filesystem::path(p).filename() == module;
    });
    if (path == module_paths.end()) continue;
    auto found = profiler::find_call_sites(*path, std::span(&function, 1), profiler::NameMatch::exact);
    if (!found || sites.size() + found->size() > profiler::kMaxCountedCallSites) continue;
    sites.insert(sites.end(), found->begin(), found->end());
  }
  return sites;
}

// Where the recorded program marks the start of its operations
// (perfgate_operations_begin: workloads/harness/operations_begin.h; the
// bundled workloads call it after building their inputs), in one of the
// executables — not shared libraries — its profiled run mapped; nothing
// when it makes no such mark.
std::optional<profiler::CallSite> operations_marker(const std::vector<std::string>& module_paths) {
  static const std::string kMarker = "perfgate_operations_begin";
  for (const std::string& path : module_paths) {
    auto found =
        profiler::find_call_sites(path, std::span(&kMarker, 1), profiler::NameMatch::exact);
    if (found && found->size() == 1 && !found->front().shared_library) return found->front();
  }
  return std::nullopt;
}

// "the profiled run exited with status 1"; "" for a clean exit.
std::string exit_reason(int wait_status, std::string_view run) {
  if (wait_status == 0) return "";
  return WIFSIGNALED(wait_status) ? fmt::format("the {} was killed by signal {}", run, WTERMSIG(wait_status))
                                  : fmt::format("the {} exited with status {}", run, WEXITSTATUS(wait_status));
}

// The profile the hooks below wrote at path.
std::expected<profiler::Profile, std::string> written_profile(const std::filesystem::path& path) {
  return gate::load_profile(gate::ProfileRef{"ok", path.filename().string(), ""}, path.parent_path());
}

struct ProfilingHooks {
  gate::ProfileRepetition record;
  gate::CallCounting count;
};

ProfilingHooks make_profiling_hooks() {
  // Checked once per run: without BPF every benchmark still runs and is
  // measured; its profile is marked missing with the reason (DESIGN §7).
  if (auto ok = profiler::check_available(); !ok) {
    warn(fmt::format("profiles will be missing: {}", ok.error().message));
    const std::string reason = ok.error().message;
    return {.record = [reason](const std::vector<std::string>&, const std::filesystem::path&, unsigned,
                               bool) { return gate::ProfiledRun{{"missing", "", reason}}; },
            .count = [reason](const std::vector<std::string>&, const std::filesystem::path&, unsigned,
                              const std::vector<std::pair<std::string, std::string>>&) { return reason; }};
  }
  // The files each recorded profile's processes mapped, where its counting
  // runs find the functions' entries; only for profiles whose runs all
  // exited cleanly.
  auto mapped = std::make_shared<std::map<std::filesystem::path, std::vector<std::string>>>();
  ProfilingHooks hooks;
  hooks.record = [mapped](const std::vector<std::string>& argv, const std::filesystem::path& path, unsigned hz,
                          bool add) {
    // A further run that fails leaves the profile so far (written
    // atomically, so intact) as it was, with the failure as its reason.
    auto failed = [&](std::string message) {
      mapped->erase(path);
      if (add) return gate::ProfiledRun{{"ok", path.string(), "a further profiled run failed: " + message}};
      return gate::ProfiledRun{{"failed", "", std::move(message)}};
    };
    // A profiled or counting run is a repetition like the measured ones: in
    // a process group of its own, which SIGINT, SIGTERM or SIGHUP to
    // perfgate kills (gate/process.h), not a recording that Ctrl-C ends
    // while perfgate goes on to the next benchmark.
    auto r =
        profiler::record_command(argv, {.hz = hz, .own_process_group = gate::track_child_group});
    if (!r) return failed(r.error().message);
    // profiling.duration: a further run merged into the profile so far — a
    // short benchmark's one run holds too few samples to tell a share that
    // grew by a point (lru: ~600 at 999 Hz, ±1.4 points).
    profiler::Profile profile;
    if (add) {
      auto so_far = written_profile(path);
      if (!so_far) return failed(so_far.error());
      profile = std::move(*so_far);
    }
    const std::size_t warned = profile.warnings.size();  // the earlier runs' warnings were shown
    if (add)
      profile.merge(r->profile);
    else
      profile = std::move(r->profile);
    for (std::size_t i = warned; i < profile.warnings.size(); ++i)
      warn(fmt::format("{}: {}", path.filename().string(), profile.warnings[i]));
    auto folded = path;
    folded.replace_extension(".folded");
    if (auto ok = gate::write_file_atomically(path, gate::profile_to_json(profile)); !ok)
      return failed(ok.error().message);
    if (auto ok = gate::write_file_atomically(folded, profiler::to_folded(profile)); !ok)
      return failed(ok.error().message);
    // The flame graph a person opens from the artifacts, beside the data it shows.
    auto svg = path;
    svg.replace_extension(".svg");
    const auto graph = reporters::render_flamegraph(
        profile,
        {.title = "Flame Graph: " + path.stem().string(), .subtitle = describe_profile(profile, path.string())});
    if (auto ok = gate::write_file_atomically(svg, graph); !ok) return failed(ok.error().message);
    const std::string reason = exit_reason(r->wait_status, "profiled run");
    if (!reason.empty()) {
      mapped->erase(path);  // a failed run's profile gets no counts
    } else if (!add) {
      (*mapped)[path] = std::move(r->module_paths);
    } else if (auto files = mapped->find(path); files != mapped->end()) {
      for (auto& p : r->module_paths)
        if (std::ranges::find(files->second, p) == files->second.end()) files->second.push_back(std::move(p));
    }
    return gate::ProfiledRun{{"ok", path.string(), reason}, profile.stats.duration_s};
  };
  // Its own run, not the sampled one: the uprobes' cost would show in that
  // one's samples. A program that marks where its operations begin is
  // counted from there: the budget then covers its first operations, not
  // its setup (lru's alone makes more calls than the budget).
  auto count = [mapped](const std::vector<std::string>& argv, const std::filesystem::path& path, unsigned hz,
                        const std::vector<std::pair<std::string, std::string>>& functions) -> std::string {
    const auto files = mapped->find(path);
    if (files == mapped->end()) return "its profiled run did not finish cleanly";
    const auto sites = call_sites(functions, files->second);
    if (sites.empty()) return "none of its hot functions has an entry a uprobe can count";
    auto counted = profiler::record_command(argv, {.hz = hz,
                                                   .count_calls = sites,
                                                   .max_calls = kCallBudget,
                                                   .window_from = operations_marker(files->second),
                                                   .own_process_group = gate::track_child_group});
    if (!counted) return counted.error().message;
    if (counted->wait_status != 0 && !counted->profile.calls_partial)
      return exit_reason(counted->wait_status, "counting run");
    auto profile = written_profile(path);
    if (!profile) return profile.error();
    profiler::add_counting_run(*profile, counted->profile.calls, counted->profile.calls_partial,
                               counted->profile.calls_from);
    if (auto ok = gate::write_file_atomically(path, gate::profile_to_json(*profile)); !ok) return ok.error().message;
    return "";
  };
  hooks.count = [count](const std::vector<std::string>& argv, const std::filesystem::path& path, unsigned hz,
                        const std::vector<std::pair<std::string, std::string>>& functions) {
    std::string error = count(argv, path, hz, functions);
    if (!error.empty()) warn(fmt::format("{}: calls not counted: {}", path.filename().string(), error));
    return error;
  };
  return hooks;
}

}  // namespace

void use_profiler(gate::RunnerOptions& runner, unsigned count_runs) {
  auto hooks = make_profiling_hooks();
  runner.profile_repetition = std::move(hooks.record);
  runner.count_calls = std::move(hooks.count);
  runner.count_runs = count_runs;
}

}  // namespace perfgate::cli
