// `perfgate compare` on a large suite (issue target: 20 benchmarks × 10
// repetitions × 10 000 samples compared in <= 1 s). Figures, not tests: run
//   build/tests/benchmarks/compare_bench
// BM_CompareFiles does what `perfgate compare BASE HEAD` does after reading
// the files: parse both results files (every stored sample), decide, attach
// hotspots (no profiles here), render report.md and report.json. The two
// files are written once to /tmp so the whole command can be timed too:
//   time build/gate/perfgate compare /tmp/perfgate-compare-bench-{base,head}.json --out /tmp/cb

#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <fstream>
#include <string>

#include "gate/compare.h"
#include "gate/hotspots.h"
#include "gate/machine_noise.h"
#include "gate/results_json.h"
#include "gate/summary.h"
#include "reporters/json_report.h"
#include "reporters/markdown_report.h"
#include "workloads/harness/rng.h"

namespace perfgate::gate {
namespace {

constexpr int kBenchmarks = 20, kRepetitions = 10, kSamples = 10'000;

// Log-normal-ish latencies around 10 µs in whole ns; head is 12 % slower in every third benchmark.
Results make_results(bool head) {
  Results r;
  r.run.suite = "bench";
  r.run.started_at = "2026-11-22T07:00:00Z";
  workloads::harness::Rng rng(head ? 2 : 1);
  for (int b = 0; b < kBenchmarks; ++b) {
    BenchmarkResult br;
    br.name = "bench/" + std::to_string(b);
    br.source.kind = "workload";
    br.source.workload = "lru";
    const double scale = head && b % 3 == 0 ? 1.12 : 1.0;
    std::vector<double> all;
    for (int rep = 0; rep < kRepetitions; ++rep) {
      Repetition rp;
      rp.index = static_cast<std::uint64_t>(rep);
      for (int i = 0; i < kSamples; ++i)
        // Whole nanoseconds, as the workloads' clocks give them.
        rp.samples.push_back(std::round(scale * 10'000 * std::exp(0.3 * (rng.uniform() + rng.uniform() + rng.uniform() - 1.5))));
      rp.stats = summarize(rp.samples, 0.1);
      rp.slice_medians = slice_medians(rp.samples);  // as the runner stores them
      rp.tail = tail_samples(rp.samples, rp.stats.p99);
      all.insert(all.end(), rp.samples.begin(), rp.samples.end());
      br.repetitions.push_back(std::move(rp));
    }
    br.stats = summarize(all, 1.0);
    r.benchmarks.push_back(std::move(br));
  }
  return r;
}

const std::pair<std::string, std::string>& files() {
  static const auto f = [] {
    std::pair<std::string, std::string> p{results_to_json(make_results(false)), results_to_json(make_results(true))};
    std::ofstream("/tmp/perfgate-compare-bench-base.json") << p.first;
    std::ofstream("/tmp/perfgate-compare-bench-head.json") << p.second;
    return p;
  }();
  return f;
}

void BM_CompareFiles(benchmark::State& state) {
  const auto& [base_text, head_text] = files();
  std::size_t regressions = 0;
  for (auto _ : state) {
    auto base = results_from_json(base_text, "base", SampleReading::skip);
    auto head = results_from_json(head_text, "head", SampleReading::skip);
    if (!base) return state.SkipWithError(base.error().message.c_str());
    if (!head) return state.SkipWithError(head.error().message.c_str());
    auto report = compare_results(*base, *head, CompareOptions{});
    if (!report) return state.SkipWithError(report.error().message.c_str());
    attach_hotspots(*report, *base, "/nonexistent", *head, "/nonexistent");
    benchmark::DoNotOptimize(reporters::render_markdown_report(*report));
    benchmark::DoNotOptimize(reporters::render_json_report(*report));
    regressions = static_cast<std::size_t>(
        std::ranges::count_if(report->benchmarks, [](const auto& v) { return v.verdict == Verdict::regression; }));
  }
  state.counters["regressions"] = static_cast<double>(regressions);
  state.counters["file_MB"] = static_cast<double>(base_text.size() + head_text.size()) / 1e6;
}
BENCHMARK(BM_CompareFiles)->Unit(benchmark::kMillisecond);

// The decision alone, by each method (arg: Method; 0 t, 1 permutation, 2 rank, 3 trimmed).
void BM_CompareOnly(benchmark::State& state) {
  const auto base = *results_from_json(files().first, "base");
  const auto head = *results_from_json(files().second, "head");
  const auto method = static_cast<Method>(state.range(0));
  state.SetLabel(std::string(to_string(method)));
  for (auto _ : state) benchmark::DoNotOptimize(compare_results(base, head, CompareOptions{.method = method}));
}
BENCHMARK(BM_CompareOnly)->Arg(0)->Arg(1)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond);

// The decision at the first look of an adaptive `check` (7 repetitions a
// side, the cap 31: 14 looks), by each method, against the same comparison
// with no adaptive looks. At an interim look baseline mode's trimmed, t and
// rank also need the exact permutation test (C(14, 7) = 3 432 relabellings,
// every one counted); the permutation method counts them for its p-values
// and its interval. Args: Method, adaptive (0/1).
void BM_CompareFirstLook(benchmark::State& state) {
  auto first7 = [](Results r) {
    for (auto& b : r.benchmarks) b.repetitions.resize(7);
    return r;
  };
  const auto base = first7(*results_from_json(files().first, "base"));
  const auto head = first7(*results_from_json(files().second, "head"));
  const auto method = static_cast<Method>(state.range(0));
  const bool adaptive = state.range(1) != 0;
  CompareOptions options{.method = method};
  if (adaptive) {
    options.looks = adaptive_looks(5, 31);
    options.final_repetitions = 31;
  }
  state.SetLabel(fmt::format("{}, {}", to_string(method), adaptive ? "interim look" : "one look"));
  for (auto _ : state) benchmark::DoNotOptimize(compare_results(base, head, options));
}
BENCHMARK(BM_CompareFirstLook)
    ->ArgsProduct({{0, 1, 2, 3}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace perfgate::gate

BENCHMARK_MAIN();
