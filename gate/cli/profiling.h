#pragma once
// Bridges the runner's ProfileRepetition hook to the eBPF profiler.

#include <filesystem>

#include "gate/runner.h"

namespace perfgate::cli {

// A hook that records one repetition under the profiler and writes its JSON
// and folded profiles. When the profiler cannot run here (no permission, no
// BPF), every call returns status "missing" with the reason, once warned.
// count_calls (`--count-calls`): one more run of the repetition counts the
// calls of the profile's hot functions (self >= 0.5 %; uprobes, 0.9–10 µs per
// call, millions of calls in the bundled workloads) for the profile's calls
// section, which the hotspots' calls share uses.
gate::ProfileRepetition make_profile_repetition(const std::filesystem::path& work_dir, bool count_calls = false);

}  // namespace perfgate::cli
