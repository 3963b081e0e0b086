#pragma once
// Validation of the gate against known truth (issue: "proof that the gate is
// right"). From pools of real repetitions measured on this machine — a clean
// pool and pools with an injected slowdown of known size — it forms many
// comparisons by random disjoint draws and counts the verdicts:
//   A/A: clean vs clean; any "regression" is a false alarm (bar: <= 1 %).
//   injected: clean vs slowed; +15 % and more must be caught (bar: >= 95 %),
//   +5 % must never be called a regression.
// Draws: A/A from one pool takes two disjoint halves of one draw; from two
// pools measured alike (a clean pool and its twin) and for injected pools,
// baseline mode draws each side independently, while paired mode takes both
// sides from the same drawn rounds — the pools are measured interleaved, so
// repetition i of every pool ran in round i, next to each other in time, as
// the base and head of one A/B pair do.
// Pure and deterministic given the seed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gate/compare.h"
#include "gate/results.h"

namespace perfgate::gate {

struct ValidationOptions {
  unsigned comparisons = 200;
  unsigned repetitions_per_side = 5;
  // As the gate does (check, ab): while a comparison is inconclusive, two
  // more repetitions per side, up to this many. 0 or <= repetitions_per_side:
  // fixed size.
  unsigned max_repetitions_per_side = 0;
  std::optional<Method> method;  // as the pool's regression.method (t) unless set
  double margin_fraction = CompareOptions{}.margin_fraction;  // as the gate's
  bool paired = false;  // A/B pairs from the same rounds (paired tests) instead of baseline mode
  std::uint64_t seed = 1;
};

struct ValidationRow {
  std::string base_pool, head_pool;
  double injected_percent = 0;  // 0 for A/A
  unsigned comparisons = 0;
  unsigned regressions = 0, passes = 0, improvements = 0, inconclusive = 0, insufficient = 0;
  double median_ratio = 1;
  // Repetitions per side at the look that decided, averaged over the
  // comparisons (the cap for those still inconclusive): what the row's
  // verdicts cost in runs, as a CI job would pay it.
  double mean_repetitions = 0;
  // The whole base pool against the whole head pool, by the row's method and
  // mode, in one comparison (paired: rounds 0 … n − 1 of both; one pool
  // against itself: its even against its odd rounds). The draws are subsets
  // of the same two pools, so their verdicts are not independent: where the
  // pools themselves sit relative to 1 + margin · T is what they mostly
  // report. A "+5 %" pool whose interval reaches past 1.05 gives the draws
  // that call it a regression a real case. nullopt when that comparison
  // failed.
  std::optional<RatioEstimate> pool_estimate;
  double regression_rate() const { return comparisons ? static_cast<double>(regressions) / comparisons : 0; }
};

// One pool compared with itself (A/A without a twin) needs >= 2 × the largest
// size per side, two pools >= that size each; pools that are too small give a
// row with 0 comparisons. injected_percent 0 marks an A/A row.
ValidationRow validate_pair(const BenchmarkResult& base_pool, const BenchmarkResult& head_pool,
                            double injected_percent, const ValidationOptions& options);

// Bars of the issue: A/A false alarms <= 1 %; >= 15 % caught >= 95 %; 5 % never.
bool meets_quality_bars(const ValidationRow& row);

}  // namespace perfgate::gate
