#include "gate/machine_noise.h"

#include <algorithm>
#include <map>
#include <unordered_map>
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

// The length (length_of(r); 0: the repetition has none) that the most
// repetitions share, when at least kMinRepetitions do. Repetitions of one
// benchmark normally all have the same; one that does not (a different
// --ops) cannot be lined up with the others, operation by operation.
template <class LengthOf>
std::optional<std::uint64_t> common_length(const BenchmarkResult& b, LengthOf length_of) {
  std::map<std::uint64_t, std::size_t> repetitions;  // length -> how many have it
  for (const Repetition& r : b.repetitions)
    if (const std::uint64_t n = length_of(r); n > 0) ++repetitions[n];
  if (repetitions.empty()) return std::nullopt;
  const auto [n, count] = *std::ranges::max_element(repetitions, {}, [](const auto& kv) { return kv.second; });
  if (count < kMinRepetitions) return std::nullopt;
  return n;
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
  const auto stored = [](const Repetition& r) -> std::uint64_t {
    return r.samples.size() >= kSlices * kMinSliceSamples ? r.samples.size() : 0;
  };
  const auto n = common_length(b, stored);
  if (!n) return std::nullopt;
  std::vector<const std::vector<double>*> reps;
  for (const Repetition& r : b.repetitions)
    if (stored(r) == *n) reps.push_back(&r.samples);
  std::size_t interrupted = 0;
  std::vector<double> across(reps.size());
  for (std::size_t i = 0; i < *n; ++i) {
    for (std::size_t k = 0; k < reps.size(); ++k) across[k] = (*reps[k])[i];
    const double typical = median_of(across);
    for (const auto* s : reps) interrupted += (*s)[i] >= kInterruptedFactor * typical ? 1 : 0;
  }
  return 100.0 * double(interrupted) / double(*n * reps.size());
}

std::vector<std::pair<std::uint64_t, double>> tail_samples(std::span<const double> samples, double p99) {
  std::vector<std::pair<std::uint64_t, double>> out;
  if (samples.size() < kSlices * kMinSliceSamples) return out;
  for (std::size_t i = 0; i < samples.size(); ++i)
    if (samples[i] >= p99) out.emplace_back(i, samples[i]);
  if (out.size() > kMaxTailSamples) {
    std::ranges::nth_element(out, out.begin() + kMaxTailSamples - 1, std::greater{},
                             &std::pair<std::uint64_t, double>::second);
    out.resize(kMaxTailSamples);
    std::ranges::sort(out);
  }
  return out;
}

std::optional<double> interrupted_tail_percent(const BenchmarkResult& b) {
  const auto operations = [](const Repetition& r) -> std::uint64_t { return r.tail.empty() ? 0 : r.stats.count; };
  const auto n = common_length(b, operations);
  if (!n) return std::nullopt;
  std::vector<const Repetition*> reps;
  std::vector<double> floor;  // per repetition: its smallest listed value
  for (const Repetition& r : b.repetitions)
    if (operations(r) == *n) {
      reps.push_back(&r);
      floor.push_back(std::ranges::min(r.tail, {}, &std::pair<std::uint64_t, double>::second).second);
    }
  // Operation index -> (repetition, value) of every listing.
  std::unordered_map<std::uint64_t, std::vector<std::pair<std::size_t, double>>> listed;
  for (std::size_t k = 0; k < reps.size(); ++k)
    for (const auto& [i, v] : reps[k]->tail) listed[i].emplace_back(k, v);
  std::size_t total = 0, interrupted = 0;
  std::vector<double> across;
  for (const auto& [i, entries] : listed) {
    across = floor;
    for (const auto& [k, v] : entries) across[k] = v;
    const double typical = median_of(across);
    for (const auto& [k, v] : entries) interrupted += v >= kInterruptedFactor * typical ? 1 : 0;
    total += entries.size();
  }
  return 100.0 * double(interrupted) / double(total);
}

}  // namespace perfgate::gate
