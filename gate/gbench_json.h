#pragma once
// Reads Google Benchmark's JSON output (--benchmark_format=json or
// --benchmark_out): every repetition of every benchmark is kept, as the
// per-iteration real time in nanoseconds. Aggregates (mean/median/stddev rows)
// are left out: perfgate computes its own statistics from the repetitions. So
// are rows of a benchmark that skipped itself (state.SkipWithMessage, Google
// Benchmark >= 1.8: "skipped": true): their times are no measurement.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/error.h"

namespace perfgate::gate {

struct GbenchBenchmark {
  std::string name;             // run_name, e.g. "BM_Parse/64"
  std::vector<double> real_ns;  // one per repetition, per-iteration real time
  std::vector<double> cpu_ns;
  std::string error;            // error_message when the benchmark reported one
};

// What the output's "context" says of the run: the machine and process that
// ran the binary. Google Benchmark writes each of these; a field it left out
// is empty here.
struct GbenchContext {
  std::string date;  // as written: local time with its offset, "2026-12-07T10:00:00+01:00"
  std::string host_name;
  std::string executable;  // the binary, as it was started (argv[0])
  std::optional<std::uint64_t> num_cpus;
  std::vector<double> load_avg;    // 1, 5 and 15 minutes, as many as the platform gives
  std::string library_build_type;  // "release" or "debug": the Google Benchmark library's
};

// A benchmark every row of which was skipped (SkipWithMessage): nothing of
// it was measured. A failure (SkipWithError, "error_occurred") is not one.
struct GbenchSkipped {
  std::string name;     // run_name
  std::string message;  // the first row's skip_message; "" when it gave none
};

struct GbenchOutput {
  GbenchContext context;
  std::vector<GbenchBenchmark> benchmarks;  // in the order of first appearance
  std::vector<GbenchSkipped> skipped;       // not in `benchmarks`; in the same order
};

// `origin` prefixes error messages: one line naming the field, bad_input.
// Output in which every benchmark was skipped is bad_input too, as output
// without any: there is nothing to compare.
std::expected<GbenchOutput, Error> parse_gbench_json(std::string_view text,
                                                     std::string_view origin);

}  // namespace perfgate::gate
