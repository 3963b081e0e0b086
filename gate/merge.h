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
// per-iteration real time), so the gate compares per-repetition times; the
// benchmarks' source names `file` as imported_from. The run is described by
// the output's context, not by the machine importing it: hostname, cores and
// load from host_name, num_cpus and load_avg; started_at from date (in UTC)
// when it is an ISO 8601 time, else `imported_at`; build.type from
// library_build_type. What the output does not say is "" or 0: commit, ref,
// kernel, CPU model, governor, memory, compiler, flags, duration.
Results results_from_gbench(const GbenchOutput& output, std::string_view file,
                            std::string_view imported_at);

}  // namespace perfgate::gate
