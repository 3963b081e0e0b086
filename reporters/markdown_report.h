#pragma once
// The Markdown report: PR comment and job summary (DESIGN §9). Pure.
//
// One-line overall verdict first, then the verdict table, targets with pass
// rate, hotspots, warnings, noise floor and artifact links; long parts fold
// into <details>. With more than kFoldAbove benchmarks only the ones that are
// not a plain pass are shown in full. Every outside string is escaped
// (markdown_escape.h). The result never exceeds kMaxCommentBytes: sections
// are dropped from the least important up, with a note saying so.

#include <cstddef>
#include <string>
#include <string_view>

#include "gate/report.h"

namespace perfgate::reporters {

// Hidden marker that finds this comment again to update it in place.
inline constexpr std::string_view kCommentMarker = "<!-- perfgate:report -->";
// GitHub rejects comment bodies above 65 536 characters; keep a margin.
inline constexpr std::size_t kMaxCommentBytes = 65'000;
inline constexpr std::size_t kFoldAbove = 20;

std::string render_markdown_report(const gate::GateReport& report, std::size_t max_bytes = kMaxCommentBytes);

// A benchmark's hotspots by ROI as a Markdown table, best first, at most
// `rows` of them.
std::string roi_table(const gate::BenchmarkHotspots& hotspots, std::size_t rows = 10);

// A ratio as a signed percent change, "+12.3"; beyond ±10⁶ % (a file with
// absurd values) in 4 significant digits, not hundreds of fixed ones.
std::string signed_percent(double ratio);

// "1.23 ms", "456 ns": a time in the most readable unit.
std::string format_duration_ns(double ns);

// "8 cores", "1 core", or "cores unknown" for 0 (imported Google Benchmark
// output without num_cpus), not "0 cores".
std::string cores_text(unsigned cores);

// The compared statistic, and which repetitions its base and head values
// stand for when that is not their geometric mean: "p99", "p99, fastest".
std::string statistic_label(const gate::BenchmarkVerdict& v);

}  // namespace perfgate::reporters
