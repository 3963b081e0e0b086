#pragma once
// Combining results files (DESIGN §3: sharded matrix jobs → one file) and
// turning Google Benchmark output into results. Pure.

#include <expected>
#include <string_view>
#include <vector>

#include "gate/error.h"
#include "gate/gbench_json.h"
#include "gate/results.h"

namespace perfgate::gate {

// Benchmarks concatenated in input order; run metadata from the first file,
// durations summed. A benchmark name in two files is bad_input (shards must
// be disjoint).
std::expected<Results, Error> merge_results(std::vector<Results> parts);

// Each Google Benchmark repetition becomes one repetition of one sample (its
// per-iteration real time), so the gate compares per-repetition times.
Results results_from_gbench(const std::vector<GbenchBenchmark>& benchmarks, std::string_view binary,
                            const RunMetadata& metadata);

}  // namespace perfgate::gate
