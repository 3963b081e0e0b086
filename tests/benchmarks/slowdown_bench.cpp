// How exact `--slowdown PCT` is (harness::SlowdownScope): fixed work of three
// sizes (~0.3, ~2.7 and ~27 µs here) with 0, 5, 15 and 30 % injected. The
// ratio of each time to its 0 % time should be 1 + PCT/100; what is left over
// is the scope's own cost (its TSC reads), which matters only for short scopes
// — why the lru workload times batches of 32 requests, not single ones.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "workloads/harness/slowdown.h"

namespace {

using perfgate::workloads::harness::Slowdown;
using perfgate::workloads::harness::SlowdownScope;

[[gnu::noinline]] std::uint64_t work(const Slowdown& s, std::int64_t steps) {
  const SlowdownScope scope(s);
  std::uint64_t x = 1;
  for (std::int64_t i = 0; i < steps; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  return x;
}

void BM_SlowdownScope(benchmark::State& state) {
  const std::int64_t steps = state.range(0);
  const Slowdown s(static_cast<double>(state.range(1)));
  for (auto _ : state) benchmark::DoNotOptimize(work(s, steps));
  state.SetLabel("steps=" + std::to_string(steps) + " slowdown=" + std::to_string(state.range(1)) + "%");
}
BENCHMARK(BM_SlowdownScope)->ArgsProduct({{200, 2000, 20000}, {0, 5, 15, 30}});

}  // namespace

BENCHMARK_MAIN();
