#pragma once
// `perfgate run`'s options and the run-and-write step, shared with
// `perfgate check`, which runs the same way and then gates.

#include <expected>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "gate/cli/command.h"
#include "gate/results.h"
#include "gate/suite_config.h"

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
  // Called with the selected benchmarks before anything is measured; an
  // error ends the run there, nothing written (`check`: a suite that no
  // longer matches its baseline).
  std::function<std::expected<void, gate::Error>(const std::vector<gate::BenchmarkSpec>&)> before_measuring;
};

// Registers the options above on a subcommand.
void add_run_options(CLI::App* cmd, RunOptions& options);

// Runs the suite and writes results atomically. On error the message has
// been printed and the exit code is returned.
std::expected<gate::Results, ExitCode> run_and_write(const RunOptions& options);

std::size_t failed_benchmarks(const gate::Results& results);

// For a run with nothing to compare: report.md beside the results file
// (with each profiled benchmark's hotspots by ROI, gate::roi_hotspots, whose
// closing line is `next_step`), then the aligned per-benchmark table (reps,
// p50, p99, p99.9, status) and the function first by ROI of each profiled
// benchmark on stdout. The report's path, or the exit code of a failed write
// (its message printed).
std::expected<std::filesystem::path, ExitCode> report_results(const gate::Results& results,
                                                              const std::string& output, std::string next_step);

}  // namespace perfgate::cli
