#pragma once
// The file a workload child process hands back to the runner
// (`perfgate workloads run NAME --json FILE`), schema "perfgate.workload-run/v1".
// Internal to perfgate (parent and child are the same binary), but validated
// like any input: a malformed file is a bad_input error.

#include <expected>
#include <string>
#include <string_view>

#include "gate/error.h"
#include "workloads/workload.h"

namespace perfgate::gate {

inline constexpr std::string_view kWorkloadRunSchema = "perfgate.workload-run/v1";

std::string workload_run_to_json(std::string_view workload, const workloads::Params& params,
                                 const workloads::Run& run);

std::expected<workloads::Run, Error> workload_run_from_json(std::string_view text);

}  // namespace perfgate::gate
