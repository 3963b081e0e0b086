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

// Removes what an earlier gate left in out_dir that the report just written
// does not stand behind: the differential flame graphs
// (flamegraphs/*-diff.svg) it does not link and, after a report without
// verdicts (report == nullptr: `run`, `check` without a baseline),
// report.json. Read beside the new report.md — by the Action's report-json
// output, or in the uploaded artifact — they would contradict it. Called
// once the new report is written; a file that cannot be removed is a
// warning.
void remove_stale_gate_outputs(const std::filesystem::path& out_dir,
                               const gate::GateReport* report);

}  // namespace perfgate::cli
