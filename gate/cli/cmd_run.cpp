// `perfgate run`: run the suite (perfgate.yml if present, else the bundled
// workloads) and write results.json (DESIGN §3, §4) and report.md.

#include "gate/cli/cmd_run.h"

#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <memory>

#include "gate/atomic_file.h"
#include "gate/cli/profiling.h"
#include "gate/cli/report_output.h"
#include "gate/hotspots.h"
#include "gate/results_json.h"
#include "gate/runner.h"
#include "gate/suite_config.h"
#include "reporters/markdown_report.h"
#include "reporters/results_markdown.h"
#include "reporters/symbol_display.h"

namespace perfgate::cli {
namespace {


constexpr const char* kHelp =
    "Run the benchmarks and write results (perfgate.results/v1).\n"
    "Each repetition is a fresh process; profiled repetitions (--profile) are extra runs.\n"
    "Exit 0 when every benchmark ran, 3 when one failed (crash, timeout, broken invariant);\n"
    "the results are written either way.";

std::expected<gate::SuiteConfig, gate::Error> load_suite(const RunOptions& o) {
  std::string path = o.config;
  std::error_code ec;  // a perfgate.yml link in a loop is read, and reported, like any config
  if (path.empty() && std::filesystem::exists(std::filesystem::symlink_status("perfgate.yml", ec)))
    path = "perfgate.yml";
  if (path.empty()) return gate::bundled_suite(o.size);
  auto text = gate::read_file(path, 16 << 20);
  if (!text) return std::unexpected(text.error());
  return gate::parse_suite_config(*text, path);
}

std::expected<std::pair<unsigned, unsigned>, gate::Error> parse_shard(std::string_view s) {
  const auto slash = s.find('/');
  unsigned i = 0, n = 0;
  auto bad = [&] {
    return std::unexpected(gate::Error::bad_input(fmt::format("--shard '{}': expected i/n with 1 <= i <= n, e.g. 2/4", s)));
  };
  if (slash == std::string_view::npos) return bad();
  const auto whole = [](std::string_view text, unsigned& v) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    return ec == std::errc{} && end == text.data() + text.size();
  };
  if (!whole(s.substr(0, slash), i) || !whole(s.substr(slash + 1), n) || i < 1 || i > n) return bad();
  return std::pair{i - 1, n};
}

std::filesystem::path self_exe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path("perfgate") : p;
}


}  // namespace

std::expected<gate::Results, ExitCode> run_and_write(const RunOptions& o) {
  auto suite = load_suite(o);
  if (!suite) return std::unexpected(fail(suite.error()));
  gate::RunnerOptions ro;
  ro.self_exe = self_exe();
  const std::filesystem::path output(o.output);
  ro.work_dir = output.has_parent_path() ? output.parent_path() : ".";
  ro.repetitions = o.repetitions;
  ro.only = o.only;
  ro.profile = o.profile;
  ro.hz = o.hz;
  ro.progress = [](std::string_view m) { progress(m); };
  ro.wants_more = o.wants_more;
  ro.interleave = o.interleave;
  ro.max_repetitions = o.max_repetitions;
  if (!o.shard.empty()) {
    auto shard = parse_shard(o.shard);
    if (!shard) return std::unexpected(fail(shard.error()));
    std::tie(ro.shard_index, ro.shard_count) = *shard;
  }
  if (o.before_measuring) {
    auto specs = gate::select_benchmarks(*suite, ro);
    if (!specs) return std::unexpected(fail(specs.error()));
    if (auto ok = o.before_measuring(*specs); !ok) return std::unexpected(fail(ok.error()));
  }
  const bool wants_profiles =
      o.profile || std::ranges::any_of(suite->benchmarks, [](const auto& b) { return b.profiling.enabled; });
  if (wants_profiles) use_profiler(ro, o.count_calls ? o.count_runs : 0);
  if (o.count_calls && !wants_profiles)
    warn("--count-calls counts the hot functions of a profile: without --profile (or profiling.enabled) it does "
         "nothing");

  auto results = gate::run_suite(*suite, ro);
  if (!results) return std::unexpected(fail(results.error()));
  if (auto ok = gate::write_file_atomically(output, gate::results_to_json(*results)); !ok)
    return std::unexpected(fail(ok.error()));
  return std::move(*results);
}

std::expected<std::filesystem::path, ExitCode> report_results(const gate::Results& r, const std::string& output,
                                                              std::string next_step) {
  const std::filesystem::path results_file(output);
  const std::filesystem::path dir = results_file.has_parent_path() ? results_file.parent_path() : ".";
  reporters::ResultsReportContext context{.next_step = std::move(next_step)};
  for (const auto& b : r.benchmarks)
    if (b.profile && b.profile->status == "ok") context.hotspots.push_back(gate::roi_hotspots(b, dir));
  const auto report = dir / "report.md";
  if (auto ok = gate::write_file_atomically(report, reporters::render_results_markdown(r, context)); !ok)
    return std::unexpected(fail(ok.error()));
  // This report.md has no verdicts: a report.json or differential flame
  // graph an earlier gate left beside it would contradict it.
  remove_stale_gate_outputs(dir, nullptr);

  fmt::print("{:<32} {:>5} {:>12} {:>12} {:>12}  {}\n", "benchmark", "reps", "p50", "p99", "p99.9", "status");
  for (const auto& b : r.benchmarks) {
    if (b.status != "ok") {
      fmt::print("{:<32} {:>5} {:>12} {:>12} {:>12}  FAILED: {}\n", b.name, b.repetitions.size(), "-", "-", "-", b.error);
      continue;
    }
    fmt::print("{:<32} {:>5} {:>12} {:>12} {:>12}  {}\n", b.name, b.repetitions.size(), reporters::format_duration_ns(b.stats.p50),
               reporters::format_duration_ns(b.stats.p99), reporters::format_duration_ns(b.stats.p999), "ok");
  }
  if (std::ranges::any_of(context.hotspots, [](const auto& h) { return !h.top.empty(); })) {
    fmt::print("\n{:<32} {}\n", "benchmark", "first by ROI (self %, total %)");
    for (const auto& h : context.hotspots)
      if (!h.top.empty())
        fmt::print("{:<32} {} ({:.1f} %, {:.1f} %)\n", h.benchmark, reporters::short_function_name(h.top.front().function),
                   h.top.front().self_percent, h.top.front().total_percent);
  }
  return report;
}

std::size_t failed_benchmarks(const gate::Results& results) {
  return static_cast<std::size_t>(
      std::ranges::count_if(results.benchmarks, [](const auto& b) { return b.status != "ok"; }));
}

namespace {

ExitCode run_suite_command(const RunOptions& o) {
  auto results = run_and_write(o);
  if (!results) return results.error();
  auto report = report_results(*results, o.output, reporters::ResultsReportContext{}.next_step);
  if (!report) return report.error();
  fmt::print("results: {}\nreport:  {}\n", o.output, report->string());
  if (const std::size_t failed = failed_benchmarks(*results); failed > 0)
    return fail(gate::Error::environment(fmt::format("{} of {} benchmarks failed; their errors are in {}", failed,
                                                     results->benchmarks.size(), o.output)));
  return ExitCode::pass;
}

}  // namespace


void add_run_options(CLI::App* cmd, RunOptions& o) {
  with_env(cmd->add_option("-o,--output", o.output, "Results file")
               ->check(output_file())
               ->capture_default_str());
  with_env(cmd->add_option("-c,--config", o.config, "Suite config (default: ./perfgate.yml, else the bundled workloads)"));
  with_env(cmd->add_option("--only", o.only, "Run only these benchmarks (names or name prefixes)")->delimiter(','));
  with_env(cmd->add_option("-r,--repetitions", o.repetitions, "Repetitions per benchmark (default: per config, 5)")
               ->check(CLI::Range(1u, 10000u)));
  with_env(cmd->add_flag("--profile", o.profile, "Profile every benchmark in an extra repetition"));
  with_env(cmd->add_flag("--count-calls", o.count_calls,
                         "With --profile: more runs per benchmark count the calls of its hot functions "
                         "(uprobes), for the hotspots' calls share and time per call"));
  with_env(cmd->add_option("--count-runs", o.count_runs,
                           "With --count-calls: counting runs per benchmark (their spread is the noise of "
                           "time per call)")
               ->check(CLI::Range(1u, 20u))
               ->capture_default_str());
  with_env(cmd->add_option("--hz", o.hz, "Profiler sampling frequency (default 99)")->check(CLI::Range(1u, 10000u)));
  with_env(cmd->add_option("--shard", o.shard, "Run shard i of n (1-based), e.g. 2/4"));
  with_env(cmd->add_option("--size", o.size, "Bundled workload sizes")->check(CLI::IsMember({"ci", "nightly"})));
  with_env(cmd->add_flag("--interleave", o.interleave,
                         "Round-robin: repetition r of every benchmark before repetition r+1 of any"));
}

void add_run_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", kHelp);
  add_run_options(cmd, *opts);
  cmd->callback([opts, &action] { action = [opts] { return run_suite_command(*opts); }; });
}

}  // namespace perfgate::cli
