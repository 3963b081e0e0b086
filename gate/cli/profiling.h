#pragma once
// Bridges the runner's profiling hooks (ProfileRepetition, CallCounting) to
// the eBPF profiler.

#include "gate/runner.h"

namespace perfgate::cli {

struct ProfilingHooks {
  // Records one repetition under the profiler and writes its JSON and folded
  // profiles and its flame graph.
  gate::ProfileRepetition record;
  // `--count-calls`: one more run counts the calls of the given functions
  // (uprobes, 0.9–10 µs per call, millions of calls in the bundled workloads:
  // it stops after 250 000) and adds them to a profile `record` wrote, for
  // the hotspots' calls share and time per call.
  gate::CallCounting count;
};

// When the profiler cannot run here (no permission, no BPF), every recording
// returns status "missing" with the reason and every count fails with it,
// once warned.
ProfilingHooks make_profiling_hooks();

}  // namespace perfgate::cli
