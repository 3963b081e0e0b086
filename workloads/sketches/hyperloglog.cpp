#include "workloads/sketches/hyperloglog.h"

#include <cassert>
#include <cmath>

namespace perfgate::workloads::sketches {

HyperLogLog::HyperLogLog(unsigned precision)
    : precision_(precision), registers_(std::size_t{1} << precision, 0) {
  assert(precision >= 4 && precision <= 18);
}

double HyperLogLog::estimate() const {
  const double m = static_cast<double>(registers_.size());
  // alpha_m corrects the harmonic mean's multiplicative bias (paper, Fig. 3).
  const double alpha = registers_.size() == 16   ? 0.673
                       : registers_.size() == 32 ? 0.697
                       : registers_.size() == 64 ? 0.709
                                                 : 0.7213 / (1.0 + 1.079 / m);
  double sum = 0.0;
  std::size_t zeros = 0;
  for (std::uint8_t r : registers_) {
    sum += std::ldexp(1.0, -static_cast<int>(r));
    zeros += r == 0 ? 1 : 0;
  }
  const double raw = alpha * m * m / sum;
  if (raw <= 2.5 * m && zeros > 0) return m * std::log(m / static_cast<double>(zeros));
  return raw;
}

double HyperLogLog::standard_error() const {
  return 1.04 / std::sqrt(static_cast<double>(registers_.size()));
}

void HyperLogLog::merge(const HyperLogLog& other) {
  assert(other.precision_ == precision_);
  for (std::size_t i = 0; i < registers_.size(); ++i)
    registers_[i] = std::max(registers_[i], other.registers_[i]);
}

}  // namespace perfgate::workloads::sketches
