// Flame graph rendering at scale (issue 5 target: a profile with 100 000
// unique stacks renders in <= 1 s to a file of bounded size). Figures, not
// tests: run
//   build/tests/benchmarks/flamegraph_bench
// and read the time and the svg_bytes / frames counters (docs/benchmarks.md).
//   BM_RenderFlamegraph/P    render_flamegraph of the synthetic profile, min width P/1000 %
//   BM_ParseAndRender        what `perfgate flamegraph x.folded` does: parse folded text + render
//   BM_RenderDiff            render_diff_flamegraph of two such profiles
// The synthetic profile: 100 000 unique stacks 6-17 frames deep; each level
// picks among a few functions with a skew (so some frames are wide, most are
// narrow, as in real profiles) and every stack ends in its own leaf.

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "profiler/folded.h"
#include "reporters/diff_flamegraph.h"
#include "reporters/flamegraph.h"

namespace perfgate::reporters {
namespace {

constexpr int kStacks = 100'000;

profiler::Profile synthetic(std::uint64_t seed) {
  profiler::Profile p;
  std::mt19937_64 rng(seed);
  std::vector<std::vector<std::uint32_t>> level_frames(16);
  for (int d = 0; d < 16; ++d)
    for (int j = 0; j < 8; ++j)
      level_frames[d].push_back(
          p.intern({.function = fmt::format("ns{}::component_{}::function_{}", d, j, j * 7 + d)}));
  // Skewed pick: choice j with weight ~ 1 / 2^j.
  std::geometric_distribution<int> skew(0.5);
  std::uniform_int_distribution<int> depth(5, 16);
  std::uniform_int_distribution<std::uint64_t> count(1, 100);
  std::vector<std::uint32_t> stack;
  for (int i = 0; i < kStacks; ++i) {
    stack.clear();
    const int n = depth(rng);
    for (int d = 0; d < n; ++d) stack.push_back(level_frames[d][std::min(skew(rng), 7)]);
    // Its own leaf makes every stack unique.
    stack.push_back(p.intern({.function = fmt::format("leaf_function_{}", i)}));
    p.add(stack, count(rng));
  }
  return p;
}

const profiler::Profile& base_profile() {
  static const profiler::Profile p = synthetic(1);
  return p;
}

std::size_t frames_in(const std::string& svg) {
  std::size_t n = 0;
  for (auto pos = svg.find("<g class=\"fr"); pos != std::string::npos;
       pos = svg.find("<g class=\"fr", pos + 1))
    ++n;
  return n;
}

void BM_RenderFlamegraph(benchmark::State& state) {
  const auto& p = base_profile();
  const FlameGraphOptions options{.min_width_percent =
                                      static_cast<double>(state.range(0)) / 1000.0};
  std::string svg;
  for (auto _ : state) {
    svg = render_flamegraph(p, options);
    benchmark::DoNotOptimize(svg.data());
  }
  state.counters["stacks"] = static_cast<double>(p.stacks().size());
  state.counters["svg_bytes"] = static_cast<double>(svg.size());
  state.counters["frames"] = static_cast<double>(frames_in(svg));
}
BENCHMARK(BM_RenderFlamegraph)
    ->Arg(100)
    ->Arg(10)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();

void BM_ParseAndRender(benchmark::State& state) {
  const std::string folded = profiler::to_folded(base_profile());
  std::string svg;
  for (auto _ : state) {
    auto p = profiler::parse_folded(folded);
    if (!p) return state.SkipWithError(p.error().c_str());
    svg = render_flamegraph(*p);
    benchmark::DoNotOptimize(svg.data());
  }
  state.counters["folded_bytes"] = static_cast<double>(folded.size());
  state.counters["svg_bytes"] = static_cast<double>(svg.size());
}
BENCHMARK(BM_ParseAndRender)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

void BM_RenderDiff(benchmark::State& state) {
  static const profiler::Profile head = synthetic(2);
  DiffFlameGraph diff;
  for (auto _ : state) {
    diff = render_diff_flamegraph(base_profile(), head);
    benchmark::DoNotOptimize(diff.svg.data());
  }
  state.counters["svg_bytes"] = static_cast<double>(diff.svg.size());
  state.counters["vanished"] = static_cast<double>(diff.vanished.size());
}
BENCHMARK(BM_RenderDiff)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

}  // namespace
}  // namespace perfgate::reporters

BENCHMARK_MAIN();
