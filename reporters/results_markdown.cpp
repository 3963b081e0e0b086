#include "reporters/results_markdown.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "gate/targets.h"
#include "reporters/markdown_escape.h"
#include "reporters/markdown_report.h"
#include "reporters/symbol_display.h"

namespace perfgate::reporters {

std::string render_results_markdown(const gate::Results& r, const ResultsReportContext& context) {
  std::string out;
  std::size_t failed = 0;
  for (const auto& b : r.benchmarks) failed += b.status != "ok";
  out += "<!-- perfgate:results -->\n";
  out += fmt::format("## perfgate results: {} benchmark{}, {}\n\n", r.benchmarks.size(),
                     r.benchmarks.size() == 1 ? "" : "s",
                     failed == 0 ? "all ran ✅" : fmt::format("{} failed ❌", failed));
  out += fmt::format(
      "Commit {} · {} · {} · {} · load {:.2f} {:.2f} {:.2f}{}\n\n",
      markdown_code(r.run.commit.empty() ? "unknown" : r.run.commit.substr(0, 12)),
      escape_markdown(r.run.started_at), escape_markdown_or_unknown(r.run.host.cpu_model),
      cores_text(r.run.host.cores), r.run.host.load_avg_1m, r.run.host.load_avg_5m,
      r.run.host.load_avg_15m,
      r.run.host.governor.empty() ? "" : " · governor " + escape_markdown(r.run.host.governor));
  out += "| benchmark | reps | samples | p50 | p99 | p99.9 | throughput | CPU | peak RSS | status |\n";
  out += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
  for (const auto& b : r.benchmarks) {
    if (b.status != "ok") {
      out += fmt::format("| {} | {} | — | — | — | — | — | — | — | ❌ {} |\n", escape_markdown(b.name),
                         b.repetitions.size(), escape_markdown(b.error));
      continue;
    }
    // Imported Google Benchmark output measures no process: its 0 % CPU
    // and 0 MiB would read as measurements.
    const bool imported = !b.source.imported_from.empty();
    out += fmt::format(
        "| {} | {} | {} | {} | {} | {} | {:.0f}/s | {} | {} | {} |\n", escape_markdown(b.name),
        b.repetitions.size(), b.stats.count, format_duration_ns(b.stats.p50),
        format_duration_ns(b.stats.p99), format_duration_ns(b.stats.p999), b.stats.throughput_per_s,
        imported ? "—" : fmt::format("{:.0f} %", b.cpu_percent),
        imported ? "—"
                 : fmt::format("{:.1f} MiB", static_cast<double>(b.peak_rss_bytes) / (1 << 20)),
        b.status == "ok" ? "✅" : "❌ " + escape_markdown(b.error));
  }
  std::vector<std::string> imported;
  for (const auto& b : r.benchmarks)
    if (!b.source.imported_from.empty()) imported.push_back(escape_markdown(b.name));
  if (!imported.empty())
    out += fmt::format(
        "\n_Imported Google Benchmark output ({}): "
        "these repetitions are not fresh processes but the binary's own, "
        "all run in one process._\n",
        fmt::join(imported, ", "));
  std::string invariants;
  for (const auto& b : r.benchmarks)
    for (const auto& inv : b.invariants)
      invariants += fmt::format("| {} | {} | {} | {} |\n", escape_markdown(b.name), escape_markdown(inv.name),
                                inv.passed ? "✅" : "❌", escape_markdown(inv.detail));
  if (!invariants.empty()) {
    out += "\n<details><summary>Invariants checked while running</summary>\n\n";
    out += "| benchmark | invariant | held | observed |\n|---|---|---|---|\n" + invariants;
    out += "\n</details>\n";
  }
  std::string metrics;
  for (const auto& b : r.benchmarks)
    for (const auto& [k, v] : b.metrics)
      metrics += fmt::format("| {} | {} | {:.4g} |\n", escape_markdown(b.name), escape_markdown(k), v);
  if (!metrics.empty()) {
    out += "\n<details><summary>Workload metrics</summary>\n\n| benchmark | metric | value |\n|---|---|---:|\n";
    out += metrics + "\n</details>\n";
  }
  const gate::TargetSummary targets = gate::evaluate_targets(r);
  if (!targets.outcomes.empty()) {
    out += fmt::format("\n### Targets: {}/{} passed ({:.1f} %)\n\n", targets.passed, targets.outcomes.size(),
                       100.0 * targets.pass_rate());
    out += "| benchmark | metric | value | target | status |\n|---|---|---:|---:|---|\n";
    for (const auto& [name, o] : targets.outcomes) {
      const std::string goal =
          o.target.acceptable_range
              ? fmt::format("{:.4g} (range {:.4g}–{:.4g})", o.target.target, o.target.acceptable_range->first,
                            o.target.acceptable_range->second)
              : fmt::format("{} {:.4g}", o.lower_is_better ? "≤" : "≥", o.target.target);
      out += fmt::format("| {} | {} | {} | {} | {} |\n", escape_markdown(name), escape_markdown(o.target.metric),
                         o.value ? fmt::format("{:.4g}", *o.value) : "not measured", goal,
                         o.passed ? "✅ PASS" : "❌ FAIL");
    }
  }
  // DESIGN §7: without BPF the benchmarks still run; the report must say
  // which profiles are missing and why, not leave them silently out.
  std::string profiles, tables;
  for (const auto& b : r.benchmarks) {
    if (!b.profile) continue;
    const auto h = std::ranges::find(context.hotspots, b.name, &gate::BenchmarkHotspots::benchmark);
    const bool ok = b.profile->status == "ok";
    std::string flame_graph, first;
    if (ok) {
      std::filesystem::path svg(b.profile->path);
      svg.replace_extension(".svg");
      flame_graph = markdown_code(svg.string());
    }
    if (h != context.hotspots.end() && !h->top.empty()) {
      const gate::Hotspot& t = h->top.front();
      first = fmt::format("{} (self {:.1f} %, total {:.1f} %)", markdown_code(short_function_name(t.function)),
                          t.self_percent, t.total_percent);
      tables += fmt::format("\n<details><summary>Hotspots of {} by ROI</summary>\n\n", escape_markdown(b.name));
      tables += roi_table(*h);
      if (!h->note.empty()) tables += fmt::format("\n_{}_\n", escape_markdown(h->note));
      tables += "\n</details>\n";
    }
    std::string note = b.profile->reason;
    if (ok && h != context.hotspots.end() && h->top.empty() && !h->note.empty()) note = h->note;
    profiles += fmt::format("| {} | {} | {} | {} | {} |\n", escape_markdown(b.name),
                            ok ? "✅ " + markdown_code(b.profile->path) : "⚠️ " + escape_markdown(b.profile->status),
                            flame_graph, first, escape_markdown(note));
  }
  if (!profiles.empty())
    out += "\n### Profiles and hotspots\n\n| benchmark | profile | flame graph | first by ROI | note |\n"
           "|---|---|---|---|---|\n" +
           profiles + tables;
  out += "\n" + context.next_step + "\n";
  return out;
}

}  // namespace perfgate::reporters
