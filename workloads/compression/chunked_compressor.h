#pragma once
// Chunked zstd compression of one request batch: the input is cut into
// fixed-size chunks, each compressed as an independent zstd frame, and the
// frames are concatenated. The result is a standard zstd stream (any zstd
// decoder reads concatenated frames), and it is byte-identical whether the
// chunks ran sequentially or in parallel, because every chunk is compressed
// on its own with the same parameters.
//
// Chunks go to a WorkerPool only when ParallelCostModel says the batch is
// worth it (or never, in ParallelMode::never). One ZSTD_CCtx per pool lane is
// created once and reused for every chunk on that lane.
//
// Thread safety: one compress() at a time per compressor (it owns the pool's
// fork point and the per-lane contexts). decompress() is static and
// thread-safe.

#include <cstddef>
#include <expected>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "workloads/compression/parallel_cost_model.h"
#include "workloads/compression/worker_pool.h"
#include "workloads/harness/slowdown.h"

struct ZSTD_CCtx_s;

namespace perfgate::workloads::compression {

enum class ParallelMode {
  cost_rule,  // parallel when ParallelCostModel::worth_parallel
  never,      // always sequential on the calling thread
};

struct CompressorConfig {
  std::size_t chunk_size_bytes = 64 * 1024;
  int level = 1;  // zstd level; 1 is the fast level log shippers use
  std::size_t lanes = 2;
  ParallelMode mode = ParallelMode::cost_rule;
  harness::Slowdown slowdown;  // extra work in compress_chunk (--slowdown)
};

// What one compress() call did.
struct CompressStats {
  std::size_t input_bytes = 0;
  std::size_t output_bytes = 0;
  std::size_t chunks = 0;
  bool parallel = false;
};

class ChunkedCompressor {
 public:
  // Fails when the config is unusable (chunk size 0, lanes 0, level out of
  // zstd's range) or zstd cannot allocate a context.
  static std::expected<ChunkedCompressor, std::string> create(const CompressorConfig& config,
                                                              const ParallelCostModel& cost);
  ChunkedCompressor(ChunkedCompressor&&) noexcept;
  ChunkedCompressor& operator=(ChunkedCompressor&&) noexcept;
  ~ChunkedCompressor();

  // Compresses `input` into `out` (replaced; its capacity is reused across
  // calls). Fails only when zstd reports an error.
  std::expected<CompressStats, std::string> compress(std::span<const std::byte> input,
                                                     std::vector<std::byte>& out);

  // Decodes a stream produced by compress() of an input of `raw_size` bytes
  // into `out` (replaced). Fails on a corrupt stream or a size mismatch.
  static std::expected<void, std::string> decompress(std::span<const std::byte> compressed,
                                                     std::size_t raw_size,
                                                     std::vector<std::byte>& out);

  // Measures this machine's sequential compress cost per byte on `sample`
  // and the pool's fork-join overhead, and uses them from now on. Takes the
  // minimum / median of repeated runs so one preempted run does not skew it.
  std::expected<ParallelCostModel, std::string> calibrate(std::span<const std::byte> sample);

  const ParallelCostModel& cost_model() const { return cost_; }
  const CompressorConfig& config() const { return config_; }

  // Compresses one chunk into dst on `lane`'s context; returns the frame
  // size, or zstd's error code (ZSTD_getErrorName names it). The --slowdown
  // function: chunk compression is where an op spends its time, whether the
  // chunks run sequentially or in parallel. (The error is a code, not a
  // std::string, so the symbol carries no [abi:cxx11] tag and demangles to
  // exactly Info::slowdown_function plus its parameter list.)
  [[gnu::noinline]] std::expected<std::size_t, std::size_t> compress_chunk(
      std::size_t lane, std::span<const std::byte> chunk, std::span<std::byte> dst);

 private:
  struct CCtxDeleter {
    void operator()(ZSTD_CCtx_s* c) const;
  };
  using CCtxPtr = std::unique_ptr<ZSTD_CCtx_s, CCtxDeleter>;

  ChunkedCompressor(const CompressorConfig& config, const ParallelCostModel& cost,
                    std::vector<CCtxPtr> contexts);

  CompressorConfig config_;
  ParallelCostModel cost_;
  std::vector<CCtxPtr> contexts_;     // one per lane
  std::unique_ptr<WorkerPool> pool_;  // heap: the pool's threads hold its address
  // Per-chunk scratch, reused across calls: frame i is written at
  // i * slot_bytes_ of scratch_, then packed into the output.
  std::size_t slot_bytes_ = 0;
  std::vector<std::byte> scratch_;
  std::vector<std::size_t> frame_sizes_;
};

}  // namespace perfgate::workloads::compression
