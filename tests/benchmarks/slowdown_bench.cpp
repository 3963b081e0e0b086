// How exact `--slowdown PCT` is (harness::SlowdownScope), with 5, 15 and 30 %
// injected into two kinds of work:
//   BM_SlowdownScope         a compute-bound loop of four sizes (~0.25, ~0.7,
//                            ~2.2 and ~22 µs here);
//   BM_SlowdownScopeLruBatch the lru workload's timed operation: a batch of 32
//                            requests (hash, look up, insert on a miss) on
//                            one 4096-entry cache, ~1.5 µs, memory-bound.
//
// Each benchmark times the same work with and without the slowdown, in a
// random order within one run, so that a drift of the shared machine hits
// both alike. Each call is timed by ordered TSC reads (harness::ordered_tsc).
// A TSC read takes ~10 ns on this VM, so one call's time is coarse and the
// figures are means over the fastest 90 % of calls, not medians.
//   ratio   slowed time / clean time; should be 1 + PCT/100
//   excess  slowed − clean·(1 + PCT/100), in ns: what the scope adds beyond the
//           nominal, which matters only for short scopes (why the lru workload
//           times batches of 32 requests, not single ones)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "workloads/harness/clock.h"
#include "workloads/harness/rng.h"
#include "workloads/harness/slowdown.h"
#include "workloads/harness/zipf.h"
#include "workloads/lru/request_cache.h"

namespace {

using perfgate::workloads::harness::now_ns;
using perfgate::workloads::harness::ordered_tsc;
using perfgate::workloads::harness::Rng;
using perfgate::workloads::harness::Slowdown;
using perfgate::workloads::harness::SlowdownScope;
using perfgate::workloads::harness::Zipf;
namespace lru = perfgate::workloads::lru;

[[gnu::noinline]] std::uint64_t work(const Slowdown& s, std::int64_t steps) {
  const SlowdownScope scope(s);
  std::uint64_t x = 1;
  for (std::int64_t i = 0; i < steps; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  return x;
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
  const std::uint64_t t0 = ordered_tsc();
  std::int64_t elapsed = 0;
  while ((elapsed = now_ns() - start) < 20'000'000) {
  }
  return static_cast<double>(ordered_tsc() - t0) / static_cast<double>(elapsed);
}

// Times call(slowdown) clean and slowed by `percent`, in a random order, after
// an untimed prepare() each time, and sets the benchmark's counters.
template <typename Prepare, typename Call>
void time_clean_and_slowed(benchmark::State& state, double percent, Rng& rng, Prepare prepare, Call call) {
  const Slowdown clean, slowed(percent);
  std::vector<double> clean_ticks, slowed_ticks;
  for (auto _ : state) {
    const bool slow = rng.below(2) == 1;
    prepare();
    const std::uint64_t t0 = ordered_tsc();
    call(slow ? slowed : clean);
    const std::uint64_t t1 = ordered_tsc();
    (slow ? slowed_ticks : clean_ticks).push_back(static_cast<double>(t1 - t0));
  }
  if (clean_ticks.empty() || slowed_ticks.empty()) return;
  const double c = mean_of_fastest_90_percent(clean_ticks);
  const double s = mean_of_fastest_90_percent(slowed_ticks);
  static const double ticks_per_ns = tsc_ticks_per_ns();
  state.counters["ratio"] = s / c;
  state.counters["excess_ns"] = (s - c * (1.0 + percent / 100.0)) / ticks_per_ns;
  state.counters["clean_ns"] = c / ticks_per_ns;
}

void BM_SlowdownScope(benchmark::State& state) {
  const std::int64_t steps = state.range(0);
  Rng rng(0x736c6f77ULL ^ static_cast<std::uint64_t>(steps * 100 + state.range(1)));
  std::uint64_t sink = 0;
  time_clean_and_slowed(
      state, static_cast<double>(state.range(1)), rng, [] {}, [&](const Slowdown& s) { sink += work(s, steps); });
  benchmark::DoNotOptimize(sink);
}
BENCHMARK(BM_SlowdownScope)->ArgsProduct({{200, 600, 2000, 20000}, {5, 15, 30}})->MinTime(0.5);

// RequestCache::serve_batch with the slowdown chosen per call, so that clean
// and slowed batches share one cache and its state.
[[gnu::noinline]] void serve_batch(const Slowdown& s, lru::RequestCache& cache, std::span<const lru::Request> batch,
                                   std::span<lru::ServeResult> results) {
  const SlowdownScope scope(s);
  for (std::size_t i = 0; i < batch.size(); ++i) results[i] = cache.serve(batch[i].content, batch[i].on_miss);
}

// The lru workload's shape (workloads/lru/lru_workload.cpp): 32 768 contents
// of 64-256 bytes, Zipf(0.99) popularity, a 4096-entry cache, batches of 32.
void BM_SlowdownScopeLruBatch(benchmark::State& state) {
  constexpr std::uint64_t kContents = 32768;
  Rng rng(0x6c7275ULL + static_cast<std::uint64_t>(state.range(0)));
  std::vector<std::string> contents(kContents);
  for (std::uint64_t id = 0; id < kContents; ++id) {
    contents[id].resize(64 + rng.below(193));
    for (char& c : contents[id]) c = static_cast<char>(' ' + rng.below(95));
  }
  auto cache = lru::RequestCache::create(lru::RequestCacheConfig{});
  if (!cache) {
    state.SkipWithError(cache.error().c_str());
    return;
  }
  const Zipf zipf(kContents, 0.99);
  std::vector<std::string> received(32);  // in cache, as off a socket (the workload does the same)
  std::vector<lru::Request> batch(32);
  std::vector<lru::ServeResult> results(32);
  const auto next_batch = [&] {
    for (std::size_t j = 0; j < batch.size(); ++j) {
      const std::uint64_t id = zipf(rng);
      received[j].assign(contents[id]);
      batch[j] = lru::Request{.content = received[j], .on_miss = lru::Response{.body_id = id, .body_bytes = 1}};
    }
  };
  time_clean_and_slowed(state, static_cast<double>(state.range(0)), rng, next_batch,
                        [&](const Slowdown& s) { serve_batch(s, *cache, batch, results); });
}
BENCHMARK(BM_SlowdownScopeLruBatch)->Arg(5)->Arg(15)->Arg(30)->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
