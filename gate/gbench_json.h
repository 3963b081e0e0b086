#pragma once
// Reads Google Benchmark's JSON output (--benchmark_format=json or
// --benchmark_out): every repetition of every benchmark is kept, as the
// per-iteration real time in nanoseconds. Aggregates (mean/median/stddev rows)
// are skipped: perfgate computes its own statistics from the repetitions.

#include <expected>
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

// In the order of first appearance. `origin` prefixes error messages.
std::expected<std::vector<GbenchBenchmark>, Error> parse_gbench_json(std::string_view text,
                                                                      std::string_view origin);

}  // namespace perfgate::gate
