#pragma once
// Bloom filter (Bloom 1970) with k indices by double hashing: 2^20 bits and
// k = 3 in the workload (seed 004: size=1000000, num_hashes=3, rounded up to
// a power of two). No false negatives; after n distinct insertions the
// false-positive rate is (1 − e^(−k·n/m))^k.

#include <cmath>
#include <cstdint>
#include <vector>

#include "workloads/sketches/item_hash.h"

namespace perfgate::workloads::sketches {

class BloomFilter {
 public:
  BloomFilter(std::uint64_t bits, std::uint32_t hashes)
      : bits_(bits), hashes_(hashes), words_((bits + 63) / 64, 0) {}

  void insert(const Hash128& h) {
    for (std::uint32_t i = 0; i < hashes_; ++i) {
      const std::uint64_t bit = reduce(h.derived(i), bits_);
      words_[bit >> 6] |= std::uint64_t{1} << (bit & 63);
    }
    ++inserted_;
  }

  bool may_contain(const Hash128& h) const {
    for (std::uint32_t i = 0; i < hashes_; ++i) {
      const std::uint64_t bit = reduce(h.derived(i), bits_);
      if ((words_[bit >> 6] & (std::uint64_t{1} << (bit & 63))) == 0) return false;
    }
    return true;
  }

  // The false-positive rate expected after `inserted()` distinct insertions.
  double expected_false_positive_rate() const {
    const double fill = 1.0 - std::exp(-static_cast<double>(hashes_) * static_cast<double>(inserted_) /
                                       static_cast<double>(bits_));
    return std::pow(fill, hashes_);
  }
  std::uint64_t inserted() const { return inserted_; }

 private:
  std::uint64_t bits_;
  std::uint32_t hashes_;
  std::vector<std::uint64_t> words_;
  std::uint64_t inserted_ = 0;
};

}  // namespace perfgate::workloads::sketches
