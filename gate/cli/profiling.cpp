#include "gate/cli/profiling.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <span>

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

// The hotspot candidates of the profile — user functions with self share
// >= gate::kMinSelfPercent (self: the innermost non-inlined user frame, as
// the hotspots count it), hottest first — found as call sites by exact name
// in the files the recording mapped; those without a symbol (module+0x…,
// PLT stubs) have no entry to probe.
std::vector<profiler::CallSite> hot_call_sites(const profiler::Profile& profile,
                                               const std::vector<std::string>& module_paths) {
  const auto self = profile.self_by_user_function();  // (function, module)
  auto has_entry = [](const std::string& name) {
    return name.find("+0x") == std::string::npos && !name.ends_with("@plt") && name != ".plt" &&
           !name.starts_with("[");
  };
  std::vector<std::pair<std::uint64_t, std::pair<std::string, std::string>>> hot;
  for (const auto& [key, weight] : self)
    if (100.0 * double(weight) >= gate::kMinSelfPercent * double(profile.total()) && has_entry(key.first))
      hot.emplace_back(weight, key);
  std::ranges::sort(hot, std::greater{});
  std::vector<profiler::CallSite> sites;
  for (const auto& [weight, key] : hot) {
    const auto& [function, module] = key;
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

}  // namespace

gate::ProfileRepetition make_profile_repetition(const std::filesystem::path&, bool count_calls) {
  // Checked once per run: without BPF every benchmark still runs and is
  // measured; its profile is marked missing with the reason (DESIGN §7).
  if (auto ok = profiler::check_available(); !ok) {
    warn(fmt::format("profiles will be missing: {}", ok.error().message));
    return [reason = ok.error().message](const std::vector<std::string>&, const std::filesystem::path&, unsigned) {
      return gate::ProfileRef{"missing", "", reason};
    };
  }
  return [count_calls](const std::vector<std::string>& argv, const std::filesystem::path& path, unsigned hz) {
    auto r = profiler::record_command(argv, {.hz = hz});
    if (!r) return gate::ProfileRef{"failed", "", r.error().message};
    std::string reason;
    if (r->wait_status != 0)
      reason = WIFSIGNALED(r->wait_status) ? fmt::format("the profiled run was killed by signal {}", WTERMSIG(r->wait_status))
                                           : fmt::format("the profiled run exited with status {}", WEXITSTATUS(r->wait_status));
    for (const auto& w : r->profile.warnings) warn(fmt::format("{}: {}", path.filename().string(), w));
    // A second run of the same command counts the calls of the hot
    // functions: the uprobes' cost would show in the samples of the first.
    if (const auto sites = count_calls && reason.empty() ? hot_call_sites(r->profile, r->module_paths)
                                                         : std::vector<profiler::CallSite>{};
        !sites.empty()) {
      auto counted = profiler::record_command(argv, {.hz = hz, .count_calls = sites, .max_calls = kCallBudget});
      if (counted && (counted->wait_status == 0 || counted->profile.calls_partial)) {
        r->profile.calls = std::move(counted->profile.calls);
        r->profile.calls_partial = counted->profile.calls_partial;
      } else {
        warn(fmt::format("{}: calls not counted: {}", path.filename().string(),
                         counted ? "the counting run failed" : counted.error().message));
      }
    }
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
    return gate::ProfileRef{"ok", path.string(), reason};
  };
}

}  // namespace perfgate::cli
