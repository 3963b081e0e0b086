#include "gate/cli/report_output.h"

#include <fmt/color.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <vector>

#include "gate/atomic_file.h"
#include "reporters/github_annotations.h"
#include "reporters/json_report.h"
#include "reporters/markdown_report.h"

namespace perfgate::cli {
namespace {

void print_terminal_summary(const gate::GateReport& r) {
  const bool color = isatty(STDOUT_FILENO) != 0;
  auto paint = [&](std::string text, gate::Verdict v) {
    if (!color) return text;
    const fmt::terminal_color c = v == gate::Verdict::regression ? fmt::terminal_color::red
                                  : v == gate::Verdict::improvement || v == gate::Verdict::pass
                                      ? fmt::terminal_color::green
                                      : fmt::terminal_color::yellow;
    return fmt::format(fmt::fg(c), "{}", text);
  };
  std::size_t width = 9, stat_width = 4;
  for (const auto& v : r.benchmarks) {
    width = std::max(width, v.name.size());
    stat_width = std::max(stat_width, reporters::statistic_label(v).size());
  }
  fmt::print("{:<{}}  {:>{}}  {:>11}  {:>11}  {:>26}  {}\n", "benchmark", width, "stat", stat_width,
             "base", "head", fmt::format("change [{:g}% CI]", 100 * r.confidence), "verdict");
  for (const auto& v : r.benchmarks) {
    const bool decided = v.verdict != gate::Verdict::failed && v.verdict != gate::Verdict::insufficient_samples;
    const std::string change =
        decided ? fmt::format("{}% [{}, {}]", reporters::signed_percent(v.estimate.ratio),
                              reporters::signed_percent(v.estimate.lower),
                              reporters::signed_percent(v.estimate.upper))
                : "-";
    fmt::print("{:<{}}  {:>{}}  {:>11}  {:>11}  {:>26}  {}\n", v.name, width, reporters::statistic_label(v), stat_width,
               v.base_value > 0 ? reporters::format_duration_ns(v.base_value) : "-",
               v.head_value > 0 ? reporters::format_duration_ns(v.head_value) : "-", change,
               paint(std::string(gate::to_string(v.verdict)), v.verdict));
  }
  if (!r.targets.outcomes.empty())
    fmt::print("targets: {}/{} passed ({:.1f} %)\n", r.targets.passed, r.targets.outcomes.size(),
               100 * r.targets.pass_rate());
  for (const auto& w : r.warnings) warn(w);
  const auto count = [&](gate::Verdict v) {
    return std::ranges::count(r.benchmarks, v, &gate::BenchmarkVerdict::verdict);
  };
  const auto regressions = count(gate::Verdict::regression);
  const std::string overall =
      r.overall == gate::Verdict::regression ? "perfgate: REGRESSION"
      : r.overall == gate::Verdict::failed
          ? fmt::format("perfgate: FAILED ({} of {} benchmarks could not be measured{})",
                        count(gate::Verdict::failed), r.benchmarks.size(),
                        regressions == 0 ? ""
                                         : fmt::format("; {} regression{} in the others",
                                                       regressions, regressions == 1 ? "" : "s"))
          : "perfgate: pass";
  fmt::print("{}\n", paint(overall, r.overall == gate::Verdict::failed ? gate::Verdict::regression
                                                                       : r.overall));
}

// Step outputs for later steps and for the composite action's `outputs:`
// (GitHub's contract: append `name=value` lines to the file $GITHUB_OUTPUT
// names). Paths are absolute so a later step in another directory finds them.
void write_github_outputs(const gate::GateReport& r, const std::filesystem::path& out_dir) {
  const char* path = std::getenv("GITHUB_OUTPUT");
  if (path == nullptr || *path == '\0') return;
  std::size_t regressions = 0;
  for (const auto& v : r.benchmarks) regressions += v.verdict == gate::Verdict::regression;
  const auto dir = std::filesystem::absolute(out_dir).lexically_normal();
  // A line break in a value would start another `name=value` line: a path
  // could then set outputs it does not own.
  if (dir.string().find_first_of("\r\n") != std::string::npos) {
    warn("the output directory's path holds a line break; no step outputs written");
    return;
  }
  std::ofstream out(path, std::ios::app);
  out << "verdict=" << gate::to_string(r.overall) << '\n'
      << "regressions=" << regressions << '\n'
      << "out-dir=" << dir.string() << '\n'
      << "report-md=" << (dir / "report.md").string() << '\n'
      << "report-json=" << (dir / "report.json").string() << '\n';
  out.flush();
  if (!out) warn(fmt::format("cannot append to GITHUB_OUTPUT '{}'", path));
}

}  // namespace

ExitCode publish_report(gate::GateReport report, const std::filesystem::path& out_dir) {
  report.artifacts.emplace_back("Markdown report", "report.md");
  report.artifacts.emplace_back("JSON report", "report.json");
  const std::string markdown = reporters::render_markdown_report(report);
  const std::string json = reporters::render_json_report(report);
  // Both or neither: a report.md with the new verdict beside the last run's
  // report.json would contradict itself.
  const gate::FileContent files[] = {{out_dir / "report.md", markdown},
                                     {out_dir / "report.json", json}};
  if (auto ok = gate::write_files_atomically(files); !ok) return fail(ok.error());
  remove_stale_gate_outputs(out_dir, &report);
  append_step_summary(markdown);
  write_github_outputs(report, out_dir);
  // Annotations are workflow commands read from stdout; outside Actions they
  // would only clutter the terminal.
  if (const char* actions = std::getenv("GITHUB_ACTIONS"); actions != nullptr && std::string_view(actions) == "true")
    fmt::print("{}", reporters::render_github_annotations(report));
  print_terminal_summary(report);
  fmt::print("report: {}\n", (out_dir / "report.md").string());
  return report.overall == gate::Verdict::regression ? ExitCode::regression : ExitCode::pass;
}

void remove_stale_gate_outputs(const std::filesystem::path& out_dir,
                               const gate::GateReport* report) {
  namespace fs = std::filesystem;
  std::vector<fs::path> stale;
  std::error_code ec;
  if (report == nullptr) stale.push_back(out_dir / "report.json");
  for (auto it = fs::directory_iterator(out_dir / "flamegraphs", ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& file = it->path();
    const std::string name = file.filename().string();
    const bool linked =
        report != nullptr && std::ranges::any_of(report->artifacts, [&](const auto& a) {
          return fs::path(a.second).lexically_normal() == fs::path("flamegraphs") / name;
        });
    if (name.ends_with("-diff.svg") && !linked) stale.push_back(file);
  }
  for (const fs::path& file : stale) {
    std::error_code rm;
    // Regular files only: a link the user put there is theirs.
    if (!fs::is_regular_file(fs::symlink_status(file, rm))) continue;
    if (!fs::remove(file, rm))
      warn(fmt::format(
          "cannot remove '{}', an earlier gate's output the new report does not stand behind: {}",
          file.string(), rm.message()));
  }
}

}  // namespace perfgate::cli
