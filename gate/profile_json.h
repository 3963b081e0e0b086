#pragma once
// The JSON profile (DESIGN §4), schema "perfgate.profile/v1", described by
// docs/schema/profile.schema.json: frames (function, module, build_id, offset,
// inlined, kind), stacks (frame indices root first, count), sampler stats,
// mode and unit, warnings. Output is deterministic for a given Profile.

#include <expected>
#include <string>
#include <string_view>

#include "gate/error.h"
#include "profiler/profile.h"

namespace perfgate::gate {

inline constexpr std::string_view kProfileSchema = "perfgate.profile/v1";

std::string profile_to_json(const profiler::Profile& profile);

// Malformed input (bad JSON, wrong schema, frame index out of range) is a
// bad_input error that says what and where.
std::expected<profiler::Profile, Error> profile_from_json(std::string_view text);

}  // namespace perfgate::gate
