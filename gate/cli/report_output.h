#pragma once
// Publishing a gate report at the edge: report.md and report.json written
// atomically into the output directory, the Markdown appended to
// $GITHUB_STEP_SUMMARY when set, the verdict and report paths appended to
// $GITHUB_OUTPUT (verdict, regressions, out-dir, report-md, report-json),
// ::error/::warning annotations on stdout under GitHub Actions, and an aligned
// terminal summary (coloured only when stdout is a terminal).

#include <expected>
#include <filesystem>

#include "gate/cli/command.h"
#include "gate/report.h"

namespace perfgate::cli {

// Returns the gate's exit code: regression → 1, else 0; I/O failures → 3.
ExitCode publish_report(gate::GateReport report, const std::filesystem::path& out_dir);

}  // namespace perfgate::cli
