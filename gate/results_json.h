#pragma once
// JSON I/O of results files (`perfgate.results/v1`). Parsing checks what
// docs/schema/results.schema.json states (no key twice, no field it does not
// define, every field it requires, types, ranges, enumerations, started_at's
// form) and what the gate relies on beyond it (ordered quantiles, sample
// counts that agree with stats.count, an ok benchmark's stored samples); any
// violation is a bad_input Error that names the field, e.g.
// "results.json: benchmarks[2].repetitions[0].stats.p99: must be a finite number >= 0, got -1".

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
// Repetition::samples is empty; the samples are still counted and checked.
std::expected<Results, Error> results_from_json(std::string_view text, std::string_view origin,
                                               SampleReading samples = SampleReading::read);

}  // namespace perfgate::gate
