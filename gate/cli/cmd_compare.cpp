// `perfgate compare BASE CURRENT`: the statistical comparison of two results
// files (DESIGN §3, §8) → verdicts, report.md, report.json, exit 0/1.

#include <fmt/format.h>

#include <memory>

#include "gate/atomic_file.h"
#include "gate/cli/command.h"
#include "gate/cli/flamegraph_artifacts.h"
#include "gate/cli/decision_options.h"
#include "gate/cli/report_output.h"
#include "gate/compare.h"
#include "gate/hotspots.h"
#include "gate/results_json.h"

namespace perfgate::cli {
namespace {

struct CompareOptions {
  std::string base, current;
  std::string out = "perfgate-out";
  double threshold = 0;  // 0: per benchmark (default 10 %)
  bool paired = false;
  double confidence = 0.95;
  double margin = gate::CompareOptions{}.margin_fraction;
  std::optional<gate::Method> method;
};

constexpr const char* kHelp =
    "Compare two results files: per benchmark the p99 (workloads) or mean (commands, gbench) of each repetition,\n"
    "ratio with a confidence interval, Holm-corrected across benchmarks. Exit 1 on a regression.";

}  // namespace

std::expected<gate::Results, gate::Error> load_results(const std::string& path, gate::SampleReading samples) {
  auto text = gate::read_file(path, std::uintmax_t{512} << 20);
  if (!text) return std::unexpected(text.error());
  return gate::results_from_json(*text, path, samples);
}

namespace {

ExitCode run_compare(const CompareOptions& o) {
  auto base = load_results(o.base, gate::SampleReading::skip);
  if (!base) return fail(base.error());
  auto current = load_results(o.current, gate::SampleReading::skip);
  if (!current) return fail(current.error());
  gate::CompareOptions co{
      .paired = o.paired, .method = o.method, .confidence = o.confidence, .margin_fraction = o.margin};
  if (o.threshold > 0) co.threshold_percent = o.threshold;
  auto report = gate::compare_results(*base, *current, co);
  if (!report) return fail(report.error());
  gate::attach_hotspots(*report, *base, parent_dir(o.base), *current, parent_dir(o.current));
  add_flamegraph_artifacts(*report, *base, parent_dir(o.base), *current, parent_dir(o.current), o.out);
  const ExitCode code = publish_report(std::move(*report), o.out);
  // As `check` and `ab` do with the runs they make: a benchmark that failed
  // to run has no verdict, and a gate that passed it would hide a change
  // that broke it.
  std::vector<std::string> failed;
  for (const auto& [results, file] : {std::pair{&*base, &o.base}, {&*current, &o.current}})
    for (const auto& b : results->benchmarks)
      if (b.status != "ok") failed.push_back(fmt::format("{} in {}", b.name, *file));
  if (!failed.empty())
    return fail(gate::Error::environment(
        fmt::format("benchmarks that failed to run: {}; their errors are in the files", fmt::join(failed, ", "))));
  return code;
}

}  // namespace

void add_compare_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<CompareOptions>();
  auto* cmd = app.add_subcommand("compare", kHelp);
  cmd->add_option("BASE", opts->base, "Base results (e.g. .perfgate/baseline.json)")->required()->check(CLI::ExistingFile);
  cmd->add_option("CURRENT", opts->current, "Current results")->required()->check(CLI::ExistingFile);
  with_env(cmd->add_option("--out", opts->out, "Directory for report.md and report.json")
               ->check(output_directory())
               ->capture_default_str());
  with_env(cmd->add_option("--threshold", opts->threshold, "Regression threshold in percent for every benchmark "
                                                           "(default: per benchmark, 10)")
               ->check(number_in(0.1, 1000.0)));
  with_env(cmd->add_flag("--paired", opts->paired, "Repetition j of both files form a pair (interleaved A/B runs)"));
  with_env(cmd->add_option("--confidence", opts->confidence, "Confidence level of the intervals")
               ->check(number_in(0.5, 0.9999))
               ->capture_default_str());
  add_margin_option(cmd, opts->margin);
  add_method_option(cmd, opts->method);
  cmd->callback([opts, &action] { action = [opts] { return run_compare(*opts); }; });
}

}  // namespace perfgate::cli
