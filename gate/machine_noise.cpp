#include "gate/machine_noise.h"

#include <algorithm>
#include <vector>

namespace perfgate::gate {
namespace {

// Median of v (v is reordered).
double median_of(std::vector<double>& v) {
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  return (*mid + *std::max_element(v.begin(), mid)) / 2;
}

}  // namespace

std::optional<double> slow_slice_percent(const BenchmarkResult& b) {
  std::vector<std::vector<double>> medians;  // per repetition, per slice
  std::vector<double> slice;
  for (const Repetition& r : b.repetitions) {
    const std::size_t n = r.samples.size();
    if (n < kSlices * kMinSliceSamples) continue;
    auto& m = medians.emplace_back();
    for (std::size_t j = 0; j < kSlices; ++j) {
      slice.assign(r.samples.begin() + static_cast<std::ptrdiff_t>(j * n / kSlices),
                   r.samples.begin() + static_cast<std::ptrdiff_t>((j + 1) * n / kSlices));
      m.push_back(median_of(slice));
    }
  }
  if (medians.size() < kMinRepetitions) return std::nullopt;
  std::size_t slow = 0;
  std::vector<double> across;
  for (std::size_t j = 0; j < kSlices; ++j) {
    across.clear();
    for (const auto& m : medians) across.push_back(m[j]);
    const double typical = median_of(across);
    for (const auto& m : medians) slow += m[j] > kSlowFactor * typical ? 1 : 0;
  }
  return 100.0 * double(slow) / double(medians.size() * kSlices);
}

}  // namespace perfgate::gate
