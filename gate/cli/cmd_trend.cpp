// `perfgate trend HISTORY`: change points in the nightly p99 history
// (gate/trend.h) → OUT/trend.md, OUT/trend.json, a terminal summary, and the
// Markdown appended to $GITHUB_STEP_SUMMARY when set. Change points are
// information, not a verdict: exit 0 whenever the analysis ran, 2 on bad input.

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <memory>

#include "gate/atomic_file.h"
#include "gate/cli/command.h"
#include "gate/history.h"
#include "gate/trend.h"
#include "reporters/trend_report.h"

namespace perfgate::cli {
namespace {

namespace fs = std::filesystem;

struct TrendOptions {
  std::string history;
  std::string out = "perfgate-out";
  std::string test = "permutation";
  double max_p = 0;  // 0: the test's default
  std::size_t permutations = 999;
  std::uint64_t seed = 1;
  std::size_t min_segment = 3;
  double min_change_percent = 0;
};

constexpr const char* kHelp =
    "Change points in a history file (perfgate.history/v1, JSON Lines; see 'perfgate history "
    "append'):\n"
    "E-Divisive with means (Matteson & James 2014) with a seeded permutation test or Student's "
    "t-test\n"
    "(Hunter/Otava). Writes OUT/trend.md and OUT/trend.json. Exit 0 when it ran (shifts are "
    "information), 2 on bad input.";

void print_summary(const gate::TrendReport& r) {
  std::size_t width = 9;
  for (const auto& b : r.benchmarks) width = std::max(width, b.name.size());
  fmt::print("{} nights, {} benchmarks ({} test)\n", r.entries, r.benchmarks.size(),
             gate::to_string(r.options.test));
  for (const auto& b : r.benchmarks) {
    if (b.shifts.empty()) {
      fmt::print("{:<{}}  no shift over {} nights, last p99 {}\n", b.name, width, b.points,
                 reporters::format_value(b.last_p99, b.unit));
      continue;
    }
    for (const auto& s : b.shifts)
      fmt::print("{:<{}}  {:+6.1f}%  {} -> {}  between {} and {} (p={:.2g})\n", b.name, width,
                 100 * s.point.relative_change,
                 reporters::format_value(s.point.mean_before, b.unit),
                 reporters::format_value(s.point.mean_after, b.unit), s.commit_before.substr(0, 12),
                 s.commit_after.substr(0, 12), s.point.p_value);
  }
}

ExitCode run_trend(const TrendOptions& o) {
  for (const char* name : {"trend.md", "trend.json"})
    if (auto ok = not_an_input(fs::path(o.out) / name, {o.history}); !ok) return fail(ok.error());
  auto text = gate::read_file(o.history, 256 << 20);
  if (!text) return fail(text.error());
  auto history = gate::history_from_jsonl(*text, o.history);
  if (!history) return fail(history.error());
  gate::ChangePointOptions cpo;
  cpo.test = o.test == "permutation" ? gate::SignificanceTest::permutation
                                     : gate::SignificanceTest::student_t;
  cpo.max_p_value = o.max_p > 0                                       ? o.max_p
                    : cpo.test == gate::SignificanceTest::permutation ? 0.01
                                                                      : 0.001;
  cpo.permutations = o.permutations;
  cpo.seed = o.seed;
  cpo.min_segment = o.min_segment;
  cpo.min_relative_change = o.min_change_percent / 100;
  auto report = gate::analyze_trend(*history, cpo);
  if (!report) return fail(report.error());
  const std::string markdown = reporters::render_trend_markdown(*report);
  const std::string json = reporters::render_trend_json(*report);
  // One output in two files: a run that cannot replace one must not leave a
  // new trend.md beside the previous trend.json.
  const gate::FileContent files[] = {{fs::path(o.out) / "trend.md", markdown},
                                     {fs::path(o.out) / "trend.json", json}};
  if (auto ok = gate::write_files_atomically(files); !ok) return fail(ok.error());
  append_step_summary(markdown);
  print_summary(*report);
  fmt::print("trend: {}\n", (fs::path(o.out) / "trend.md").string());
  return ExitCode::pass;
}

}  // namespace

void add_trend_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<TrendOptions>();
  auto* cmd = app.add_subcommand("trend", kHelp);
  cmd->add_option("HISTORY", opts->history, "History file (JSON Lines, perfgate.history/v1)")
      ->required();
  with_env(cmd->add_option("--out", opts->out, "Output directory for trend.md and trend.json")
               ->check(output_directory())
               ->capture_default_str());
  with_env(cmd->add_option("--test", opts->test,
                           "Significance test: permutation (Matteson & James) or ttest (Hunter)")
               ->check(CLI::IsMember({"ttest", "permutation"}))
               ->capture_default_str());
  with_env(cmd->add_option("--max-p", opts->max_p,
                           "Significance level (default 0.01 permutation, 0.001 ttest)")
               ->check(number_in(1e-9, 0.5)));
  with_env(cmd->add_option("--permutations", opts->permutations, "Permutations per test")
               ->check(CLI::Range(19, 100000))
               ->capture_default_str());
  with_env(
      cmd->add_option("--seed", opts->seed, "Seed of the permutations")->capture_default_str());
  with_env(cmd->add_option("--min-segment", opts->min_segment,
                           "Fewest nights on each side of a change point")
               ->check(CLI::Range(2, 1000))
               ->capture_default_str());
  with_env(cmd->add_option("--min-change", opts->min_change_percent,
                           "Ignore shifts smaller than this (percent)")
               ->check(number_in(0.0, 1000.0))
               ->capture_default_str());
  cmd->callback([opts, &action] { action = [opts] { return run_trend(*opts); }; });
}

}  // namespace perfgate::cli
