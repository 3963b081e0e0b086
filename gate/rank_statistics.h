#pragma once
// Rank-based ratio estimates for the gate (DESIGN §8 allows "or a bootstrap";
// these are the distribution-free alternative). Per-repetition p99s on a
// shared machine are heavy-tailed: one repetition hit by host activity can
// double its p99, and a t-test on log values then moves its mean and
// interval by several percent. Ranks bound what one outlier can do.
//
// Unpaired (baseline mode): the Hodges–Lehmann shift of log values, i.e.
// the median of all n·m differences ln head_j − ln base_i, with the
// distribution-free (Moses) confidence interval and the one-sided p-value
// of the Mann–Whitney U statistic (Hollander & Wolfe, Nonparametric
// Statistical Methods, 3rd ed., §4.1–4.3).
// Paired (A/B): the Hodges–Lehmann estimate of the Walsh averages of
// d_j = ln(head_j / base_j), with the Wilcoxon signed-rank interval and
// p-value (ibid. §3.1–3.3).
// Exact null distributions by counting (no ties assumed: latencies are
// continuous); a normal approximation once the count tables would be large.

#include <span>

#include "gate/statistics.h"

namespace perfgate::gate {

RatioEstimate rank_log_ratio(std::span<const double> base, std::span<const double> head, double confidence = 0.95);

RatioEstimate paired_rank_log_ratio(std::span<const double> base, std::span<const double> head,
                                    double confidence = 0.95);

}  // namespace perfgate::gate
