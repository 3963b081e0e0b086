#pragma once
// Bridges the runner's ProfileRepetition hook to the eBPF profiler.

#include <filesystem>

#include "gate/runner.h"

namespace perfgate::cli {

// A hook that records one repetition under the profiler and writes its JSON
// and folded profiles. When the profiler cannot run here (no permission, no
// BPF), every call returns status "missing" with the reason, once warned.
gate::ProfileRepetition make_profile_repetition(const std::filesystem::path& work_dir);

}  // namespace perfgate::cli
