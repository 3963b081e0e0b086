#pragma once
// Decides, per benchmark and overall, whether head regressed against base
// (DESIGN §8). Pure: results in, report out.
//
// Per repetition one statistic is compared: the p99 for per-operation latency
// (bundled workloads), the mean for whole-process timings (commands) and
// Google Benchmark repetitions, whose samples are already per-iteration means.
// A p99 needs >= 100 samples above it (>= 10 000 per repetition), and every
// benchmark needs >= regression.min_iterations repetitions on both sides;
// otherwise the verdict is "insufficient samples" and it is not gated.
//
// Baseline mode: Welch's t on log statistics (unpaired). A/B mode: pairs j in
// run order, d_j = ln(head_j / base_j), paired t. Those are Method::t. A
// benchmark's regression.method (or CompareOptions::method) chooses it, its
// trimmed form (the default: each side's slowest 10 %, or the pairs' ratios'
// ends, left out), a permutation test or the rank-based estimate. Regression: θ > 1 + T and
// the Holm-adjusted one-sided p-value of "head slower by more than margin·T"
// below α/2 (the two-sided 1 − α interval's lower bound above 1 + margin·T);
// pass: the upper bound < 1 + T; improvement: upper bound < 1 − T; else
// inconclusive.

#include <expected>
#include <optional>

#include "gate/error.h"
#include "gate/report.h"
#include "gate/results.h"

namespace perfgate::gate {

struct CompareOptions {
  bool paired = false;                        // A/B: repetitions j of base and head form pairs
  // Overrides every benchmark's regression.method (see Method).
  std::optional<Method> method;
  double confidence = 0.95;
  double alpha = 0.05;                        // family-wise error rate for regressions
  // Adaptive repetitions (check, ab) look at a benchmark up to `looks` times;
  // every look is a chance for a false alarm. α is spent Haybittle–Peto
  // style: each interim look may reject only at a tiny α_interim
  // (look_alpha below), the final look — a benchmark whose current side
  // has `final_repetitions` or more — at α − (looks − 1)·α_interim. The sum
  // stays within α (Bonferroni), clear effects still stop early, and the
  // look that decides the close cases keeps most of the power. p_adjusted
  // carries the spending (p · α / α_look) so Holm then compares it with α.
  unsigned looks = 1;
  std::size_t final_repetitions = 0;  // 0: every look is final (no adaptive repetitions)
  std::optional<double> threshold_percent;    // overrides every benchmark's regression.threshold_percent
  // What the evidence must exclude before a regression is called, as a
  // fraction of the threshold T: the one-sided test is of H0: θ <= 1 + margin·T
  // (the interval's lower bound above 1 + margin·T). 0 is DESIGN §8's literal
  // rule (bound above 1); the default 0.5 keeps changes of T/2 and less from
  // being called regressions when noise pushes their estimate past T (the
  // issue's "+5 % never a regression" at T = 10 %).
  double margin_fraction = 0.5;
};

// The number of looks of an adaptive run that starts with `initial`
// repetitions (or pairs) and adds two at a time up to `max`.
unsigned adaptive_looks(unsigned initial, unsigned max);

// α of one look (see CompareOptions::looks): α when there is one look,
// α_interim = min(0.001, α / (2 · looks)) at an interim look, the rest at the
// final one.
double look_alpha(double alpha, unsigned looks, bool final_look);

// Why two benchmarks of one name measure different things, or "" when they
// may be compared: another kind (a command's mean against a workload's p99),
// another workload, another size. Variants, slowdowns, op counts, seeds and
// commands may differ: they are what an A/B comparison compares. The sides
// are named as the message calls them.
std::string incomparable(const BenchmarkSource& base, const BenchmarkSource& head,
                         std::string_view base_side = "base",
                         std::string_view head_side = "current");

// bad_input when the two runs do not hold the same benchmarks (named in the
// message), or a benchmark's unit differs or its sources are incomparable.
std::expected<GateReport, Error> compare_results(const Results& base, const Results& head,
                                                 const CompareOptions& options);

// The per-repetition statistic the gate compares for this benchmark.
std::string_view gate_statistic(const BenchmarkResult& b);
std::vector<double> per_repetition_statistic(const BenchmarkResult& b);

}  // namespace perfgate::gate
