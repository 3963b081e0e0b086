#pragma once
// JSON I/O of results files (`perfgate.results/v1`). Parsing validates what the
// gate relies on: schema string, types, finite non-negative times, sample
// counts; any violation is a bad_input Error that names the field, e.g.
// "results.json: benchmarks[2].repetitions[0].stats.p99: must be a finite number >= 0".

#include <expected>
#include <string>
#include <string_view>

#include "gate/error.h"
#include "gate/results.h"

namespace perfgate::gate {

std::string results_to_json(const Results& results);

// Whether to read the stored samples. The gate's decisions use only the
// per-repetition statistics, so compare and check skip them (they are most of
// a large file); merge, baseline save and validation keep them.
enum class SampleReading { read, skip };

// `origin` prefixes error messages (usually the file name). With skip, every
// Repetition::samples is empty.
std::expected<Results, Error> results_from_json(std::string_view text, std::string_view origin,
                                               SampleReading samples = SampleReading::read);

}  // namespace perfgate::gate
