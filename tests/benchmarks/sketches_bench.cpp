// Sketch throughput (issue target: HyperLogLog add >= 100 M items/s).
// Figures, not tests: run
//   build/tests/benchmarks/sketches_bench
// and read items_per_second.
//   BM_HllAddHashed     register update only, pre-computed 64-bit hashes
//   BM_HllAdd           what a caller pays per item: XXH3 of an 8-byte item + add
//   BM_ItemHash         one XXH3-128 / SHA-256 of a 26-byte event key
//   BM_CountMinAdd      10000 x 5, pre-hashed
//   BM_BloomQuery       1 Mbit, k = 3, 100 000 members, pre-hashed
//   BM_MinHashSign      128 permutations over a 64-token document (items = tokens)
//   BM_Ingest           one timed workload operation (256 events + 1 document),
//                       per item hash; items = events

#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "workloads/harness/rng.h"
#include "workloads/sketches/stream_sketches.h"

namespace perfgate::workloads::sketches {
namespace {

constexpr std::size_t kItems = 1 << 16;

const std::vector<std::uint64_t>& hashes() {
  static const std::vector<std::uint64_t> v = [] {
    std::vector<std::uint64_t> r(kItems);
    harness::Rng rng(3);
    for (auto& x : r) x = rng.next();
    return r;
  }();
  return v;
}

const std::vector<std::string>& keys() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> r;
    harness::Rng rng(5);
    for (std::size_t i = 0; i < kItems; ++i) {
      const auto id = static_cast<std::uint32_t>(rng.below(1 << 20));
      r.push_back(fmt::format("tenant-{:02}/user-{:08x}/v1", id % 61, id));
    }
    return r;
  }();
  return v;
}

void BM_HllAddHashed(benchmark::State& state) {
  HyperLogLog hll(14);
  const auto& h = hashes();
  for (auto _ : state)
    for (std::uint64_t x : h) hll.add(x);
  benchmark::DoNotOptimize(hll.estimate());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * h.size()));
}
BENCHMARK(BM_HllAddHashed);

void BM_HllAdd(benchmark::State& state) {
  HyperLogLog hll(14);
  std::uint64_t item = 0;
  for (auto _ : state)
    for (std::size_t i = 0; i < kItems; ++i, ++item)
      hll.add(hash_item(std::string_view(reinterpret_cast<const char*>(&item), sizeof item), ItemHash::xxh3).h1);
  benchmark::DoNotOptimize(hll.estimate());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kItems));
}
BENCHMARK(BM_HllAdd);

void BM_ItemHash(benchmark::State& state) {
  const auto hash = state.range(0) ? ItemHash::sha256 : ItemHash::xxh3;
  state.SetLabel(state.range(0) ? "sha256" : "xxh3");
  const auto& k = keys();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(hash_item(k[i++ & (kItems - 1)], hash));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ItemHash)->Arg(0)->Arg(1);

void BM_CountMinAdd(benchmark::State& state) {
  CountMinSketch cms(10'000, 5);
  const auto& h = hashes();
  for (auto _ : state)
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) cms.add(Hash128{.h1 = h[i], .h2 = h[i + 1]});
  benchmark::DoNotOptimize(cms.total());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * h.size() / 2));
}
BENCHMARK(BM_CountMinAdd);

void BM_BloomQuery(benchmark::State& state) {
  BloomFilter bloom(1 << 20, 3);
  harness::Rng rng(9);
  for (int i = 0; i < 100'000; ++i) bloom.insert(Hash128{.h1 = rng.next(), .h2 = rng.next()});
  const auto& h = hashes();
  std::size_t hits = 0;
  for (auto _ : state)
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) hits += bloom.may_contain(Hash128{.h1 = h[i], .h2 = h[i + 1]});
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * h.size() / 2));
}
BENCHMARK(BM_BloomQuery);

void BM_MinHashSign(benchmark::State& state) {
  const MinHasher m(128, 1);
  std::vector<std::uint32_t> sig(128);
  const std::span<const std::uint64_t> doc(hashes().data(), 64);
  for (auto _ : state) {
    m.sign(doc, sig);
    benchmark::DoNotOptimize(sig.data());
  }
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(BM_MinHashSign);

void BM_Ingest(benchmark::State& state) {
  StreamSketchesConfig config;
  config.hash = state.range(0) ? ItemHash::sha256 : ItemHash::xxh3;
  state.SetLabel(state.range(0) ? "sha256-hash" : "xxh3");
  StreamSketches s(config);
  harness::Rng rng(11);
  for (int i = 0; i < 100'000; ++i) s.deny(keys()[rng.below(kItems)]);
  std::vector<std::string_view> events(256);
  std::vector<std::uint64_t> doc(64);
  BatchResult r;
  std::uint32_t id = 0;
  for (auto _ : state) {
    for (auto& e : events) e = keys()[rng.below(kItems)];
    for (auto& t : doc) t = rng.next();
    s.ingest(events, doc, id++, r);
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(BM_Ingest)->Arg(0)->Arg(1)->Iterations(20'000);

}  // namespace
}  // namespace perfgate::workloads::sketches

BENCHMARK_MAIN();
