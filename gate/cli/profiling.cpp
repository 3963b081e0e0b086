#include "gate/cli/profiling.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <memory>

#include "gate/atomic_file.h"
#include "gate/cli/command.h"
#include "gate/cli/profile_input.h"
#include "gate/profile_json.h"
#include "profiler/folded.h"
#include "profiler/recorder.h"
#include "reporters/flamegraph.h"

namespace perfgate::cli {

gate::ProfileRepetition make_profile_repetition(const std::filesystem::path&) {
  // Checked once per run: without BPF every benchmark still runs and is
  // measured; its profile is marked missing with the reason (DESIGN §7).
  if (auto ok = profiler::check_available(); !ok) {
    warn(fmt::format("profiles will be missing: {}", ok.error().message));
    return [reason = ok.error().message](const std::vector<std::string>&, const std::filesystem::path&, unsigned) {
      return gate::ProfileRef{"missing", "", reason};
    };
  }
  return [](const std::vector<std::string>& argv, const std::filesystem::path& path, unsigned hz) {
    auto r = profiler::record_command(argv, {.hz = hz});
    if (!r) return gate::ProfileRef{"failed", "", r.error().message};
    std::string reason;
    if (r->wait_status != 0)
      reason = WIFSIGNALED(r->wait_status) ? fmt::format("the profiled run was killed by signal {}", WTERMSIG(r->wait_status))
                                           : fmt::format("the profiled run exited with status {}", WEXITSTATUS(r->wait_status));
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
    return gate::ProfileRef{"ok", path.string(), reason};
  };
}

}  // namespace perfgate::cli
