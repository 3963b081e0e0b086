#pragma once
// Markdown summary of one run's results (no comparison): what `perfgate run`
// leaves in perfgate-out/report.md. Pure: render(model) -> string.

#include <string>
#include <vector>

#include "gate/report.h"
#include "gate/results.h"

namespace perfgate::reporters {

struct ResultsReportContext {
  // Hotspots by ROI of the profiled benchmarks (gate::roi_hotspots), matched
  // by name; a profiled benchmark without an entry gets its profile listed
  // only.
  std::vector<gate::BenchmarkHotspots> hotspots;
  // The closing line: what to do for a verdict.
  std::string next_step =
      "Statistics are per repetition (fresh process each); the regression verdict needs a baseline: "
      "`perfgate compare BASE CURRENT`.";
};

// With profiles, a "Profiles and hotspots" section: per profiled benchmark
// its profile, its flame graph (the SVG written beside an "ok" profile) and
// the function first by ROI, then each benchmark's ROI table folded.
std::string render_results_markdown(const gate::Results& results, const ResultsReportContext& context = {});

}  // namespace perfgate::reporters
