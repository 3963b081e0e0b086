// `perfgate validate-gate POOL.json`: checks the gate's error rates on real
// repetitions measured on this machine (see gate/validation.h and
// scripts/validate-gate, which measures the pools). Benchmarks named
// "<name>/slowdown_percent=<P>" form one group per name; P = 0 is the clean
// pool, and "<name>/twin/slowdown_percent=0", when present, a second clean pool
// measured alike, which the A/A rows compare the clean pool with. Exit 0 when
// every row meets its quality bar, 1 otherwise.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <map>
#include <memory>

#include "gate/cli/command.h"
#include "gate/cli/decision_options.h"
#include "gate/machine_noise.h"
#include "gate/validation.h"

namespace perfgate::cli {
namespace {

struct ValidateOptions {
  std::string pool;
  gate::ValidationOptions validation;
};

struct Group {
  const gate::BenchmarkResult* clean = nullptr;
  const gate::BenchmarkResult* twin = nullptr;  // a second clean pool, for A/A
  std::map<double, const gate::BenchmarkResult*> injected;
};

ExitCode run_validate(const ValidateOptions& o) {
  auto results = load_results(o.pool);
  if (!results) return fail(results.error());
  std::map<std::string, Group> groups;
  constexpr std::string_view kKey = "/slowdown_percent=";
  constexpr std::string_view kTwin = "/twin";
  for (const auto& b : results->benchmarks) {
    const auto at = b.name.find(kKey);
    if (at == std::string::npos || b.status != "ok") continue;
    double pct = 0;
    const std::string_view num = std::string_view(b.name).substr(at + kKey.size());
    if (std::from_chars(num.data(), num.data() + num.size(), pct).ec != std::errc{}) continue;
    const std::string name = b.name.substr(0, at);
    if (name.ends_with(kTwin)) {
      if (pct == 0) groups[name.substr(0, name.size() - kTwin.size())].twin = &b;
      continue;
    }
    Group& g = groups[name];
    if (pct == 0) g.clean = &b;
    else g.injected[pct] = &b;
  }
  if (groups.empty())
    return fail(gate::Error::bad_input(fmt::format(
        "{} holds no benchmarks named '<name>/slowdown_percent=<P>' (see scripts/validate-gate)", o.pool)));
  fmt::print("gate validation: {} comparisons per row, {} repetitions per side{}, {} mode, method: {}\n\n",
             o.validation.comparisons, o.validation.repetitions_per_side,
             o.validation.max_repetitions_per_side > o.validation.repetitions_per_side
                 ? fmt::format(" (+2 while inconclusive, up to {})", o.validation.max_repetitions_per_side)
                 : std::string(),
             o.validation.paired ? "paired (A/B)" : "baseline",
             o.validation.method ? gate::to_string(*o.validation.method) : "each pool's regression.method");
  fmt::print("{:<14} {:>9} {:>6} {:>11} {:>6} {:>9} {:>13} {:>9} {:>12} {:>22}  {}\n", "workload", "injected", "n",
             "regression", "pass", "improved", "inconclusive", "mean reps", "median ratio", "whole pools [95% CI]",
             "bar");
  bool all_ok = true;
  for (const auto& [name, g] : groups) {
    if (g.clean == nullptr) {
      warn(fmt::format("{}: no clean pool (slowdown_percent=0); skipped", name));
      continue;
    }
    std::vector<gate::ValidationRow> rows = {
        gate::validate_pair(*g.clean, g.twin ? *g.twin : *g.clean, 0, o.validation)};
    for (const auto& [pct, pool] : g.injected) rows.push_back(gate::validate_pair(*g.clean, *pool, pct, o.validation));
    for (const auto& r : rows) {
      const bool ok = gate::meets_quality_bars(r);
      all_ok = all_ok && ok;
      const char* bar = r.injected_percent == 0 ? "false alarms <= 1 %"
                        : r.injected_percent >= 15 ? "caught >= 95 %"
                        : r.injected_percent <= 5  ? "never a regression"
                                                   : "(no bar)";
      const std::string whole = r.pool_estimate ? fmt::format("{:.3f} [{:.3f}, {:.3f}]", r.pool_estimate->ratio,
                                                               r.pool_estimate->lower, r.pool_estimate->upper)
                                                 : std::string("n/a");
      fmt::print("{:<14} {:>8.0f}% {:>6} {:>10.1f}% {:>6} {:>9} {:>13} {:>9.1f} {:>12.3f} {:>22}  {} {}\n", name,
                 r.injected_percent, r.comparisons, 100 * r.regression_rate(), r.passes, r.improvements,
                 r.inconclusive, r.mean_repetitions, r.median_ratio, whole, ok ? "ok" : "MISSED", bar);
    }
    // How much the machine's speed moved while each pool was measured
    // (gate/machine_noise.h): the cause when rows stay inconclusive.
    // Interrupted operations: the noise that reaches only the tail.
    std::vector<std::string> noise, interrupted;
    auto percent = [](std::optional<double> v, int digits) {
      return v ? fmt::format("{:.{}f} %", *v, digits) : std::string("n/a");
    };
    auto add_noise = [&](std::string label, const gate::BenchmarkResult* pool) {
      if (pool == nullptr) return;
      noise.push_back(fmt::format("{} {}", label, percent(gate::slow_slice_percent(*pool), 1)));
      interrupted.push_back(fmt::format("{} {}", label, percent(gate::interrupted_sample_percent(*pool), 2)));
    };
    add_noise("clean", g.clean);
    add_noise("twin", g.twin);
    for (const auto& [pct, pool] : g.injected) add_noise(fmt::format("+{:.0f} %", pct), pool);
    fmt::print("{:<14} slow time slices (≥ 20 % slower than the same slice's median over the pool): {}\n", name,
               fmt::join(noise, ", "));
    fmt::print("{:<14} interrupted operations (≥ 2x the same operation's median over the pool): {}\n", name,
               fmt::join(interrupted, ", "));
  }
  return all_ok ? ExitCode::pass : ExitCode::regression;
}

}  // namespace

void add_validate_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<ValidateOptions>();
  auto* cmd = app.add_subcommand("validate-gate",
                                 "Measure the gate's false-alarm and detection rates on pools of real repetitions\n"
                                 "(made by scripts/validate-gate). Exit 1 when a quality bar is missed.");
  cmd->add_option("POOL", opts->pool, "Results with '<name>/slowdown_percent=<P>' benchmarks")->required();
  cmd->add_option("--comparisons", opts->validation.comparisons, "Comparisons per row")->capture_default_str();
  cmd->add_option("--reps", opts->validation.repetitions_per_side, "Repetitions per side")
      ->check(CLI::Range(2u, 1000u))
      ->capture_default_str();
  cmd->add_option("--max-reps", opts->validation.max_repetitions_per_side,
                  "Adaptive: while inconclusive, 2 more repetitions per side up to this many (as the gate does)")
      ->capture_default_str();
  cmd->add_flag("--paired", opts->validation.paired, "Compare draws as A/B pairs (paired tests)");
  add_method_option(cmd, opts->validation.method);
  cmd->add_option("--margin", opts->validation.margin_fraction,
                  "A regression needs the interval's lower bound above 1 + MARGIN x threshold (0: above 1)")
      ->check(number_in(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--seed", opts->validation.seed, "Seed of the random draws")->capture_default_str();
  cmd->callback([opts, &action] { action = [opts] { return run_validate(*opts); }; });
}

}  // namespace perfgate::cli
