#include "gate/validation.h"

#include <algorithm>
#include <numeric>
#include <span>

#include "workloads/harness/rng.h"

namespace perfgate::gate {
namespace {

// k distinct indices of [0, n) (partial Fisher–Yates).
std::vector<std::size_t> draw(std::size_t n, std::size_t k, workloads::harness::Rng& rng) {
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  for (std::size_t i = 0; i < k; ++i) std::swap(idx[i], idx[i + rng.below(n - i)]);
  idx.resize(k);
  return idx;
}

BenchmarkResult subset(const BenchmarkResult& pool, std::span<const std::size_t> idx) {
  BenchmarkResult b = pool;
  b.name = "validation";
  b.repetitions.clear();
  for (std::size_t i : idx) b.repetitions.push_back(pool.repetitions[i]);
  for (std::size_t j = 0; j < b.repetitions.size(); ++j) b.repetitions[j].index = j;
  return b;
}

// The gate's verdict on the chosen repetitions of each pool.
std::expected<GateReport, Error> compare_subsets(const BenchmarkResult& base_pool, std::span<const std::size_t> base_idx,
                                                 const BenchmarkResult& head_pool, std::span<const std::size_t> head_idx,
                                                 const CompareOptions& options) {
  Results b, h;
  b.benchmarks = {subset(base_pool, base_idx)};
  h.benchmarks = {subset(head_pool, head_idx)};
  return compare_results(b, h, options);
}

// See ValidationRow::pool_estimate.
std::optional<RatioEstimate> whole_pools(const BenchmarkResult& base_pool, const BenchmarkResult& head_pool,
                                         const ValidationOptions& o) {
  std::vector<std::size_t> base_idx, head_idx;
  if (&base_pool == &head_pool) {  // even against odd rounds
    for (std::size_t i = 0; i + 1 < base_pool.repetitions.size(); i += 2) {
      base_idx.push_back(i);
      head_idx.push_back(i + 1);
    }
  } else {
    base_idx.resize(base_pool.repetitions.size());
    head_idx.resize(head_pool.repetitions.size());
    std::iota(base_idx.begin(), base_idx.end(), 0);
    std::iota(head_idx.begin(), head_idx.end(), 0);
    if (o.paired) {  // rounds 0 … n − 1 of both
      const std::size_t n = std::min(base_idx.size(), head_idx.size());
      base_idx.resize(n);
      head_idx.resize(n);
    }
  }
  const auto report = compare_subsets(base_pool, base_idx, head_pool, head_idx,
                                      {.paired = o.paired, .method = o.method, .margin_fraction = o.margin_fraction});
  if (!report) return std::nullopt;
  const BenchmarkVerdict& v = report->benchmarks.front();
  if (v.verdict == Verdict::insufficient_samples || v.verdict == Verdict::failed) return std::nullopt;
  return v.estimate;
}

}  // namespace

ValidationRow validate_pair(const BenchmarkResult& base_pool, const BenchmarkResult& head_pool,
                            double injected_percent, const ValidationOptions& o) {
  ValidationRow row{.base_pool = base_pool.name, .head_pool = head_pool.name, .injected_percent = injected_percent};
  const bool same = &base_pool == &head_pool;
  const std::size_t k0 = o.repetitions_per_side;
  const std::size_t kmax = std::max<std::size_t>(k0, o.max_repetitions_per_side);
  if (same ? base_pool.repetitions.size() < 2 * kmax
           : base_pool.repetitions.size() < kmax || head_pool.repetitions.size() < kmax)
    return row;
  workloads::harness::Rng rng(o.seed);
  std::vector<double> ratios;
  double repetitions = 0;
  for (unsigned c = 0; c < o.comparisons; ++c) {
    // Every repetition this comparison may use is drawn up front; the first
    // k of each side are compared, then k + 2, ... while inconclusive.
    std::vector<std::size_t> base_idx, head_idx;
    if (same) {  // A/A: two disjoint halves of one draw
      const auto idx = draw(base_pool.repetitions.size(), 2 * kmax, rng);
      base_idx.assign(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(kmax));
      head_idx.assign(idx.begin() + static_cast<std::ptrdiff_t>(kmax), idx.end());
    } else if (o.paired) {  // A/B: both sides from the same rounds of the interleaved pools
      base_idx = draw(std::min(base_pool.repetitions.size(), head_pool.repetitions.size()), kmax, rng);
      head_idx = base_idx;
    } else {
      base_idx = draw(base_pool.repetitions.size(), kmax, rng);
      head_idx = draw(head_pool.repetitions.size(), kmax, rng);
    }
    std::expected<GateReport, Error> report = std::unexpected(Error::bad_input("no comparison"));
    std::size_t k = k0;
    for (;; k = std::min(kmax, k + 2)) {
      report = compare_subsets(base_pool, std::span(base_idx).first(k), head_pool, std::span(head_idx).first(k),
                               {.paired = o.paired, .method = o.method,
                                .looks = adaptive_looks(static_cast<unsigned>(k0), static_cast<unsigned>(kmax)),
                                .final_repetitions = kmax,
                                .margin_fraction = o.margin_fraction});
      if (!report || k == kmax || report->benchmarks.front().verdict != Verdict::inconclusive) break;
    }
    if (!report) continue;
    const BenchmarkVerdict& v = report->benchmarks.front();
    ++row.comparisons;
    repetitions += static_cast<double>(k);
    switch (v.verdict) {
      case Verdict::regression: ++row.regressions; break;
      case Verdict::pass: ++row.passes; break;
      case Verdict::improvement: ++row.improvements; break;
      case Verdict::inconclusive: ++row.inconclusive; break;
      default: ++row.insufficient; break;
    }
    if (v.verdict != Verdict::insufficient_samples && v.verdict != Verdict::failed) ratios.push_back(v.estimate.ratio);
  }
  if (row.comparisons > 0) row.mean_repetitions = repetitions / row.comparisons;
  if (!ratios.empty()) {
    std::ranges::nth_element(ratios, ratios.begin() + static_cast<std::ptrdiff_t>(ratios.size() / 2));
    row.median_ratio = ratios[ratios.size() / 2];
  }
  row.pool_estimate = whole_pools(base_pool, head_pool, o);
  return row;
}

bool meets_quality_bars(const ValidationRow& row) {
  if (row.comparisons == 0) return false;
  if (row.injected_percent == 0) return row.regression_rate() <= 0.01;
  if (row.injected_percent >= 15) return row.regression_rate() >= 0.95;
  if (row.injected_percent <= 5) return row.regressions == 0;
  return true;  // between 5 and 15 % the gate may go either way
}

}  // namespace perfgate::gate
