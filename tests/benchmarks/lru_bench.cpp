// LRU cache throughput (issue target: >= 10 M get/put operations per second
// single-threaded for the clean variant; sha256-key measurably slower).
// Figures, not tests: run
//   build/tests/benchmarks/lru_bench
// and read items_per_second. Keys follow the workload's Zipf 0.99 popularity
// over 32768 contents at capacity 4096, so gets hit and miss and puts evict as
// in the workload.
//   BM_LruGetPut       the cache alone: get, and put on a miss (pre-hashed keys)
//   BM_RequestServe    one request as the workload times it: hash 64-256 B of
//                      content + get/put, per key hash and eviction variant

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "workloads/harness/rng.h"
#include "workloads/harness/zipf.h"
#include "workloads/lru/request_cache.h"

namespace perfgate::workloads::lru {
namespace {

constexpr std::size_t kCapacity = 4096;
constexpr std::uint64_t kContents = 32768;
constexpr std::size_t kRequests = 1 << 20;

struct Inputs {
  std::vector<std::string> contents;
  std::vector<std::uint64_t> keys;      // XXH3 of contents
  std::vector<std::uint32_t> requests;  // content ids, Zipf 0.99
};

const Inputs& inputs() {
  static const Inputs in = [] {
    Inputs r;
    harness::Rng rng(7);
    for (std::uint64_t id = 0; id < kContents; ++id) {
      std::string s = "POST /v1/query?id=" + std::to_string(id) + " ";
      const std::size_t bytes = 64 + rng.below(193);
      while (s.size() < bytes) s.push_back(static_cast<char>(' ' + rng.below(95)));
      r.keys.push_back(cache_key(s, KeyHash::xxh3));
      r.contents.push_back(std::move(s));
    }
    const harness::Zipf zipf(kContents, 0.99);
    for (std::size_t i = 0; i < kRequests; ++i) r.requests.push_back(static_cast<std::uint32_t>(zipf(rng)));
    return r;
  }();
  return in;
}

void BM_LruGetPut(benchmark::State& state) {
  const Inputs& in = inputs();
  auto cache = LruCache<Response>::create(kCapacity);
  if (!cache) return state.SkipWithError(cache.error().c_str());
  std::size_t i = 0, ops = 0, hits = 0;
  for (auto _ : state) {
    const std::uint32_t id = in.requests[i++ & (kRequests - 1)];
    const std::uint64_t key = in.keys[id];
    if (Response* r = cache->get(key)) {
      benchmark::DoNotOptimize(r);
      ++hits;
    } else {
      benchmark::DoNotOptimize(cache->put(key, Response{.body_id = id, .body_bytes = 1}));
    }
    ++ops;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(ops));
  state.counters["hit_ratio"] = static_cast<double>(hits) / static_cast<double>(ops);
}
BENCHMARK(BM_LruGetPut);

// arg 0: 0 = xxh3, 1 = sha256; arg 1: 0 = list tail, 1 = linear scan
void BM_RequestServe(benchmark::State& state) {
  const Inputs& in = inputs();
  RequestCacheConfig config;
  config.capacity = kCapacity;
  config.key_hash = state.range(0) == 0 ? KeyHash::xxh3 : KeyHash::sha256;
  config.eviction = state.range(1) == 0 ? Eviction::list_tail : Eviction::linear_scan;
  auto cache = RequestCache::create(config);
  if (!cache) return state.SkipWithError(cache.error().c_str());
  std::size_t i = 0, ops = 0;
  for (auto _ : state) {
    const std::uint32_t id = in.requests[i++ & (kRequests - 1)];
    benchmark::DoNotOptimize(cache->serve(in.contents[id], Response{.body_id = id, .body_bytes = 1}));
    ++ops;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(ops));
  state.SetLabel(std::string(state.range(0) == 0 ? "xxh3" : "sha256-key") +
                 (state.range(1) == 0 ? "" : " linear-evict"));
}
BENCHMARK(BM_RequestServe)->Args({0, 0})->Args({1, 0})->Args({0, 1});

}  // namespace
}  // namespace perfgate::workloads::lru

BENCHMARK_MAIN();
