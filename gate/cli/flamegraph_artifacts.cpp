#include "gate/cli/flamegraph_artifacts.h"

#include <fmt/format.h>

#include <map>

#include "gate/atomic_file.h"
#include "gate/cli/command.h"
#include "gate/hotspots.h"
#include "gate/runner.h"
#include "reporters/diff_flamegraph.h"

namespace perfgate::cli {
namespace {

namespace fs = std::filesystem;

std::string relative_to(const fs::path& file, const fs::path& dir) {
  std::error_code ec;
  const fs::path rel = fs::relative(file, dir, ec);
  return ec || rel.empty() ? file.string() : rel.string();
}

std::optional<profiler::Profile> read_profile(const gate::BenchmarkResult& b, const fs::path& dir) {
  auto p = gate::load_profile(b.profile, dir);
  if (!p) warn(fmt::format("no differential flame graph for {}: {}", b.name, p.error()));
  return p ? std::optional(std::move(*p)) : std::nullopt;
}

}  // namespace

void add_flamegraph_artifacts(gate::GateReport& report, const gate::Results& base, const fs::path& base_dir,
                              const gate::Results& head, const fs::path& head_dir, const fs::path& out_dir) {
  std::map<std::string, const gate::BenchmarkResult*> base_by_name;
  for (const auto& b : base.benchmarks) base_by_name[b.name] = &b;
  std::map<std::string, gate::Verdict> verdicts;
  for (const auto& v : report.benchmarks) verdicts[v.name] = v.verdict;
  for (const auto& h : head.benchmarks) {
    if (!h.profile || h.profile->status != "ok") continue;
    fs::path svg = head_dir / h.profile->path;
    svg.replace_extension(".svg");
    std::error_code ec;
    if (fs::exists(svg, ec))
      report.artifacts.emplace_back("flame graph: " + h.name, relative_to(svg, out_dir));
    if (verdicts[h.name] != gate::Verdict::regression || !base_by_name.contains(h.name)) continue;
    auto head_profile = read_profile(h, head_dir);
    auto base_profile = read_profile(*base_by_name[h.name], base_dir);
    if (!head_profile || !base_profile) continue;
    reporters::FlameGraphOptions options;
    options.title = "Differential flame graph: " + h.name;
    options.subtitle = "red = grew, blue = shrank (self share, each side normalized to its total)";
    const auto diff = reporters::render_diff_flamegraph(*base_profile, *head_profile, options);
    const fs::path out = out_dir / "flamegraphs" / (gate::safe_file_name(h.name) + "-diff.svg");
    if (auto ok = gate::write_file_atomically(out, diff.svg); !ok) {
      warn(fmt::format("no differential flame graph for {}: {}", h.name, ok.error().message));
      continue;
    }
    report.artifacts.emplace_back("differential flame graph: " + h.name, relative_to(out, out_dir));
  }
}

}  // namespace perfgate::cli
