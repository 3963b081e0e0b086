#include "gate/summary.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

namespace perfgate::gate {

double quantile_sorted(std::span<const double> sorted, double q) {
  assert(!sorted.empty() && q >= 0.0 && q <= 1.0);
  const double h = static_cast<double>(sorted.size() - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

Summary summarize(std::span<const double> samples, double measured_seconds) {
  Summary s;
  if (samples.empty()) return s;
  std::vector<double> sorted(samples.begin(), samples.end());
  std::ranges::sort(sorted);
  s.count = sorted.size();
  // Welford's online algorithm: numerically stable mean and variance.
  double mean = 0, m2 = 0;
  std::uint64_t n = 0;
  for (double x : sorted) {
    ++n;
    const double delta = x - mean;
    mean += delta / static_cast<double>(n);
    m2 += delta * (x - mean);
  }
  s.mean = mean;
  s.stddev = n > 1 ? std::sqrt(m2 / static_cast<double>(n - 1)) : 0.0;
  s.min = sorted.front();
  s.max = sorted.back();
  s.p50 = quantile_sorted(sorted, 0.50);
  s.p90 = quantile_sorted(sorted, 0.90);
  s.p95 = quantile_sorted(sorted, 0.95);
  s.p99 = quantile_sorted(sorted, 0.99);
  s.p999 = quantile_sorted(sorted, 0.999);
  if (measured_seconds > 0) s.throughput_per_s = static_cast<double>(s.count) / measured_seconds;
  return s;
}

std::uint64_t tail_samples_above_p99(std::uint64_t count) { return count / 100; }

}  // namespace perfgate::gate
