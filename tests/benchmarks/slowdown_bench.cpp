// How exact `--slowdown PCT` is (harness::SlowdownScope): fixed work of four
// sizes (~0.25, ~0.7, ~2.2 and ~22 µs here) with 5, 15 and 30 % injected.
//
// Each benchmark times the same work with and without the slowdown, in a
// random order within one run, so that a drift of the shared machine hits
// both alike. Each call is timed by fenced TSC reads. The VM's TSC advances in
// steps of ~10 ns, so one call's time is coarse and the figures are means over
// the fastest 90 % of calls, not medians.
//   ratio   slowed time / clean time; should be 1 + PCT/100
//   excess  slowed − clean·(1 + PCT/100), in ns: what the scope adds beyond the
//           nominal, which matters only for short scopes (why the lru workload
//           times batches of 32 requests, not single ones)
#include <benchmark/benchmark.h>
#include <x86intrin.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "workloads/harness/clock.h"
#include "workloads/harness/rng.h"
#include "workloads/harness/slowdown.h"

namespace {

using perfgate::workloads::harness::now_ns;
using perfgate::workloads::harness::Rng;
using perfgate::workloads::harness::Slowdown;
using perfgate::workloads::harness::SlowdownScope;

[[gnu::noinline]] std::uint64_t work(const Slowdown& s, std::int64_t steps) {
  const SlowdownScope scope(s);
  std::uint64_t x = 1;
  for (std::int64_t i = 0; i < steps; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  return x;
}

// A TSC read that neither starts before the code ahead of it has finished nor
// lets the code after it start early.
std::uint64_t fenced_tsc() {
  unsigned aux = 0;
  _mm_lfence();
  const std::uint64_t t = __rdtscp(&aux);
  _mm_lfence();
  return t;
}

double mean_of_fastest_90_percent(std::vector<double>& ticks) {
  std::sort(ticks.begin(), ticks.end());
  const std::size_t kept = std::max<std::size_t>(1, ticks.size() * 9 / 10);
  double sum = 0.0;
  for (std::size_t i = 0; i < kept; ++i) sum += ticks[i];
  return sum / static_cast<double>(kept);
}

// The TSC's rate, from 20 ms of the monotonic clock.
double tsc_ticks_per_ns() {
  const std::int64_t start = now_ns();
  const std::uint64_t t0 = fenced_tsc();
  std::int64_t elapsed = 0;
  while ((elapsed = now_ns() - start) < 20'000'000) {
  }
  return static_cast<double>(fenced_tsc() - t0) / static_cast<double>(elapsed);
}

void BM_SlowdownScope(benchmark::State& state) {
  const std::int64_t steps = state.range(0);
  const double percent = static_cast<double>(state.range(1));
  const Slowdown clean, slowed(percent);
  Rng rng(0x736c6f77ULL ^ static_cast<std::uint64_t>(steps * 100 + state.range(1)));
  std::vector<double> clean_ticks, slowed_ticks;
  std::uint64_t sink = 0;
  for (auto _ : state) {
    const bool slow = rng.below(2) == 1;
    const std::uint64_t t0 = fenced_tsc();
    sink += work(slow ? slowed : clean, steps);
    const std::uint64_t t1 = fenced_tsc();
    (slow ? slowed_ticks : clean_ticks).push_back(static_cast<double>(t1 - t0));
  }
  benchmark::DoNotOptimize(sink);
  if (clean_ticks.empty() || slowed_ticks.empty()) return;
  const double c = mean_of_fastest_90_percent(clean_ticks);
  const double s = mean_of_fastest_90_percent(slowed_ticks);
  static const double ticks_per_ns = tsc_ticks_per_ns();
  state.counters["ratio"] = s / c;
  state.counters["excess_ns"] = (s - c * (1.0 + percent / 100.0)) / ticks_per_ns;
  state.counters["clean_ns"] = c / ticks_per_ns;
}
BENCHMARK(BM_SlowdownScope)->ArgsProduct({{200, 600, 2000, 20000}, {5, 15, 30}})->MinTime(0.5);

}  // namespace

BENCHMARK_MAIN();
