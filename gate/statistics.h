#pragma once
// Inferential statistics for the gate (DESIGN §8). Pure functions on spans of
// doubles; no I/O, no global state, deterministic (the bootstrap takes a seed).
//
// Ratios of latencies are analysed on the log scale: a slowdown by a factor θ
// is an additive shift ln θ, which makes base/head differences symmetric
// (×1.1 and ÷1.1 are equally far from 1) and makes the t-interval's normality
// assumption far more reasonable for right-skewed latency statistics.

#include <cstdint>
#include <span>
#include <vector>

namespace perfgate::gate {

// Regularized incomplete beta function I_x(a, b), by the continued fraction
// of Numerical Recipes (Press et al., 3rd ed., §6.4) evaluated with the
// modified Lentz method. a, b > 0; x in [0, 1].
double regularized_incomplete_beta(double a, double b, double x);

// Student's t distribution with df > 0 degrees of freedom.
double student_t_cdf(double t, double df);
// Quantile (inverse CDF) for p in (0, 1): bisection on the CDF to 1e-12.
double student_t_quantile(double p, double df);
// The standard normal z whose tail holds the same probability as t's on df
// degrees of freedom (same sign): a t statistic on the z scale, so that one
// threshold serves statistics with few and with many degrees of freedom.
double z_of_t(double t, double df);

struct RatioEstimate {
  double ratio = 1;       // θ: head / base, exp(mean log-difference)
  double lower = 1;       // confidence interval of θ
  double upper = 1;
  double p_slower = 1;    // one-sided p-value of H0: θ <= 1 (head not slower)
  double df = 0;          // degrees of freedom used
  std::size_t n = 0;      // pairs (paired) or min(n_base, n_head) (unpaired)
};

// Paired design (A/B, ABBA order): d_j = ln(head_j / base_j), θ = exp(mean d),
// interval exp(mean d ± t_{1-α/2, n-1} · s_d / √n). Requires n >= 2 and
// positive values; with zero spread the interval collapses onto θ.
RatioEstimate paired_log_ratio(std::span<const double> base, std::span<const double> head,
                               double confidence = 0.95);

// Unpaired design (stored baseline vs current): Welch's t on log values, with
// Welch–Satterthwaite degrees of freedom. Requires >= 2 values each, positive.
RatioEstimate welch_log_ratio(std::span<const double> base, std::span<const double> head,
                              double confidence = 0.95);

// Trimmed means of log values (Yuen 1974; Wilcox, Introduction to Robust
// Estimation and Hypothesis Testing, 4th ed., §4.3, §5.3), for a machine
// whose noise is one-sided: a neighbour or the host can only slow a
// process down, and a few slow processes among 30 move a mean of log p99s
// and widen its interval by more than the change being looked for.
//
// Unpaired: each side's slowest ⌊trim·n⌋ repetitions are left out and the
// rest averaged; the standard error is the upper-winsorized variance
// (the cut values set to the largest kept one) over h(h − 1)/(n − 1),
// h = n − ⌊trim·n⌋ kept, which is the trimmed mean's asymptotic variance
// (its influence function is min(x, b) − const, b the cut point); Welch–
// Satterthwaite degrees of freedom on h − 1 per side. Under a pure shift
// the two sides' trimmed means move by the shift, so θ is still the ratio.
// Paired: the pairs' log ratios are trimmed by ⌊trim·n⌋ at both ends (noise
// in either side of a pair moves its ratio either way), the Tukey–McLaughlin
// trimmed t on h − 1 = n − 2⌊trim·n⌋ − 1 degrees of freedom.
// The gate trims 10 %: nothing below 10 repetitions (then these are Welch's
// and the paired t exactly), 3 of 31 — enough for the one or few processes
// a neighbour slowed, where 20 % cost 3–6 points of power on calm pools
// (docs/gate.md).
inline constexpr double kTrim = 0.1;
// How many values the trimmed methods cut from each trimmed end of n values
// (`ends`: 1 for a side's slowest, 2 for both ends of the pairs' ratios):
// ⌊trim·n⌋, but never so many that fewer than two remain.
std::size_t trimmed_count(double trim, std::size_t n, std::size_t ends);
RatioEstimate trimmed_log_ratio(std::span<const double> base, std::span<const double> head, double confidence = 0.95,
                                double trim = kTrim);
RatioEstimate paired_trimmed_log_ratio(std::span<const double> base, std::span<const double> head,
                                       double confidence = 0.95, double trim = kTrim);

// Percentile bootstrap of θ = exp(mean log head − mean log base), resampling
// each group with replacement (Efron & Tibshirani 1993, ch. 13). For checking
// the t-interval on small samples; `resamples` >= 1000 recommended.
RatioEstimate bootstrap_log_ratio(std::span<const double> base, std::span<const double> head,
                                  double confidence, std::size_t resamples, std::uint64_t seed);

// Holm–Bonferroni step-down (Holm 1979): adjusted p-values in input order,
// p_adj(k) = max_{j<=k} min(1, (m − j + 1) · p_(j)) over ascending p. Rejecting
// where p_adj < α controls the family-wise error rate at α for any dependence.
std::vector<double> holm_adjust(std::span<const double> p_values);

}  // namespace perfgate::gate
