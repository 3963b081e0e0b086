#include "gate/statistics.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

#include "workloads/harness/rng.h"

namespace perfgate::gate {
namespace {

// Continued fraction for I_x(a, b) (Numerical Recipes betacf).
double beta_continued_fraction(double a, double b, double x) {
  constexpr int kMaxIterations = 300;
  constexpr double kEpsilon = 1e-15, kTiny = 1e-300;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < kEpsilon) break;
  }
  return h;
}

struct MeanVar {
  double mean = 0, var = 0;  // sample variance (n − 1)
  std::size_t n = 0;
};

MeanVar log_moments(std::span<const double> v) {
  MeanVar m;
  for (double x : v) {
    assert(x > 0);
    ++m.n;
    const double lx = std::log(x), delta = lx - m.mean;
    m.mean += delta / static_cast<double>(m.n);
    m.var += delta * (lx - m.mean);
  }
  m.var = m.n > 1 ? m.var / static_cast<double>(m.n - 1) : 0;
  return m;
}

RatioEstimate from_t(double mean_log, double se, double df, double confidence, std::size_t n) {
  RatioEstimate r;
  r.ratio = std::exp(mean_log);
  r.df = df;
  r.n = n;
  if (se <= 0) {
    r.lower = r.upper = r.ratio;
    r.p_slower = mean_log > 0 ? 0.0 : 1.0;
    return r;
  }
  const double t = student_t_quantile(0.5 + confidence / 2, df);
  r.lower = std::exp(mean_log - t * se);
  r.upper = std::exp(mean_log + t * se);
  r.p_slower = 1 - student_t_cdf(mean_log / se, df);
  return r;
}

// Welch–Satterthwaite degrees of freedom of a difference of two means with
// squared standard errors vb, vh on df_b, df_h degrees of freedom each;
// when both are zero any df gives the same result.
double welch_df(double vb, double vh, double df_b, double df_h) {
  if (vb + vh <= 0) return df_b + df_h;
  return (vb + vh) * (vb + vh) / (vb * vb / df_b + vh * vh / df_h);
}

// A trimmed mean of sorted values: `low` cut from the bottom, `high` from the
// top; var is the squared standard error, (n − 1)·s_w² / (h·(h − 1)) with
// s_w² the winsorized sample variance and h the values kept.
struct Trimmed {
  double mean = 0, var = 0;
  std::size_t kept = 0;
};

Trimmed trimmed_mean(std::vector<double> sorted, std::size_t low, std::size_t high) {
  const std::size_t n = sorted.size();
  assert(low + high + 2 <= n);
  Trimmed t;
  t.kept = n - low - high;
  t.mean = std::accumulate(sorted.begin() + static_cast<std::ptrdiff_t>(low),
                           sorted.end() - static_cast<std::ptrdiff_t>(high), 0.0) /
           static_cast<double>(t.kept);
  const double floor = sorted[low], ceiling = sorted[n - high - 1];
  for (double& x : sorted) x = std::clamp(x, floor, ceiling);
  const double wmean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(n);
  double ss = 0;
  for (double x : sorted) ss += (x - wmean) * (x - wmean);
  const auto h = static_cast<double>(t.kept);
  t.var = ss / (h * (h - 1));  // (n − 1)·s_w² with s_w² = ss / (n − 1)
  return t;
}

std::vector<double> sorted_logs(std::span<const double> v) {
  std::vector<double> out(v.size());
  std::ranges::transform(v, out.begin(), [](double x) {
    assert(x > 0);
    return std::log(x);
  });
  std::ranges::sort(out);
  return out;
}

}  // namespace

std::size_t trimmed_count(double trim, std::size_t n, std::size_t ends) {
  const auto g = static_cast<std::size_t>(std::floor(trim * static_cast<double>(n)));
  return std::min(g, (n - 2) / ends);
}

double regularized_incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
                                b * std::log1p(-x));
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the
  // symmetry I_x(a,b) = 1 − I_{1−x}(b,a) on the other side.
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

double student_t_cdf(double t, double df) {
  const double x = df / (df + t * t);
  const double tail = 0.5 * regularized_incomplete_beta(df / 2, 0.5, x);
  return t >= 0 ? 1 - tail : tail;
}

double student_t_quantile(double p, double df) {
  assert(p > 0 && p < 1 && df > 0);
  double lo = -1, hi = 1;
  while (student_t_cdf(lo, df) > p) lo *= 2;
  while (student_t_cdf(hi, df) < p) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * std::max(1.0, std::fabs(lo)); ++i) {
    const double mid = (lo + hi) / 2;
    (student_t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

double z_of_t(double t, double df) {
  assert(df > 0);
  // The smaller tail, computed directly (1 - cdf would lose it for large t).
  const double tail = student_t_cdf(-std::fabs(t), df);
  if (tail <= 0) return t < 0 ? -40.0 : 40.0;
  auto normal_cdf = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
  double lo = -40, hi = 0;  // Φ(lo) < tail <= Φ(hi) = 0.5
  for (int i = 0; i < 200 && hi - lo > 1e-12; ++i) {
    const double mid = (lo + hi) / 2;
    (normal_cdf(mid) < tail ? lo : hi) = mid;
  }
  const double z = -(lo + hi) / 2;
  return t < 0 ? -z : z;
}

RatioEstimate paired_log_ratio(std::span<const double> base, std::span<const double> head, double confidence) {
  assert(base.size() == head.size() && base.size() >= 2);
  std::vector<double> ratios(base.size());
  for (std::size_t i = 0; i < base.size(); ++i) ratios[i] = head[i] / base[i];
  const MeanVar d = log_moments(ratios);
  return from_t(d.mean, std::sqrt(d.var / static_cast<double>(d.n)), static_cast<double>(d.n - 1), confidence, d.n);
}

RatioEstimate welch_log_ratio(std::span<const double> base, std::span<const double> head, double confidence) {
  assert(base.size() >= 2 && head.size() >= 2);
  const MeanVar b = log_moments(base), h = log_moments(head);
  const double vb = b.var / static_cast<double>(b.n), vh = h.var / static_cast<double>(h.n);
  const double df = welch_df(vb, vh, static_cast<double>(b.n - 1), static_cast<double>(h.n - 1));
  return from_t(h.mean - b.mean, std::sqrt(vb + vh), df, confidence, std::min(b.n, h.n));
}

RatioEstimate trimmed_log_ratio(std::span<const double> base, std::span<const double> head, double confidence,
                                double trim) {
  assert(base.size() >= 2 && head.size() >= 2 && trim >= 0 && trim < 0.5);
  const Trimmed b = trimmed_mean(sorted_logs(base), 0, trimmed_count(trim, base.size(), 1));
  const Trimmed h = trimmed_mean(sorted_logs(head), 0, trimmed_count(trim, head.size(), 1));
  const double df = welch_df(b.var, h.var, static_cast<double>(b.kept - 1), static_cast<double>(h.kept - 1));
  return from_t(h.mean - b.mean, std::sqrt(b.var + h.var), df, confidence, std::min(base.size(), head.size()));
}

RatioEstimate paired_trimmed_log_ratio(std::span<const double> base, std::span<const double> head, double confidence,
                                       double trim) {
  assert(base.size() == head.size() && base.size() >= 2 && trim >= 0 && trim < 0.5);
  std::vector<double> ratios(base.size());
  for (std::size_t i = 0; i < base.size(); ++i) ratios[i] = head[i] / base[i];
  const std::size_t g = trimmed_count(trim, ratios.size(), 2);
  const Trimmed d = trimmed_mean(sorted_logs(ratios), g, g);
  return from_t(d.mean, std::sqrt(d.var), static_cast<double>(d.kept - 1), confidence, base.size());
}

RatioEstimate bootstrap_log_ratio(std::span<const double> base, std::span<const double> head, double confidence,
                                  std::size_t resamples, std::uint64_t seed) {
  assert(!base.empty() && !head.empty() && resamples > 0);
  std::vector<double> lb(base.size()), lh(head.size());
  std::ranges::transform(base, lb.begin(), [](double x) { return std::log(x); });
  std::ranges::transform(head, lh.begin(), [](double x) { return std::log(x); });
  auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); };
  workloads::harness::Rng rng(seed);
  auto resample_mean = [&](const std::vector<double>& v) {
    double s = 0;
    for (std::size_t i = 0; i < v.size(); ++i) s += v[rng.below(v.size())];
    return s / static_cast<double>(v.size());
  };
  std::vector<double> diffs(resamples);
  std::size_t not_slower = 0;
  for (auto& d : diffs) {
    d = resample_mean(lh) - resample_mean(lb);
    not_slower += d <= 0;
  }
  std::ranges::sort(diffs);
  const auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(std::clamp(q * static_cast<double>(resamples - 1), 0.0,
                                                       static_cast<double>(resamples - 1)));
    return diffs[i];
  };
  RatioEstimate r;
  r.ratio = std::exp(mean(lh) - mean(lb));
  r.lower = std::exp(at((1 - confidence) / 2));
  r.upper = std::exp(at((1 + confidence) / 2));
  r.p_slower = static_cast<double>(not_slower) / static_cast<double>(resamples);
  r.n = std::min(base.size(), head.size());
  return r;
}

std::vector<double> holm_adjust(std::span<const double> p_values) {
  const std::size_t m = p_values.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::ranges::stable_sort(order, {}, [&](std::size_t i) { return p_values[i]; });
  std::vector<double> adjusted(m);
  double running = 0;
  for (std::size_t k = 0; k < m; ++k) {
    const double scaled = std::min(1.0, static_cast<double>(m - k) * p_values[order[k]]);
    running = std::max(running, scaled);
    adjusted[order[k]] = running;
  }
  return adjusted;
}

}  // namespace perfgate::gate
