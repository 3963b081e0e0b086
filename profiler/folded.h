#pragma once
// Folded stacks (Brendan Gregg's format, DESIGN §4): one line per stack,
// "root;…;leaf count", sorted, so the same profile always gives the same
// bytes. Readable by flamegraph.pl, inferno and speedscope. Annotations as in
// stackcollapse-perf.pl: kernel frames end in "_[k]", inlined ones in "_[i]".
// Modules and build-ids do not survive the format (use the JSON profile).

#include <expected>
#include <string>
#include <string_view>

#include "profiler/profile.h"

namespace perfgate::profiler {

// How one frame appears in a folded line (';' in names becomes ':').
std::string folded_name(const Frame& frame);

// Identical display stacks merge; lines sorted bytewise; trailing newline.
std::string to_folded(const Profile& profile);

// Parses folded text; blank lines are skipped. Error: "line N: what".
std::expected<Profile, std::string> parse_folded(std::string_view text, Mode mode = Mode::cpu);

}  // namespace perfgate::profiler
