// `perfgate ab --base DIR_OR_CMD --head DIR_OR_CMD`: interleaved A/B runs in
// one job, gated on the paired statistics (the mode CI uses).
//
// A directory is a perfgate build (its gate/perfgate, or perfgate, runs the
// suite's workloads) and "{dir}" in the suite's commands becomes that
// directory. Anything else is a shell command timed as a whole process.

#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "gate/ab_runner.h"
#include "gate/atomic_file.h"
#include "gate/cli/command.h"
#include "gate/cli/flamegraph_artifacts.h"
#include "gate/cli/decision_options.h"
#include "gate/cli/profiling.h"
#include "gate/cli/report_output.h"
#include "gate/compare.h"
#include "gate/hotspots.h"
#include "gate/process.h"
#include "gate/results_json.h"
#include "gate/suite_config.h"

namespace perfgate::cli {
namespace {

namespace fs = std::filesystem;

struct AbCliOptions {
  std::string base, head;
  std::string config;
  std::string base_config, head_config;  // per side; default: config
  std::vector<std::string> only;
  std::string out = "perfgate-out";
  unsigned pairs = 5, max_pairs = 31, iterations = 10, hz = 0;
  bool max_pairs_given = false;  // else a --pairs above the default cap raises it
  double threshold = 0;
  double margin = gate::CompareOptions{}.margin_fraction;
  std::optional<gate::Method> method;
  bool profile = false;
  bool count_calls = false;  // --count-calls: more runs per side count the hot functions' calls
  unsigned count_runs = 3;   // --count-runs: how many, sides alternating
  std::string size = "ci";
};

constexpr const char* kHelp =
    "Interleaved A/B: run base and head alternately (ABBA) in one job and gate on the paired statistics.\n"
    "BASE/HEAD are perfgate build directories (the suite runs with each side's workloads; '{dir}' in\n"
    "commands becomes the directory) or shell commands timed as whole processes. Exit 1 on a regression.";

std::expected<fs::path, gate::Error> perfgate_in(const fs::path& dir) {
  std::error_code ec;  // the non-throwing forms: a link in a loop is "not there", not an exception
  for (const char* rel : {"gate/perfgate", "perfgate", "bin/perfgate"})
    if (fs::exists(dir / rel, ec)) return fs::absolute(dir / rel);
  return std::unexpected(gate::Error::bad_input(fmt::format(
      "'{}' is a directory but holds no perfgate build (looked for gate/perfgate, perfgate, bin/perfgate)",
      dir.string())));
}

gate::SuiteConfig with_dir(gate::SuiteConfig suite, const std::string& dir) {
  for (auto& b : suite.benchmarks)
    for (auto& arg : b.source.command)
      for (std::size_t p = arg.find("{dir}"); p != std::string::npos; p = arg.find("{dir}", p + dir.size()))
        arg.replace(p, 5, dir);
  return suite;
}

std::expected<gate::AbSide, gate::Error> make_side(const AbCliOptions& o, const std::string& what,
                                                   std::string_view label, const std::string& config) {
  gate::AbSide side;
  side.runner.work_dir = fs::path(o.out) / label;
  side.runner.only = o.only;
  side.runner.profile = o.profile;
  side.runner.hz = o.hz;
  side.runner.progress = [](std::string_view m) { progress(m); };
  std::error_code unreadable;
  if (fs::is_directory(what, unreadable)) {
    auto exe = perfgate_in(what);
    if (!exe) return std::unexpected(exe.error());
    side.runner.self_exe = *exe;
    if (!config.empty()) {
      auto text = gate::read_file(config, 16 << 20);
      if (!text) return std::unexpected(text.error());
      auto suite = gate::parse_suite_config(*text, config);
      if (!suite) return std::unexpected(suite.error());
      side.suite = with_dir(std::move(*suite), fs::absolute(what).string());
    } else {
      side.suite = gate::bundled_suite(o.size);
    }
  } else {
    gate::BenchmarkSpec spec;
    spec.name = "command";
    spec.source.kind = "command";
    spec.source.command = gate::command_argv(what);
    spec.iterations = o.iterations;
    side.suite.name = "ab-command";
    side.suite.origin = "--base/--head";
    side.suite.benchmarks = {spec};
    std::error_code ec;
    side.runner.self_exe = fs::read_symlink("/proc/self/exe", ec);
  }
  if (o.profile) use_profiler(side.runner, o.count_calls ? o.count_runs : 0);
  return side;
}

ExitCode run_ab_command(const AbCliOptions& o) {
  for (const auto& [flag, what] : {std::pair{"--base", &o.base}, {"--head", &o.head}})
    if (what->find_first_not_of(" \t") == std::string::npos)
      return fail(gate::Error::bad_input(fmt::format("{} is blank: give a build directory or a command", flag)));
  if (o.max_pairs_given && o.max_pairs < o.pairs)
    return fail(gate::Error::bad_input(
        fmt::format("--max-pairs {} is below --pairs {}: the cap must leave room for the first pairs", o.max_pairs,
                    o.pairs)));
  std::error_code unreadable;
  if (fs::is_directory(o.base, unreadable) != fs::is_directory(o.head, unreadable))
    return fail(gate::Error::bad_input("--base and --head must both be build directories or both be commands"));
  // Each side may read its own suite file: the one in its own checkout, so a
  // PR that changes the suite (its parameters, an injected slowdown) is
  // measured as the PR has it while the base keeps the base's.
  auto base = make_side(o, o.base, "base", o.base_config.empty() ? o.config : o.base_config);
  if (!base) return fail(base.error());
  auto head = make_side(o, o.head, "head", o.head_config.empty() ? o.config : o.head_config);
  if (!head) return fail(head.error());
  gate::AbOptions ao{.pairs = o.pairs, .max_pairs = std::max(o.pairs, o.max_pairs)};
  if (o.threshold > 0) ao.compare.threshold_percent = o.threshold;
  ao.compare.margin_fraction = o.margin;
  ao.compare.method = o.method;
  ao.compare.looks = gate::adaptive_looks(ao.pairs, ao.max_pairs);  // α spent over the adaptive looks
  ao.compare.final_repetitions = ao.max_pairs;
  auto outcome = gate::run_ab(*base, *head, ao);
  if (!outcome) return fail(outcome.error());
  // Profiles were written under OUT/base and OUT/head; the results files sit
  // in OUT, and their profile paths are relative to them.
  for (const auto& [results, side] : {std::pair{&outcome->base, "base"}, {&outcome->head, "head"}})
    for (auto& b : results->benchmarks)
      if (b.profile && b.profile->status == "ok") b.profile->path = (fs::path(side) / b.profile->path).string();
  gate::attach_hotspots(outcome->report, outcome->base, o.out, outcome->head, o.out);
  add_flamegraph_artifacts(outcome->report, outcome->base, o.out, outcome->head, o.out, o.out);
  for (const auto& [results, name] : {std::pair{&outcome->base, "base-results.json"}, {&outcome->head, "head-results.json"}})
    if (auto ok = gate::write_file_atomically(fs::path(o.out) / name, gate::results_to_json(*results)); !ok)
      return fail(ok.error());
  for (const char* side : {"base", "head"}) {  // keep the side folders only when they hold profiles
    std::error_code ec;
    fs::remove(fs::path(o.out) / side, ec);
  }
  outcome->report.artifacts.emplace_back("base results", "base-results.json");
  outcome->report.artifacts.emplace_back("head results", "head-results.json");
  const ExitCode code = publish_report(std::move(outcome->report), o.out);
  std::size_t failed = 0;
  for (const auto* r : {&outcome->base, &outcome->head})
    for (const auto& b : r->benchmarks) failed += b.status != "ok";
  if (failed > 0)
    return fail(gate::Error::environment(fmt::format("{} benchmark run(s) failed; see {}/report.md", failed, o.out)));
  return code;
}

}  // namespace

void add_ab_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<AbCliOptions>();
  auto* cmd = app.add_subcommand("ab", kHelp);
  with_env(cmd->add_option("--base", opts->base, "Base: build directory or command")->required());
  with_env(cmd->add_option("--head", opts->head, "Head: build directory or command")->required());
  with_env(cmd->add_option("-c,--config", opts->config, "Suite config for build directories (default: bundled)"));
  with_env(cmd->add_option("--base-config", opts->base_config, "Suite config for the base side (default: --config)"));
  with_env(cmd->add_option("--head-config", opts->head_config, "Suite config for the head side (default: --config)"));
  with_env(cmd->add_option("--only", opts->only, "Only these benchmarks (names or prefixes)")->delimiter(','));
  with_env(cmd->add_option("--out", opts->out, "Output directory")
               ->check(output_directory())
               ->capture_default_str());
  with_env(cmd->add_option("--pairs", opts->pairs, "Initial A/B pairs per benchmark")
               ->check(CLI::Range(2u, 1000u))
               ->capture_default_str());
  auto* max_pairs = with_env(cmd->add_option("--max-pairs", opts->max_pairs, "Cap for adaptive extra pairs when inconclusive")
               ->check(CLI::Range(2u, 1000u))
               ->capture_default_str());
  with_env(cmd->add_option("--iterations", opts->iterations, "Command mode: runs per repetition")
               ->check(CLI::Range(1u, 100000u))
               ->capture_default_str());
  with_env(cmd->add_option("--threshold", opts->threshold, "Regression threshold in percent (default: per benchmark, 10)")
               ->check(number_in(0.1, 1000.0)));
  add_margin_option(cmd, opts->margin);
  add_method_option(cmd, opts->method);
  auto* profile = with_env(cmd->add_flag("--profile", opts->profile, "Profile each benchmark on both sides (extra repetitions)"));
  with_env(cmd->add_flag("--count-calls", opts->count_calls,
                         "With --profile: more runs per side and benchmark count the calls of both sides' hot "
                         "functions (uprobes), for the hotspots' calls share and time per call"))
      ->needs(profile);
  with_env(cmd->add_option("--count-runs", opts->count_runs,
                           "With --count-calls: counting runs per side and benchmark, the sides alternating "
                           "(their spread is the noise of time per call)")
               ->check(CLI::Range(1u, 20u))
               ->capture_default_str());
  with_env(cmd->add_option("--hz", opts->hz, "Profiler sampling frequency")->check(CLI::Range(1u, 10000u)));
  with_env(cmd->add_option("--size", opts->size, "Bundled workload sizes")->check(CLI::IsMember({"ci", "nightly"})));
  cmd->callback([opts, max_pairs, &action] {
    opts->max_pairs_given = max_pairs->count() > 0;
    action = [opts] { return run_ab_command(*opts); };
  });
}

}  // namespace perfgate::cli
