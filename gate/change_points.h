#pragma once
// Change-point detection on a performance history (DESIGN §10): E-Divisive
// with means (Matteson & James 2014, "A Nonparametric Approach for Multiple
// Change Point Analysis of Multivariate Data", JASA 109(505)) as Hunter and
// Apache Otava use it. Pure functions; deterministic (the permutation test
// draws from a seeded generator of its own, not from std::shuffle, whose
// algorithm is implementation-defined).
//
// Divisive search: within each segment between known change points, the
// candidate is the split τ that maximises the energy-distance statistic
//   q̂(τ) = (m·k / (m+k)) · ( 2/(m·k)·Σ|x_i − y_j| − C(m,2)⁻¹·Σ|x_i − x_i'|
//                                                  − C(k,2)⁻¹·Σ|y_j − y_j'| )
// (α = 1) over the m values left and k values right of τ. The best candidate
// over all segments is tested; if significant it becomes a change point and
// the search repeats, else it stops.
//
// Significance, two methods:
//  - permutation (Matteson & James §3.3): the observations are permuted within
//    each current segment R times; p = (1 + #{max q̂_perm ≥ q̂}) / (1 + R).
//  - student_t (Hunter, datastax-labs/hunter analysis.py): Student's two-sample
//    t-test (pooled variance) between the values left of the candidate (back
//    to the previous change point) and right of it (up to the next). After the
//    search, change points whose neighbours-to-neighbours test is no longer
//    significant, or whose relative change is below min_relative_change, are
//    removed weakest first, as Hunter does.
// The permutation test is the default: it inherits the energy statistic's
// robustness, while one extreme night (a noisy CI neighbour) inflates the
// t-test's variance enough to hide a real shift in the same segment (see
// tests/gate/change_points_test.cpp). The t-test is much cheaper and is what
// Hunter/Otava ship; choose it for long histories.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace perfgate::gate {

enum class SignificanceTest { permutation, student_t };

struct ChangePointOptions {
  SignificanceTest test = SignificanceTest::permutation;
  double max_p_value = 0.01;         // Hunter uses 0.001 with the t-test
  std::size_t permutations = 999;    // permutation test only; p >= 1 / (permutations + 1)
  std::uint64_t seed = 1;            // permutation test only
  std::size_t min_segment = 3;       // values on each side of a change point, >= 2
  double min_relative_change = 0.0;  // |mean_after / mean_before − 1| below this is dropped
};

struct ChangePoint {
  std::size_t index = 0;       // first value after the change: series[index] is "after"
  double mean_before = 0;      // of the segment from the previous change point (or start)
  double mean_after = 0;       // of the segment up to the next change point (or end)
  double relative_change = 0;  // mean_after / mean_before − 1 (0 when mean_before is 0)
  double p_value = 1;          // of the method used, for this final segmentation
  double q_hat = 0;            // the E-Divisive statistic when it was found
};

// The E-Divisive statistic q̂ for every split of values[begin, end): result[t]
// is q̂ with the split before index begin + t; splits that leave fewer than
// `min_segment` values on a side are 0. Exposed for tests.
std::vector<double> e_divisive_q_hat(std::span<const double> values, std::size_t min_segment);

// Student's two-sample t-test with pooled variance, two-sided p-value. Two
// constant samples give p = 0 when their means differ, 1 when equal.
double student_t_p_value(std::span<const double> a, std::span<const double> b);

// Change points of `series` in ascending index order. Series shorter than
// 2·min_segment have none. Values must be finite (the caller validates input).
std::vector<ChangePoint> find_change_points(std::span<const double> series,
                                            const ChangePointOptions& options = {});

}  // namespace perfgate::gate
