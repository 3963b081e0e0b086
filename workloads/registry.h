#pragma once
// The bundled workloads, by name. Immutable after start-up; thread-safe reads.

#include <expected>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "workloads/workload.h"

namespace perfgate::workloads {

// All bundled workloads, sorted by name.
std::span<const std::unique_ptr<Workload>> all();

// nullptr when no workload has that name.
const Workload* find(std::string_view name);

// Checks params against a workload before running it: the variant exists and
// the slowdown is within [0, 1000] %. The message names the bad value and the
// accepted ones.
std::expected<void, std::string> validate(const Workload& workload, const Params& params);

// Resolves defaults (ops, warm-up) for the params' size.
Params with_defaults(const Workload& workload, Params params);

}  // namespace perfgate::workloads
