// A real Google Benchmark binary for perfgate's gbench import and runner tests.
#include <benchmark/benchmark.h>

#include <numeric>
#include <vector>

static void BM_Sum(benchmark::State& state) {
  std::vector<int> v(static_cast<std::size_t>(state.range(0)), 1);
  for (auto _ : state) benchmark::DoNotOptimize(std::accumulate(v.begin(), v.end(), 0));
}
BENCHMARK(BM_Sum)->Arg(64)->Arg(4096);

static void BM_Fails(benchmark::State& state) {
  for (auto _ : state) state.SkipWithError("deliberate failure");
}
BENCHMARK(BM_Fails);

BENCHMARK_MAIN();
