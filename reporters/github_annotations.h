#pragma once
// GitHub Actions workflow commands for a gate report (DESIGN §9): one
// `::error` annotation per regression and one `::warning` per inconclusive or
// failed benchmark, so they show on the run's page and the PR's checks without
// opening the summary. Pure: returns the lines; the CLI prints them to stdout
// when running under Actions (GITHUB_ACTIONS=true).
//
// Outside strings are encoded as the runner's command parser expects
// (actions/toolkit, command.ts): in messages %, CR and LF become %25, %0D,
// %0A; in properties also ':' and ',' (%3A, %2C). Without that, a benchmark
// name with a newline could start a second, forged workflow command.

#include <string>
#include <string_view>

#include "gate/report.h"

namespace perfgate::reporters {

std::string render_github_annotations(const gate::GateReport& report);

std::string escape_workflow_message(std::string_view text);
std::string escape_workflow_property(std::string_view text);

}  // namespace perfgate::reporters
