#pragma once
// Reads the environment a run happens in (DESIGN §6), so reports can say when
// the machine was noisy. Edge code: touches /proc, /sys, uname.

#include <string>

#include "gate/results.h"

namespace perfgate::gate {

// Never fails: unreadable fields stay empty or 0.
HostInfo read_host_info();

// Commit and ref of the code under test: $GITHUB_SHA / $GITHUB_REF when set,
// else `git rev-parse` in the current directory, else "".
std::string detect_commit();
std::string detect_ref();

// Current UTC time as ISO 8601, e.g. "2026-11-22T07:05:00Z".
std::string utc_now_iso8601();

}  // namespace perfgate::gate
