#pragma once
// Profiles at the CLI's edge: reading one the user names (the JSON profile,
// perfgate.profile/v1, or folded stacks, told apart by content, not by name),
// describing it for a flame graph's subtitle, and writing rendered output.

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "gate/error.h"
#include "profiler/profile.h"

namespace perfgate::cli {

// Folded stacks carry no mode: `folded_mode` says what their counts are
// (cpu samples by default). A JSON profile keeps its own mode. Unreadable,
// malformed or empty (no samples) input → bad_input naming the file.
std::expected<profiler::Profile, gate::Error> load_profile(
    const std::string& path, std::optional<profiler::Mode> folded_mode);

// A subtitle for a rendered profile: "NAME — 1,234 samples at 99 Hz over 3.21 s"
// (what is known of it; off-CPU: the time blocked).
std::string describe_profile(const profiler::Profile& profile, const std::string& path);

// Writes rendered output to `path` atomically, or to stdout for "" and "-".
std::expected<void, gate::Error> write_output(const std::string& path, std::string_view content);

}  // namespace perfgate::cli
