#pragma once
// Interleaved A/B measurement (DESIGN §8, the mode CI uses): base and head run
// alternately in one job, in ABBA order (pair j runs A then B when j is even,
// B then A when odd), so slow drifts of the machine hit both sides alike and
// the paired statistics cancel them. A benchmark whose paired verdict is
// inconclusive after the initial pairs gets two more pairs at a time, up to
// max_pairs; what is still inconclusive then is a non-blocking warning.

#include <expected>

#include "gate/compare.h"
#include "gate/report.h"
#include "gate/runner.h"
#include "gate/suite_config.h"

namespace perfgate::gate {

struct AbSide {
  SuiteConfig suite;     // same benchmark names on both sides
  RunnerOptions runner;  // differs in self_exe (build directory) or in the suite's commands
};

struct AbOptions {
  unsigned pairs = 5;       // initial pairs per benchmark (>= 2)
  unsigned max_pairs = 15;  // cap for adaptive extra pairs
  CompareOptions compare{.paired = true};
};

struct AbOutcome {
  Results base, head;
  GateReport report;
};

// bad_input when the sides hold different benchmarks; per-benchmark failures
// are inside the results and the report.
std::expected<AbOutcome, Error> run_ab(const AbSide& base, const AbSide& head, const AbOptions& options);

}  // namespace perfgate::gate
