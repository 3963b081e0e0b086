// `perfgate workloads list` and `perfgate workloads run NAME`: the bundled
// reference workloads, one run in this process. The runner starts one such
// process per repetition with --json to collect the samples.

#include <fmt/format.h>

#include <memory>
#include <vector>

#include "gate/atomic_file.h"
#include "gate/cli/command.h"
#include "gate/summary.h"
#include "gate/workload_run_json.h"
#include "workloads/registry.h"

namespace perfgate::cli {
namespace {

struct RunOptions {
  std::string name;
  workloads::Params params;
  std::string size = "ci";
  std::string json_path;  // empty: no machine-readable output
};

constexpr const char* kRunHelp =
    "Run one bundled workload once in this process and print its latency summary.\n"
    "A broken invariant exits 3.";

ExitCode run_list() {
  for (const auto& w : workloads::all()) {
    const auto& info = w->info();
    fmt::print("{:<12} {}\n", info.name, info.description);
    fmt::print("{:<12} operation: {}; category: {}\n", "", info.operation, info.category);
    fmt::print("{:<12} --slowdown acts in: {}\n", "", info.slowdown_function);
    fmt::print("{:<12} metrics (for targets): {}\n", "", fmt::join(info.metrics, ", "));
    for (const auto& v : info.variants)
      fmt::print("{:<12} --variant {:<16} {}\n", "", v.name, v.description);
  }
  return ExitCode::pass;
}

ExitCode run_workload(RunOptions opts) {
  const workloads::Workload* w = workloads::find(opts.name);
  if (w == nullptr) {
    std::string known;
    for (const auto& x : workloads::all()) known += (known.empty() ? "" : ", ") + x->info().name;
    return fail(gate::Error::bad_input(
        fmt::format("unknown workload '{}' (workloads: {})", opts.name, known)));
  }
  opts.params.size = opts.size == "nightly" ? workloads::Size::nightly : workloads::Size::ci;
  if (auto ok = workloads::validate(*w, opts.params); !ok)
    return fail(gate::Error::bad_input(ok.error()));
  const workloads::Params params = workloads::with_defaults(*w, opts.params);

  progress(fmt::format("running {} ({} ops after {} warm-up)", opts.name, params.ops, params.warmup_ops));
  auto run = w->run(params);
  if (!run) return fail(gate::Error::environment(fmt::format("workload '{}': {}", opts.name, run.error())));

  if (!opts.json_path.empty()) {
    if (auto ok = gate::write_file_atomically(opts.json_path,
                                              gate::workload_run_to_json(opts.name, params, *run));
        !ok)
      return fail(ok.error());
  } else {
    std::vector<double> samples(run->latencies_ns.begin(), run->latencies_ns.end());
    const gate::Summary s = gate::summarize(samples, run->measured_seconds);
    fmt::print("{} variant={} slowdown={}%\n", opts.name,
               params.variant.empty() ? "clean" : params.variant, params.slowdown_percent);
    fmt::print("  ops {}  throughput {:.0f}/s  mean {:.1f} us  stddev {:.1f} us\n", s.count,
               s.throughput_per_s, s.mean / 1e3, s.stddev / 1e3);
    fmt::print("  min {:.1f}  p50 {:.1f}  p90 {:.1f}  p95 {:.1f}  p99 {:.1f}  p99.9 {:.1f}  max {:.1f} (us)\n",
               s.min / 1e3, s.p50 / 1e3, s.p90 / 1e3, s.p95 / 1e3, s.p99 / 1e3, s.p999 / 1e3,
               s.max / 1e3);
    for (const auto& [k, v] : run->metrics) fmt::print("  {} {:.4g}\n", k, v);
    for (const auto& inv : run->invariants)
      fmt::print("  {} {}: {}\n", inv.passed ? "ok  " : "FAIL", inv.name, inv.detail);
  }
  for (const auto& inv : run->invariants)
    if (!inv.passed)
      return fail(gate::Error::environment(
          fmt::format("workload '{}' broke its invariant '{}': {}", opts.name, inv.name, inv.detail)));
  return ExitCode::pass;
}

}  // namespace

void add_workloads_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("workloads", "The bundled reference workloads");
  cmd->require_subcommand(1);
  cmd->add_subcommand("list", "List workloads, their variants and slowdown functions")
      ->callback([&action] { action = run_list; });

  auto opts = std::make_shared<RunOptions>();
  auto* run = cmd->add_subcommand("run", kRunHelp);
  run->add_option("name", opts->name, "Workload name (see 'perfgate workloads list')")->required();
  run->add_option("--variant", opts->params.variant, "Regression variant (default: clean)");
  run->add_option("--slowdown", opts->params.slowdown_percent,
                  "Extra work in percent inside the workload's slowdown function");
  // Ranges on the text's value: CLI11 reads "-1" into an unsigned as 2^64 - 1.
  run->add_option("--ops", opts->params.ops, "Measured operations (default: per workload and size)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{4'000'000'000}));
  run->add_option("--warmup", opts->params.warmup_ops, "Discarded warm-up operations")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{4'000'000'000}));
  run->add_option("--size", opts->size, "Input sizes")->check(CLI::IsMember({"ci", "nightly"}));
  run->add_option("--seed", opts->params.seed, "Seed of the generated inputs")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{4'000'000'000}));
  run->add_option("--json", opts->json_path, "Write samples and invariants to FILE (JSON)");
  run->callback([opts, &action] { action = [opts] { return run_workload(*opts); }; });
}

}  // namespace perfgate::cli
