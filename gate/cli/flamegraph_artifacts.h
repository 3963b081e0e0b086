#pragma once
// Flame graphs as report artifacts (DESIGN §9): links to each benchmark's
// profiled flame graph (the SVG `run --profile` writes beside the profile) and,
// for every regression whose base and head both have profiles, a differential
// flame graph rendered into OUT/flamegraphs/. Paths in the report are relative
// to OUT. A profile that cannot be read is skipped with a warning: the
// verdicts stand without pictures.

#include <filesystem>

#include "gate/report.h"
#include "gate/results.h"

namespace perfgate::cli {

void add_flamegraph_artifacts(gate::GateReport& report, const gate::Results& base,
                              const std::filesystem::path& base_dir, const gate::Results& head,
                              const std::filesystem::path& head_dir, const std::filesystem::path& out_dir);

}  // namespace perfgate::cli
