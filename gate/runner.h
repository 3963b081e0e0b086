#pragma once
// Runs a suite (DESIGN §6): every repetition is a fresh process — bundled
// workloads through `perfgate workloads run --json` (self-exec), commands timed
// as whole processes, Google Benchmark binaries with their JSON output. A
// benchmark that crashes, times out, exits non-zero or breaks an invariant is
// recorded as failed with what happened, and the rest of the suite still runs.
// Profiled repetitions are extra runs after the measured ones, so the
// profiler's overhead never reaches the verdict's samples.

#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/error.h"
#include "gate/results.h"
#include "gate/suite_config.h"

namespace perfgate::gate {

// Per repetition, at most this many samples are stored (a systematic subsample
// in measurement order beyond it); statistics always use all samples.
inline constexpr std::size_t kMaxStoredSamples = 10'000;

// Records one extra repetition under the profiler: runs argv, writes the
// profile to `profile_path` (JSON; a .folded twin beside it), and returns the
// outcome. Injected by the CLI so the gate library does not link libbpf.
using ProfileRepetition = std::function<ProfileRef(const std::vector<std::string>& argv,
                                                   const std::filesystem::path& profile_path,
                                                   unsigned hz)>;

struct RunnerOptions {
  std::filesystem::path self_exe;          // the perfgate binary (workload children)
  std::filesystem::path work_dir;          // scratch files and profiles/ go here
  unsigned repetitions = 0;                // 0: as configured per benchmark
  std::vector<std::string> only;           // names or name prefixes ("lru" matches "lru/x=1")
  unsigned shard_index = 0;                // run benchmarks i where i % shard_count == shard_index
  unsigned shard_count = 1;
  bool profile = false;                    // profile every benchmark (else per config)
  unsigned hz = 0;                         // 0: as configured
  ProfileRepetition profile_repetition;    // required when anything is profiled
  std::function<void(std::string_view)> progress = [](std::string_view) {};
};

// The benchmarks of `suite` selected by --only and --shard, in suite order.
// bad_input when --only names nothing that exists.
std::expected<std::vector<BenchmarkSpec>, Error> select_benchmarks(const SuiteConfig& suite,
                                                                   const RunnerOptions& options);

// Errors only for problems that stop the whole run (scratch directory not
// writable); per-benchmark failures are inside the results.
std::expected<Results, Error> run_suite(const SuiteConfig& suite, const RunnerOptions& options);

// Systematic subsample: at most `limit` values, evenly spaced, order kept.
std::vector<double> bounded_sample(const std::vector<double>& samples, std::size_t limit);

}  // namespace perfgate::gate
