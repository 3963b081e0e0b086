#pragma once
// Bridges the runner's profiling hooks (ProfileRepetition, CallCounting) to
// the eBPF profiler.

#include "gate/runner.h"

namespace perfgate::cli {

// Gives runner the eBPF profiler: its ProfileRepetition records a
// repetition and writes its JSON and folded profiles and its flame graph;
// its CallCounting (count_runs of them after each profiled repetition,
// `--count-calls`; 0: none) counts the calls of the given functions in one
// more run (uprobes, 0.9–10 µs per call, millions of calls in the bundled
// workloads: it stops after 250 000) and adds them to that profile. When the
// profiler cannot run here (no permission, no BPF), every recording returns
// status "missing" with the reason and every count fails with it, once
// warned.
void use_profiler(gate::RunnerOptions& runner, unsigned count_runs);

}  // namespace perfgate::cli
