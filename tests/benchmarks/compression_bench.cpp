// Compression throughput and ratio on the bundled log corpus (DESIGN §5
// target: >= 100 MB/s at >= 3:1). Figures, not tests: run
//   build/tests/benchmarks/compression_bench
// and read bytes_per_second and the ratio counter. The batch-size sweep shows
// where seed 001's cost rule starts sending batches to the pool.

#include <benchmark/benchmark.h>

#include <vector>

#include "workloads/compression/chunked_compressor.h"
#include "workloads/compression/log_corpus.h"

namespace perfgate::workloads::compression {
namespace {

const LogCorpus& corpus() {
  static const LogCorpus c = LogCorpus::generate(1, 8 * 1024 * 1024);
  return c;
}

ChunkedCompressor make(std::size_t chunk, ParallelMode mode) {
  auto c = ChunkedCompressor::create(CompressorConfig{.chunk_size_bytes = chunk, .mode = mode},
                                     ParallelCostModel{});
  if (!c) std::abort();
  if (!c->calibrate(corpus().bytes().first(1024 * 1024))) std::abort();
  return std::move(*c);
}

// args: batch bytes, chunk bytes, 1 = cost rule / 0 = never parallel
void BM_Compress(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  auto c = make(static_cast<std::size_t>(state.range(1)),
                state.range(2) != 0 ? ParallelMode::cost_rule : ParallelMode::never);
  std::vector<std::byte> out;
  std::size_t offset = 0, in_bytes = 0, out_bytes = 0, parallel = 0;
  for (auto _ : state) {
    if (offset + batch > corpus().size_bytes()) offset = 0;
    auto s = c.compress(corpus().bytes().subspan(offset, batch), out);
    if (!s) {
      state.SkipWithError(s.error().c_str());
      return;
    }
    offset += batch;
    in_bytes += s->input_bytes;
    out_bytes += s->output_bytes;
    parallel += s->parallel ? 1 : 0;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(in_bytes));
  state.counters["ratio"] = static_cast<double>(in_bytes) / static_cast<double>(out_bytes);
  state.counters["parallel_share"] = static_cast<double>(parallel) /
                                     static_cast<double>(state.iterations());
  state.counters["break_even_KiB"] = c.cost_model().break_even_bytes() / 1024.0;
}

// The DESIGN target, on 1 MiB batches: clean, serial, small chunks.
BENCHMARK(BM_Compress)
    ->ArgNames({"batch", "chunk", "cost_rule"})
    ->Args({1 << 20, 64 << 10, 1})
    ->Args({1 << 20, 64 << 10, 0})
    ->Args({1 << 20, 4 << 10, 1})
    ->UseRealTime();
// Batch-size sweep with 64 KiB chunks: below two chunks the rule stays serial.
BENCHMARK(BM_Compress)
    ->ArgNames({"batch", "chunk", "cost_rule"})
    ->ArgsProduct({{4 << 10, 64 << 10, 128 << 10, 256 << 10}, {64 << 10}, {0, 1}})
    ->UseRealTime();

}  // namespace
}  // namespace perfgate::workloads::compression

BENCHMARK_MAIN();
