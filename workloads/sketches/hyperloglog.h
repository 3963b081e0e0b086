#pragma once
// HyperLogLog (Flajolet, Fusy, Gandouet, Meunier 2007) with 2^p one-byte
// registers; p = 14 in the workload (seed 004: precision=14, 16 KiB).
//
// add() is the hot path: the top p bits of the hash pick a register, the rank
// of the first 1-bit in the remaining bits is max-ed into it. estimate() is
// the raw harmonic-mean estimator with the paper's small-range correction
// (linear counting while it is below 2.5·m and registers are still zero); a
// 64-bit hash needs no large-range correction. Relative standard error
// 1.04/√m (0.81 % at p = 14).

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace perfgate::workloads::sketches {

class HyperLogLog {
 public:
  // 4 <= precision <= 18.
  explicit HyperLogLog(unsigned precision);

  void add(std::uint64_t hash) {
    const std::uint64_t index = hash >> (64 - precision_);
    // The sentinel bit bounds the rank at 64 - p + 1 when the rest is zero.
    const std::uint64_t rest = (hash << precision_) | (std::uint64_t{1} << (precision_ - 1));
    const auto rank = static_cast<std::uint8_t>(std::countl_zero(rest) + 1);
    registers_[index] = std::max(registers_[index], rank);
  }

  double estimate() const;
  // 1.04 / sqrt(m): the relative standard error the estimate is quoted with.
  double standard_error() const;
  unsigned precision() const { return precision_; }
  std::size_t register_count() const { return registers_.size(); }
  // Register-wise max: the sketch of the union of both streams.
  void merge(const HyperLogLog& other);

 private:
  unsigned precision_;
  std::vector<std::uint8_t> registers_;
};

}  // namespace perfgate::workloads::sketches
