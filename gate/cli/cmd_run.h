#pragma once
// `perfgate run`'s options and the run-and-write step, shared with
// `perfgate check`, which runs the same way and then gates.

#include <expected>
#include <functional>
#include <string>
#include <vector>

#include "gate/cli/command.h"
#include "gate/results.h"

namespace perfgate::cli {

struct RunOptions {
  std::string output = "perfgate-out/results.json";
  std::string config;  // "" = perfgate.yml when present, else the bundled suite
  std::vector<std::string> only;
  unsigned repetitions = 0;
  unsigned hz = 0;
  bool profile = false;
  bool count_calls = false;  // --count-calls: more runs per profiled benchmark count its hot functions' calls
  unsigned count_runs = 3;   // --count-runs: how many
  std::string shard;  // "i/n", 1-based
  std::string size = "ci";
  bool interleave = false;
  // Adaptive repetitions (gate::RunnerOptions::wants_more), set by `check`.
  std::function<bool(const std::vector<gate::BenchmarkResult>&)> wants_more;
  unsigned max_repetitions = 15;
};

// Registers the options above on a subcommand.
void add_run_options(CLI::App* cmd, RunOptions& options);

// Runs the suite and writes results atomically. On error the message has
// been printed and the exit code is returned.
std::expected<gate::Results, ExitCode> run_and_write(const RunOptions& options);

std::size_t failed_benchmarks(const gate::Results& results);

// The aligned per-benchmark table (reps, p50, p99, p99.9, status) on stdout.
void print_results_summary(const gate::Results& results);

}  // namespace perfgate::cli
