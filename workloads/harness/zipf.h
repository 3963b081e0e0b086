#pragma once
// Zipf-distributed ranks for generated inputs (token frequencies, request
// popularity). P(rank r) ∝ 1 / (r + 1)^s for r in [0, n). Sampling inverts the
// cumulative distribution by binary search over a precomputed table: O(log n)
// per draw and exact, which is fine because inputs are generated before the
// timed region. Deterministic given the Rng.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "workloads/harness/rng.h"

namespace perfgate::workloads::harness {

class Zipf {
 public:
  // n >= 1 ranks, exponent s >= 0 (s = 0 is uniform).
  Zipf(std::uint64_t n, double s) : cdf_(n) {
    double sum = 0.0;
    for (std::uint64_t r = 0; r < n; ++r) {
      sum += 1.0 / std::pow(static_cast<double>(r + 1), s);
      cdf_[r] = sum;
    }
    for (double& c : cdf_) c /= sum;
    cdf_.back() = 1.0;  // rounding must not leave a gap above the last rank
  }

  std::uint64_t operator()(Rng& rng) const {
    const double u = rng.uniform();
    return static_cast<std::uint64_t>(std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }

  std::uint64_t size() const { return cdf_.size(); }
  // Probability of one rank.
  double probability(std::uint64_t r) const { return r == 0 ? cdf_[0] : cdf_[r] - cdf_[r - 1]; }

 private:
  std::vector<double> cdf_;
};

}  // namespace perfgate::workloads::harness
