#include "gate/rank_statistics.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

namespace perfgate::gate {
namespace {

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// P(S <= s) for s = 0..max of a null distribution given as counts.
std::vector<double> cumulative(const std::vector<double>& counts) {
  std::vector<double> cdf(counts.size());
  double total = 0;
  for (double c : counts) total += c;
  double run = 0;
  for (std::size_t s = 0; s < counts.size(); ++s) cdf[s] = (run += counts[s]) / total;
  return cdf;
}

// Counts of arrangements of n x's and m y's by U = #(x < y) pairs:
// c(n, m, u) = c(n, m − 1, u − n) + c(n − 1, m, u) (the largest element is a y
// or an x). Rolling over m keeps one table per n' at a time.
std::vector<double> mann_whitney_counts(std::size_t n, std::size_t m) {
  // prev[i] = distribution for (i, j − 1); cur[i] for (i, j).
  std::vector<std::vector<double>> prev(n + 1), cur(n + 1);
  for (std::size_t i = 0; i <= n; ++i) prev[i] = {1.0};  // j = 0: U = 0
  for (std::size_t j = 1; j <= m; ++j) {
    cur[0] = {1.0};
    for (std::size_t i = 1; i <= n; ++i) {
      std::vector<double> c(i * j + 1, 0.0);
      for (std::size_t u = 0; u < prev[i].size(); ++u) c[u + i] += prev[i][u];  // largest is a y
      for (std::size_t u = 0; u < cur[i - 1].size(); ++u) c[u] += cur[i - 1][u];  // largest is an x
      cur[i] = std::move(c);
    }
    std::swap(prev, cur);
  }
  return prev[n];
}

// Counts of sign assignments of ranks 1..n by W+ (sum of positive ranks).
std::vector<double> signed_rank_counts(std::size_t n) {
  std::vector<double> c(n * (n + 1) / 2 + 1, 0.0);
  c[0] = 1;
  std::size_t top = 0;
  for (std::size_t r = 1; r <= n; ++r) {
    top += r;
    for (std::size_t s = top; s >= r; --s) c[s] += c[s - r];
  }
  return c;
}

double median_of_sorted(const std::vector<double>& v) {
  const std::size_t k = v.size();
  return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

// From sorted values whose k-th order statistics bound the interval, the
// estimate (their median) and the interval [v_(k), v_(N−k+1)] (1-based).
RatioEstimate from_order_statistics(std::vector<double> v, std::size_t k, double p_slower, std::size_t n) {
  std::ranges::sort(v);
  const std::size_t N = v.size();
  k = std::clamp<std::size_t>(k, 1, (N + 1) / 2);
  RatioEstimate e;
  e.ratio = std::exp(median_of_sorted(v));
  e.lower = std::exp(v[k - 1]);
  e.upper = std::exp(v[N - k]);
  e.p_slower = std::clamp(p_slower, 0.0, 1.0);
  e.df = 0;
  e.n = n;
  return e;
}

// The largest k with P(S <= k − 1) <= tail, from an exact CDF (k >= 1).
std::size_t critical_k(const std::vector<double>& cdf, double tail) {
  std::size_t k = 1;
  for (std::size_t s = 0; s < cdf.size() && cdf[s] <= tail + 1e-12; ++s) k = s + 1;
  return k;
}

constexpr std::size_t kExactLimit = 2500;  // table cells n·m (or n(n+1)/2) counted exactly

// Beyond kExactLimit: the statistic (U or W+, with null mean and sd) is
// treated as normal; k comes from its (1 − tail) quantile, the p-value from
// the upper tail with a continuity correction.
RatioEstimate normal_approximation(std::vector<double> values, double statistic, double mean, double sd,
                                   double tail, std::size_t n) {
  double zq = 0;
  for (double lo = 0, hi = 10; hi - lo > 1e-9;) {
    zq = 0.5 * (lo + hi);
    (normal_cdf(zq) < 1 - tail ? lo : hi) = zq;
  }
  const auto k = static_cast<std::size_t>(std::max(1.0, std::floor(mean - zq * sd)));
  const double p = 1 - normal_cdf((statistic - 0.5 - mean) / sd);
  return from_order_statistics(std::move(values), k, p, n);
}

}  // namespace

RatioEstimate rank_log_ratio(std::span<const double> base, std::span<const double> head, double confidence) {
  assert(base.size() >= 2 && head.size() >= 2);
  const std::size_t n = base.size(), m = head.size();
  std::vector<double> diffs;
  diffs.reserve(n * m);
  double u = 0;  // #(base_i < head_j), ties half
  for (double b : base)
    for (double h : head) {
      diffs.push_back(std::log(h) - std::log(b));
      u += h > b ? 1.0 : h == b ? 0.5 : 0.0;
    }
  const double tail = (1 - confidence) / 2;
  if (n * m <= kExactLimit) {
    const auto cdf = cumulative(mann_whitney_counts(n, m));
    const auto u_obs = static_cast<std::size_t>(std::ceil(u));
    const double p = u_obs == 0 ? 1.0 : 1.0 - cdf[u_obs - 1];  // P(U >= u_obs)
    return from_order_statistics(std::move(diffs), critical_k(cdf, tail), p, std::min(n, m));
  }
  return normal_approximation(std::move(diffs), u, n * m / 2.0, std::sqrt(n * m * (n + m + 1.0) / 12.0), tail,
                              std::min(n, m));
}

RatioEstimate paired_rank_log_ratio(std::span<const double> base, std::span<const double> head, double confidence) {
  assert(base.size() == head.size() && base.size() >= 2);
  const std::size_t n = base.size();
  std::vector<double> d(n);
  for (std::size_t j = 0; j < n; ++j) d[j] = std::log(head[j]) - std::log(base[j]);
  std::vector<double> walsh;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i; j < n; ++j) walsh.push_back(0.5 * (d[i] + d[j]));
  // W+ = number of Walsh averages > 0 (equivalent to the signed-rank sum).
  double w = 0;
  for (double x : walsh) w += x > 0 ? 1.0 : x == 0 ? 0.5 : 0.0;
  const double tail = (1 - confidence) / 2;
  if (walsh.size() <= kExactLimit) {
    const auto cdf = cumulative(signed_rank_counts(n));
    const auto w_obs = static_cast<std::size_t>(std::ceil(w));
    const double p = w_obs == 0 ? 1.0 : 1.0 - cdf[w_obs - 1];
    return from_order_statistics(std::move(walsh), critical_k(cdf, tail), p, n);
  }
  const double mean = static_cast<double>(walsh.size()) / 2.0;
  return normal_approximation(std::move(walsh), w, mean, std::sqrt(n * (n + 1.0) * (2.0 * n + 1.0) / 24.0), tail, n);
}

}  // namespace perfgate::gate
