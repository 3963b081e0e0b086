#include "gate/machine_noise.h"

#include <algorithm>
#include <map>
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

std::vector<double> slice_medians(std::span<const double> samples) {
  const std::size_t n = samples.size();
  std::vector<double> out;
  if (n < kSlices * kMinSliceSamples) return out;
  std::vector<double> slice;
  for (std::size_t j = 0; j < kSlices; ++j) {
    slice.assign(samples.begin() + static_cast<std::ptrdiff_t>(j * n / kSlices),
                 samples.begin() + static_cast<std::ptrdiff_t>((j + 1) * n / kSlices));
    out.push_back(median_of(slice));
  }
  return out;
}

std::optional<double> slow_slice_percent(const BenchmarkResult& b) {
  std::vector<std::vector<double>> medians;  // per repetition, per slice
  for (const Repetition& r : b.repetitions) {
    auto m = r.slice_medians.size() == kSlices ? r.slice_medians : slice_medians(r.samples);
    if (!m.empty()) medians.push_back(std::move(m));
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

std::optional<double> interrupted_sample_percent(const BenchmarkResult& b) {
  // Repetitions of one benchmark normally all hold the same count; one that
  // does not (a different --ops) cannot be lined up with the others.
  std::map<std::size_t, std::size_t> sizes;
  for (const Repetition& r : b.repetitions)
    if (r.samples.size() >= kSlices * kMinSliceSamples) ++sizes[r.samples.size()];
  if (sizes.empty()) return std::nullopt;
  const auto [n, count] = *std::ranges::max_element(sizes, {}, [](const auto& kv) { return kv.second; });
  if (count < kMinRepetitions) return std::nullopt;
  std::vector<const std::vector<double>*> reps;
  for (const Repetition& r : b.repetitions)
    if (r.samples.size() == n) reps.push_back(&r.samples);
  std::size_t interrupted = 0;
  std::vector<double> across(reps.size());
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < reps.size(); ++k) across[k] = (*reps[k])[i];
    const double typical = median_of(across);
    for (const auto* s : reps) interrupted += (*s)[i] >= kInterruptedFactor * typical ? 1 : 0;
  }
  return 100.0 * double(interrupted) / double(n * reps.size());
}

}  // namespace perfgate::gate
