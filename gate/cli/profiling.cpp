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
#include "gate/profile_json.h"
#include "profiler/folded.h"
#include "profiler/recorder.h"
#include "reporters/flamegraph.h"

namespace perfgate::cli {
namespace {

// The counting run stops after this many calls: 0.9–10 µs each here
// (RecordOptions::max_calls), so seconds, not minutes, more per benchmark.
constexpr std::uint64_t kCallBudget = 250'000;
// profiling.duration repeats a profiled run at most this often.
constexpr int kMaxProfiledRuns = 100;

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

// "the profiled run exited with status 1"; "" for a clean exit.
std::string exit_reason(int wait_status, std::string_view run) {
  if (wait_status == 0) return "";
  return WIFSIGNALED(wait_status) ? fmt::format("the {} was killed by signal {}", run, WTERMSIG(wait_status))
                                  : fmt::format("the {} exited with status {}", run, WEXITSTATUS(wait_status));
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
                               double) { return gate::ProfileRef{"missing", "", reason}; },
            .count = [reason](const std::vector<std::string>&, const std::filesystem::path&, unsigned,
                              const std::vector<std::pair<std::string, std::string>>&) { return reason; }};
  }
  // The files each recorded profile's process mapped, where its counting
  // runs find the functions' entries.
  auto mapped = std::make_shared<std::map<std::filesystem::path, std::vector<std::string>>>();
  ProfilingHooks hooks;
  hooks.record = [mapped](const std::vector<std::string>& argv, const std::filesystem::path& path, unsigned hz,
                          double duration_s) {
    auto r = profiler::record_command(argv, {.hz = hz});
    if (!r) return gate::ProfileRef{"failed", "", r.error().message};
    // profiling.duration: more runs, merged, until that much was sampled —
    // a short benchmark's one run holds too few samples to tell a share
    // that grew by a point (lru: ~600 at 999 Hz, ±1.4 points).
    for (int run = 1; run < kMaxProfiledRuns && r->wait_status == 0 && r->profile.stats.duration_s < duration_s;
         ++run) {
      auto more = profiler::record_command(argv, {.hz = hz});
      if (!more) return gate::ProfileRef{"failed", "", more.error().message};
      r->profile.merge(more->profile);
      r->wait_status = more->wait_status;
      for (auto& p : more->module_paths)
        if (std::ranges::find(r->module_paths, p) == r->module_paths.end()) r->module_paths.push_back(std::move(p));
    }
    for (const auto& w : r->profile.warnings) warn(fmt::format("{}: {}", path.filename().string(), w));
    auto folded = path;
    folded.replace_extension(".folded");
    if (auto ok = gate::write_file_atomically(path, gate::profile_to_json(r->profile)); !ok)
      return gate::ProfileRef{"failed", "", ok.error().message};
    if (auto ok = gate::write_file_atomically(folded, profiler::to_folded(r->profile)); !ok)
      return gate::ProfileRef{"failed", "", ok.error().message};
    // The flame graph a person opens from the artifacts, beside the data it shows.
    auto svg = path;
    svg.replace_extension(".svg");
    const auto graph = reporters::render_flamegraph(
        r->profile, {.title = "Flame Graph: " + path.stem().string(),
                     .subtitle = describe_profile(r->profile, path.string())});
    if (auto ok = gate::write_file_atomically(svg, graph); !ok)
      return gate::ProfileRef{"failed", "", ok.error().message};
    const std::string reason = exit_reason(r->wait_status, "profiled run");
    if (reason.empty()) (*mapped)[path] = std::move(r->module_paths);  // a failed run's profile gets no counts
    return gate::ProfileRef{"ok", path.string(), reason};
  };
  // Its own run, not the sampled one: the uprobes' cost would show in that
  // one's samples.
  auto count = [mapped](const std::vector<std::string>& argv, const std::filesystem::path& path, unsigned hz,
                        const std::vector<std::pair<std::string, std::string>>& functions) -> std::string {
    const auto files = mapped->find(path);
    if (files == mapped->end()) return "its profiled run did not finish cleanly";
    const auto sites = call_sites(functions, files->second);
    if (sites.empty()) return "none of its hot functions has an entry a uprobe can count";
    auto counted = profiler::record_command(argv, {.hz = hz, .count_calls = sites, .max_calls = kCallBudget});
    if (!counted) return counted.error().message;
    if (counted->wait_status != 0 && !counted->profile.calls_partial)
      return exit_reason(counted->wait_status, "counting run");
    auto profile = gate::load_profile(gate::ProfileRef{"ok", path.filename().string(), ""}, path.parent_path());
    if (!profile) return profile.error();
    profiler::add_counting_run(*profile, counted->profile.calls, counted->profile.calls_partial);
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
