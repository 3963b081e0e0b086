// `perfgate check` (and `perfgate` alone): run the suite, compare with the
// stored baseline, report (DESIGN §3). Without a baseline it says so, writes
// the run's results report and offers `perfgate baseline save`.

#include <fmt/format.h>

#include <filesystem>
#include <algorithm>
#include <memory>
#include <optional>

#include "gate/atomic_file.h"
#include "gate/cli/cmd_run.h"
#include "gate/cli/flamegraph_artifacts.h"
#include "gate/cli/decision_options.h"
#include "gate/cli/report_output.h"
#include "gate/compare.h"
#include "gate/hotspots.h"
#include "reporters/markdown_escape.h"
#include "reporters/results_markdown.h"

namespace perfgate::cli {
namespace {

struct CheckOptions {
  RunOptions run;
  std::string baseline = ".perfgate/baseline.json";
  double threshold = 0;
  double margin = gate::CompareOptions{}.margin_fraction;
  std::optional<gate::Method> method;
  unsigned max_repetitions = kMaxRepetitions;  // 0: no adaptive repetitions
};

constexpr const char* kHelp =
    "Run the suite and compare it with the stored baseline (the default command).\n"
    "Exit 0 pass, 1 regression, 3 when a benchmark failed.";

// Welch's interval is as narrow as s·√(1/n_base + 1/n_current) allows: with
// few baseline repetitions, current ones beyond ~3× as many barely narrow it
// (5 vs 15 → 0.52·s, 5 vs 31 → 0.49·s) and only cost time. So the adaptive cap
// is at most 3× (kBaselineRepetitionFactor) the baseline's smallest repetition count.
unsigned adaptive_cap(const gate::Results& base, unsigned max_repetitions) {
  if (max_repetitions == 0) return 0;
  std::size_t least = SIZE_MAX;
  for (const auto& b : base.benchmarks)
    if (!b.repetitions.empty()) least = std::min(least, b.repetitions.size());
  if (least == SIZE_MAX) return max_repetitions;
  return static_cast<unsigned>(std::min<std::size_t>(max_repetitions, kBaselineRepetitionFactor * least));
}

// A suite that changed since its baseline was stored (a benchmark added,
// renamed or removed, or one that measures something else under its name:
// gate::incomparable) is exit 2 — store a new baseline — found before
// minutes of measuring, as far as the suite names its benchmarks: a gbench
// binary names its own when it runs, so such a suite is checked after
// (compare_results).
std::expected<void, gate::Error> suite_matches_baseline(const std::vector<gate::BenchmarkSpec>& specs,
                                                        const gate::Results& base, bool restricted) {
  if (std::ranges::any_of(specs, [](const auto& s) { return s.source.kind == "gbench"; })) return {};
  std::vector<std::string> only_base, only_suite;
  for (const auto& s : specs)
    if (std::ranges::none_of(base.benchmarks, [&](const auto& b) { return b.name == s.name; }))
      only_suite.push_back(s.name);
  if (!restricted)
    for (const auto& b : base.benchmarks)
      if (std::ranges::none_of(specs, [&](const auto& s) { return s.name == b.name; })) only_base.push_back(b.name);
  if (only_base.empty() && only_suite.empty()) {
    for (const auto& s : specs) {
      const auto b = std::ranges::find(base.benchmarks, s.name, &gate::BenchmarkResult::name);
      if (const std::string why =
              gate::incomparable(b->source, s.source, "the baseline", "the suite");
          !why.empty())
        return std::unexpected(gate::Error::bad_input(fmt::format(
            "benchmark '{}' is {}: the suite changed since its baseline; store a new baseline "
            "with `perfgate run` and `perfgate baseline save`",
            s.name, why)));
    }
    return {};
  }
  return std::unexpected(gate::Error::bad_input(
      fmt::format("the suite and the baseline hold different benchmarks (only in the baseline: [{}]; only in the "
                  "suite: [{}]); store a new baseline with `perfgate run` and `perfgate baseline save`",
                  fmt::join(only_base, ", "), fmt::join(only_suite, ", "))));
}

ExitCode run_check(const CheckOptions& o) {
  gate::CompareOptions co{.method = o.method, .margin_fraction = o.margin};
  if (o.threshold > 0) co.threshold_percent = o.threshold;
  std::optional<gate::Results> base;
  // Anything at that path is read, so a link that leads nowhere or in a loop
  // is reported as such (exists() threw on a loop: a raw filesystem error).
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(o.baseline, ec))) {
    auto loaded = load_results(o.baseline, gate::SampleReading::skip);
    if (!loaded) return fail(loaded.error());
    base = std::move(*loaded);
  }
  RunOptions run = o.run;
  // Adaptive repetitions look at a benchmark up to this many times; α is
  // spent over the looks (CompareOptions::looks). Benchmarks start at
  // --repetitions, else at what the suite configures: the looks are counted
  // from the fewest, once the suite is read (before_measuring). Counted from
  // 5 for a suite of 3, a cap of 9 spent α over 3 looks where 4 were taken
  // (0.051 in all).
  const unsigned cap = base ? adaptive_cap(*base, o.max_repetitions) : 0;
  if (base && cap > 0) {
    co.final_repetitions = cap;
    // A benchmark still inconclusive against the baseline after its configured
    // repetitions gets more, up to the cap (DESIGN §8); judged alone, as Holm
    // across the suite applies only to the final verdicts.
    run.max_repetitions = cap;
    run.wants_more = [&base, &co](const std::vector<gate::BenchmarkResult>& measured) {
      gate::Results b, h;
      h.benchmarks = measured;
      for (const auto& m : measured)
        for (const auto& x : base->benchmarks)
          if (x.name == m.name) b.benchmarks.push_back(x);
      if (b.benchmarks.size() != measured.size())
        return false;  // new benchmark: nothing to compare with
      auto report = gate::compare_results(b, h, co);
      return report && std::ranges::any_of(report->benchmarks, [](const auto& v) {
               return v.verdict == gate::Verdict::inconclusive;
             });
    };
  }
  if (base)
    run.before_measuring = [&base, &co, &o, cap,
                            restricted = !o.run.only.empty() || !o.run.shard.empty()](
                               const std::vector<gate::BenchmarkSpec>& specs) {
      if (cap > 0 && !specs.empty())
        co.looks = gate::adaptive_looks(
            o.run.repetitions > 0
                ? o.run.repetitions
                : std::ranges::min(specs, {}, &gate::BenchmarkSpec::repetitions).repetitions,
            cap);
      if (auto ok = suite_matches_baseline(specs, *base, restricted); !ok) return ok;
      // Only now: a suite that no longer matches its baseline is one error
      // line, without advice about the baseline it is told to replace.
      if (cap < o.max_repetitions)
        warn(fmt::format(
            "the baseline holds as few as {} repetitions of a benchmark, so more than {} current "
            "ones would hardly narrow the comparison: adaptive repetitions stop there (store a "
            "baseline from `perfgate run -r {}` to let them reach {})",
            cap / kBaselineRepetitionFactor, cap, o.max_repetitions, o.max_repetitions));
      return std::expected<void, gate::Error>{};
    };
  auto results = run_and_write(run);
  if (!results) return results.error();
  const std::filesystem::path output(o.run.output);
  const std::filesystem::path out_dir = output.has_parent_path() ? output.parent_path() : ".";
  ExitCode code = ExitCode::pass;
  if (!base) {
    auto report = report_results(
        *results, o.run.output,
        fmt::format("No baseline yet ({}), so no verdicts: {} stores this run as the one `perfgate` compares with.",
                    reporters::escape_markdown(o.baseline),
                    reporters::markdown_code("perfgate baseline save " + o.run.output)));
    if (!report) return report.error();
    fmt::print("measured {} benchmarks: {} and {}\n", results->benchmarks.size(), o.run.output, report->string());
    fmt::print("no baseline yet ({}): nothing to compare with. Store this run as the baseline with:\n"
               "  perfgate baseline save {}\n",
               o.baseline, o.run.output);
  } else {
    // `--only` and `--shard` measure part of the suite: compare that part
    // with the same benchmarks of the baseline. An unrestricted run whose
    // benchmarks differ from the baseline's is a changed suite, and
    // compare_results says so (exit 2: store a new baseline).
    if (!o.run.only.empty() || !o.run.shard.empty())
      std::erase_if(base->benchmarks, [&](const gate::BenchmarkResult& b) {
        return std::ranges::none_of(results->benchmarks, [&](const auto& r) { return r.name == b.name; });
      });
    auto report = gate::compare_results(*base, *results, co);
    if (!report) return fail(report.error());
    gate::attach_hotspots(*report, *base, parent_dir(o.baseline), *results, out_dir);
    add_flamegraph_artifacts(*report, *base, parent_dir(o.baseline), *results, out_dir, out_dir);
    code = publish_report(std::move(*report), out_dir);
  }
  if (const std::size_t failed = failed_benchmarks(*results); failed > 0)
    return fail(gate::Error::environment(fmt::format("{} of {} benchmarks failed; their errors are in {}", failed,
                                                     results->benchmarks.size(), o.run.output)));
  return code;
}

}  // namespace

void add_check_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand("check", kHelp);
  add_run_options(cmd, opts->run);
  with_env(cmd->add_option("--baseline", opts->baseline, "Baseline results")->capture_default_str());
  with_env(cmd->add_option("--threshold", opts->threshold, "Regression threshold in percent (default: per benchmark, 10)")
               ->check(number_in(0.1, 1000.0)));
  add_margin_option(cmd, opts->margin);
  add_method_option(cmd, opts->method);
  with_env(cmd->add_option("--max-repetitions", opts->max_repetitions,
                           "Cap for adaptive extra repetitions of inconclusive benchmarks (0: none)")
               ->capture_default_str());
  cmd->callback([opts, &action] { action = [opts] { return run_check(*opts); }; });
}

}  // namespace perfgate::cli
