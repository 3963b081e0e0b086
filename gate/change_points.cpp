#include "gate/change_points.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "gate/statistics.h"

namespace perfgate::gate {
namespace {

struct Candidate {
  std::size_t index = 0;  // absolute split index
  double q_hat = 0;
  bool found = false;
};

// Best split of values[begin, end) by q̂, or none when the segment is too short.
Candidate best_split(std::span<const double> values, std::size_t begin, std::size_t end,
                     std::size_t min_segment) {
  Candidate best;
  if (end - begin < 2 * min_segment) return best;
  const std::vector<double> q = e_divisive_q_hat(values.subspan(begin, end - begin), min_segment);
  for (std::size_t t = 0; t < q.size(); ++t)
    if (q[t] > best.q_hat) best = {begin + t, q[t], true};
  return best;
}

// Segment boundaries [0, cps…, n) from sorted change-point indices.
std::vector<std::size_t> boundaries(const std::vector<std::size_t>& cps, std::size_t n) {
  std::vector<std::size_t> b{0};
  b.insert(b.end(), cps.begin(), cps.end());
  b.push_back(n);
  return b;
}

Candidate best_over_segments(std::span<const double> values, const std::vector<std::size_t>& cps,
                             std::size_t min_segment) {
  const auto b = boundaries(cps, values.size());
  Candidate best;
  for (std::size_t s = 0; s + 1 < b.size(); ++s) {
    const Candidate c = best_split(values, b[s], b[s + 1], min_segment);
    if (c.found && (!best.found || c.q_hat > best.q_hat)) best = c;
  }
  return best;
}

// Uniform integer in [0, bound) without modulo bias, from a generator whose
// output sequence the standard fixes (mt19937_64), so permutations are the
// same on every platform; std::uniform_int_distribution and std::shuffle are not.
std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t bound) {
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % bound;
  std::uint64_t x = rng();
  while (x >= limit) x = rng();
  return x % bound;
}

// Permutation p-value of the best q̂ given the current segmentation
// (Matteson & James 2014 §3.3): permuting within segments keeps the known
// change points and destroys any further one.
double permutation_p_value(std::span<const double> values, const std::vector<std::size_t>& cps,
                           double observed, const ChangePointOptions& o, std::mt19937_64& rng) {
  const auto b = boundaries(cps, values.size());
  std::vector<double> shuffled(values.begin(), values.end());
  std::size_t at_least = 0;
  for (std::size_t r = 0; r < o.permutations; ++r) {
    for (std::size_t s = 0; s + 1 < b.size(); ++s)
      for (std::size_t i = b[s + 1] - 1; i > b[s]; --i)  // Fisher–Yates within the segment
        std::swap(shuffled[i], shuffled[b[s] + uniform_below(rng, i - b[s] + 1)]);
    if (best_over_segments(shuffled, cps, o.min_segment).q_hat >= observed) ++at_least;
  }
  return static_cast<double>(1 + at_least) / static_cast<double>(1 + o.permutations);
}

double mean_of(std::span<const double> v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// Statistics of each change point against its neighbouring change points.
std::vector<ChangePoint> describe(std::span<const double> values,
                                  const std::vector<std::size_t>& cps) {
  const auto b = boundaries(cps, values.size());
  std::vector<ChangePoint> out;
  for (std::size_t i = 1; i + 1 < b.size(); ++i) {
    const auto before = values.subspan(b[i - 1], b[i] - b[i - 1]);
    const auto after = values.subspan(b[i], b[i + 1] - b[i]);
    ChangePoint cp;
    cp.index = b[i];
    cp.mean_before = mean_of(before);
    cp.mean_after = mean_of(after);
    cp.relative_change = cp.mean_before != 0 ? cp.mean_after / cp.mean_before - 1 : 0;
    cp.p_value = student_t_p_value(before, after);
    out.push_back(cp);
  }
  return out;
}

}  // namespace

std::vector<double> e_divisive_q_hat(std::span<const double> values, std::size_t min_segment) {
  const std::size_t n = values.size();
  std::vector<double> q(n, 0.0);
  if (n < 2 * min_segment) return q;
  // Move one value at a time from the right part to the left part, updating
  // the three distance sums in O(n) each: O(n²) for all splits instead of O(n³).
  double within_left = 0, within_right = 0, across = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) within_right += std::abs(values[i] - values[j]);
  for (std::size_t moved = 0; moved + 1 < n; ++moved) {
    double to_left = 0, to_right = 0;
    for (std::size_t i = 0; i < moved; ++i) to_left += std::abs(values[i] - values[moved]);
    for (std::size_t j = moved + 1; j < n; ++j) to_right += std::abs(values[moved] - values[j]);
    within_left += to_left;
    within_right -= to_right;
    across += to_right - to_left;
    const auto m = static_cast<double>(moved + 1), k = static_cast<double>(n - moved - 1);
    if (moved + 1 < min_segment || n - moved - 1 < min_segment) continue;
    const double energy =
        2 * across / (m * k) - 2 * within_left / (m * (m - 1)) - 2 * within_right / (k * (k - 1));
    q[moved + 1] = m * k / (m + k) * energy;
  }
  return q;
}

double student_t_p_value(std::span<const double> a, std::span<const double> b) {
  const auto na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  if (a.size() < 2 || b.size() < 2) return 1.0;
  const double ma = mean_of(a), mb = mean_of(b);
  double ssa = 0, ssb = 0;
  for (double x : a) ssa += (x - ma) * (x - ma);
  for (double x : b) ssb += (x - mb) * (x - mb);
  const double df = na + nb - 2;
  const double se = std::sqrt((ssa + ssb) / df * (1 / na + 1 / nb));
  if (se == 0 || !std::isfinite(se)) return ma == mb ? 1.0 : 0.0;
  const double t = std::abs(ma - mb) / se;
  return std::min(1.0, 2 * student_t_cdf(-t, df));
}

std::vector<ChangePoint> find_change_points(std::span<const double> series,
                                            const ChangePointOptions& o) {
  ChangePointOptions opt = o;
  opt.min_segment = std::max<std::size_t>(2, o.min_segment);
  std::vector<std::size_t> cps;
  std::vector<std::pair<std::size_t, std::pair<double, double>>>
      found;  // index → (q̂, permutation p)
  std::mt19937_64 rng(opt.seed);
  for (;;) {
    const Candidate c = best_over_segments(series, cps, opt.min_segment);
    if (!c.found || c.q_hat <= 0) break;
    double p = 1;
    if (opt.test == SignificanceTest::permutation) {
      p = permutation_p_value(series, cps, c.q_hat, opt, rng);
    } else {
      const auto b = boundaries(cps, series.size());
      const auto seg =
          std::upper_bound(b.begin(), b.end(), c.index);  // first boundary after the split
      const std::size_t lo = *(seg - 1), hi = *seg;
      p = student_t_p_value(series.subspan(lo, c.index - lo),
                            series.subspan(c.index, hi - c.index));
    }
    if (p > opt.max_p_value) break;
    cps.insert(std::upper_bound(cps.begin(), cps.end(), c.index), c.index);
    found.push_back({c.index, {c.q_hat, p}});
  }

  // Hunter's pruning: a change point is judged against its final neighbours,
  // which may differ from the ones it was found between; drop the weakest
  // failing one and re-judge the rest until all hold.
  for (;;) {
    const auto described = describe(series, cps);
    std::size_t weakest = described.size();
    double worst = -1;
    for (std::size_t i = 0; i < described.size(); ++i) {
      const bool too_small = std::abs(described[i].relative_change) < opt.min_relative_change;
      const bool not_significant =
          opt.test == SignificanceTest::student_t && described[i].p_value > opt.max_p_value;
      if (!too_small && !not_significant) continue;
      const double badness =
          too_small ? 2.0 - std::abs(described[i].relative_change) : described[i].p_value;
      if (badness > worst) worst = badness, weakest = i;
    }
    if (weakest == described.size()) break;
    cps.erase(cps.begin() + static_cast<std::ptrdiff_t>(weakest));
  }

  std::vector<ChangePoint> out = describe(series, cps);
  for (auto& cp : out)
    for (const auto& [index, qp] : found)
      if (index == cp.index) {
        cp.q_hat = qp.first;
        if (opt.test == SignificanceTest::permutation) cp.p_value = qp.second;
      }
  return out;
}

}  // namespace perfgate::gate
