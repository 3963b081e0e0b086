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

// `origin` prefixes error messages (usually the file name).
std::expected<Results, Error> results_from_json(std::string_view text, std::string_view origin);

}  // namespace perfgate::gate
