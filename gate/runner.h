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
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gate/error.h"
#include "gate/results.h"
#include "gate/suite_config.h"

namespace perfgate::gate {

// What one profiled run gave: the profile's reference (status "ok" with a
// reason when the target exited uncleanly) and the seconds sampled in that
// profile so far, this run's included.
struct ProfiledRun {
  ProfileRef ref;
  double sampled_s = 0;
};

// Records one extra repetition under the profiler: runs argv in a fresh
// process and writes its profile to `profile_path` (JSON; a .folded twin
// beside it) — a new profile, or with `add` this run merged into the one the
// hook wrote there before (profiling.duration: the runner repeats the run
// until that many seconds were sampled). Injected by the CLI so the gate
// library does not link libbpf.
using ProfileRepetition = std::function<ProfiledRun(const std::vector<std::string>& argv,
                                                    const std::filesystem::path& profile_path, unsigned hz,
                                                    bool add)>;
// profiling.duration repeats a profiled run at most this often.
inline constexpr unsigned kMaxProfiledRuns = 100;

// Counts, in one more run of argv under the profiler, the calls of
// `functions` (function, module: as the profile's frames name them) and adds
// that run to the profile at `profile_path`, which this hook's
// ProfileRepetition recorded (Profile::calls, one FunctionCalls::Run per
// run). Returns an error message, empty on success. Injected by the CLI.
using CallCounting = std::function<std::string(const std::vector<std::string>& argv,
                                               const std::filesystem::path& profile_path, unsigned hz,
                                               const std::vector<std::pair<std::string, std::string>>& functions)>;

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
  // --count-calls: after each profiled repetition, this many runs count the
  // calls of its profile's hot functions (countable_hot_functions). 0: none.
  unsigned count_runs = 0;
  CallCounting count_calls;                // required when count_runs > 0
  // Adaptive repetitions (DESIGN §8): after the configured repetitions, while
  // this returns true for the benchmarks measured so far, two more are run,
  // up to max_repetitions. `perfgate check` asks "still inconclusive against
  // the baseline?". Empty: never.
  std::function<bool(const std::vector<BenchmarkResult>&)> wants_more;
  unsigned max_repetitions = 15;
  // Round-robin: repetition r of every benchmark before repetition r + 1 of
  // any, so a drift of the machine's speed (other jobs starting, thermal
  // state) spreads over all benchmarks instead of biasing the ones measured
  // during it. For pools compared with each other (scripts/validate-gate).
  // wants_more is not consulted in this order.
  bool interleave = false;
  std::function<void(std::string_view)> progress = [](std::string_view) {};
};

// What one process (one repetition) measured for one benchmark. Workloads and
// commands yield one; a Google Benchmark binary one per benchmark inside it.
struct Measurement {
  std::string name;
  std::string error;            // non-empty: the repetition failed (exit status, stderr, invariant)
  std::vector<double> samples;  // ns, every measured operation
  double measured_s = 0;
  Repetition repetition;        // stats, bounded samples, resources, exit code
  std::vector<workloads::Invariant> invariants;
  std::map<std::string, double> metrics;
};

// Runs one repetition (one fresh process, or `iterations` for commands).
// Never fails as a whole: a process that could not run or failed gives one
// Measurement named after the spec with `error` set.
std::vector<Measurement> measure_once(const BenchmarkSpec& spec, const RunnerOptions& options, unsigned repetition);

// Collects repetitions into BenchmarkResults: per-benchmark status, pooled
// statistics, mean CPU, max RSS, invariants (first failure kept), mean metrics.
class ResultCollector {
 public:
  explicit ResultCollector(const BenchmarkSpec& spec) : spec_(spec) {}
  // False once any benchmark of this spec failed: stop measuring it.
  bool add(std::vector<Measurement> measurements);
  bool failed() const { return failed_; }
  std::vector<BenchmarkResult> finish();

 private:
  struct Entry {
    BenchmarkResult result;
    std::vector<double> all_samples;
    double measured_s = 0;
    std::map<std::string, double> metric_sums;
  };
  BenchmarkSpec spec_;
  std::vector<Entry> entries_;  // in order of first appearance
  bool failed_ = false;
};

// Profiles one extra repetition of `result` when asked (--profile or
// profiling.enabled) — repeated and merged until profiling.duration seconds
// were sampled — and records the outcome in result.profile; then, with
// options.count_runs, counts its hot functions' calls in that many more runs.
void profile_if_asked(BenchmarkResult& result, const BenchmarkSpec& spec, const RunnerOptions& options);
// The two steps of profile_if_asked, for `perfgate ab`, which alternates the
// sides' profiled runs and then their counting runs (so a drift of the
// machine does not land on one side's runs).
void record_profile_if_asked(BenchmarkResult& result, const BenchmarkSpec& spec, const RunnerOptions& options);
// Both sides' profiled runs (record_profile_if_asked), alternating base-head,
// head-base, … until each side has sampled its profiling.duration: a slow
// spell of the machine — memory bandwidth taken by a neighbour, which slows
// a copy loop and not a compute loop — then shifts both profiles' shares
// alike instead of one side's.
void record_profiles_alternately(BenchmarkResult& base, const BenchmarkSpec& base_spec,
                                 const RunnerOptions& base_options, BenchmarkResult& head,
                                 const BenchmarkSpec& head_spec, const RunnerOptions& head_options);
// The hot functions of result's profile (countable_hot_functions); none
// without an "ok" profile of a run that exited cleanly, or with
// options.count_runs 0.
std::vector<std::pair<std::string, std::string>> functions_to_count(const BenchmarkResult& result,
                                                                    const RunnerOptions& options);
// One counting run of `functions` for result's profile (CallCounting).
// False when it failed (the hook says why): the profile keeps the runs
// counted before.
bool count_calls_once(const BenchmarkResult& result, const BenchmarkSpec& spec, const RunnerOptions& options,
                      const std::vector<std::pair<std::string, std::string>>& functions);

// Run metadata for a run starting now (commit, host, versions).
RunMetadata start_metadata(std::string suite_name);

// The benchmarks of `suite` selected by --only and --shard, in suite order.
// bad_input when --only names nothing that exists.
std::expected<std::vector<BenchmarkSpec>, Error> select_benchmarks(const SuiteConfig& suite,
                                                                   const RunnerOptions& options);

// Errors only for problems that stop the whole run (scratch directory not
// writable); per-benchmark failures are inside the results.
std::expected<Results, Error> run_suite(const SuiteConfig& suite, const RunnerOptions& options);

// A benchmark name as a file name: letters, digits, '-' and '.' kept, the
// rest '_' ("lru/variant=x" -> "lru_variant_x"). Profiles and scratch files.
std::string safe_file_name(std::string_view name);

// Systematic subsample: at most `limit` values, evenly spaced, order kept.
std::vector<double> bounded_sample(const std::vector<double>& samples, std::size_t limit);

}  // namespace perfgate::gate
