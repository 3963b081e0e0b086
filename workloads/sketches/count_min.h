#pragma once
// Count-Min sketch (Cormode & Muthukrishnan 2005): depth rows of width
// counters; an item increments one counter per row and its frequency is
// estimated as the minimum over its counters. 10000 × 5 in the workload
// (seed 004). Guarantees: never an underestimate; with probability ≥ 1 − δ
// the overestimate is ≤ ε·N, where ε = e/width, δ = e^−depth and N is the
// total count added.

#include <cmath>
#include <cstdint>
#include <vector>

#include "workloads/sketches/item_hash.h"

namespace perfgate::workloads::sketches {

class CountMinSketch {
 public:
  CountMinSketch(std::uint32_t width, std::uint32_t depth)
      : width_(width), depth_(depth), counters_(std::size_t{width} * depth, 0) {}

  void add(const Hash128& h, std::uint32_t count = 1) {
    for (std::uint32_t row = 0; row < depth_; ++row)
      counters_[std::size_t{row} * width_ + reduce(h.derived(row), width_)] += count;
    total_ += count;
  }

  std::uint64_t estimate(const Hash128& h) const {
    std::uint64_t best = UINT64_MAX;
    for (std::uint32_t row = 0; row < depth_; ++row) {
      const std::uint64_t c = counters_[std::size_t{row} * width_ + reduce(h.derived(row), width_)];
      best = c < best ? c : best;
    }
    return best;
  }

  double epsilon() const { return std::exp(1.0) / width_; }
  double delta() const { return std::exp(-static_cast<double>(depth_)); }
  std::uint64_t total() const { return total_; }

 private:
  std::uint32_t width_;
  std::uint32_t depth_;
  std::vector<std::uint32_t> counters_;  // row-major
  std::uint64_t total_ = 0;
};

}  // namespace perfgate::workloads::sketches
