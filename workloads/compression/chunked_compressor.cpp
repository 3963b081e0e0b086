#include "workloads/compression/chunked_compressor.h"

#include <fmt/format.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <optional>
#include <thread>

#include "workloads/harness/clock.h"

namespace perfgate::workloads::compression {

void ChunkedCompressor::CCtxDeleter::operator()(ZSTD_CCtx_s* c) const { ZSTD_freeCCtx(c); }

std::expected<ChunkedCompressor, std::string> ChunkedCompressor::create(
    const CompressorConfig& config, const ParallelCostModel& cost) {
  if (config.chunk_size_bytes == 0) return std::unexpected(std::string("chunk size must be > 0"));
  if (config.lanes == 0) return std::unexpected(std::string("lanes must be >= 1"));
  if (config.level < ZSTD_minCLevel() || config.level > ZSTD_maxCLevel())
    return std::unexpected(fmt::format("zstd level {} outside [{}, {}]", config.level,
                                       ZSTD_minCLevel(), ZSTD_maxCLevel()));
  std::vector<CCtxPtr> contexts;
  for (std::size_t i = 0; i < config.lanes; ++i) {
    CCtxPtr c(ZSTD_createCCtx());
    if (!c) return std::unexpected(std::string("ZSTD_createCCtx failed"));
    if (const std::size_t r = ZSTD_CCtx_setParameter(c.get(), ZSTD_c_compressionLevel, config.level);
        ZSTD_isError(r))
      return std::unexpected(fmt::format("zstd level: {}", ZSTD_getErrorName(r)));
    contexts.push_back(std::move(c));
  }
  return ChunkedCompressor(config, cost, std::move(contexts));
}

ChunkedCompressor::ChunkedCompressor(const CompressorConfig& config, const ParallelCostModel& cost,
                                     std::vector<CCtxPtr> contexts)
    : config_(config),
      cost_(cost),
      contexts_(std::move(contexts)),
      // No threads for a compressor that will never fork.
      pool_(std::make_unique<WorkerPool>(config.mode == ParallelMode::never ? 1 : config.lanes)),
      slot_bytes_(ZSTD_compressBound(config.chunk_size_bytes)) {}

ChunkedCompressor::ChunkedCompressor(ChunkedCompressor&&) noexcept = default;
ChunkedCompressor& ChunkedCompressor::operator=(ChunkedCompressor&&) noexcept = default;
ChunkedCompressor::~ChunkedCompressor() = default;

std::expected<std::size_t, std::size_t> ChunkedCompressor::compress_chunk(
    std::size_t lane, std::span<const std::byte> chunk, std::span<std::byte> dst) {
  harness::SlowdownScope slowdown(config_.slowdown);
  const std::size_t r = ZSTD_compress2(contexts_[lane].get(), dst.data(), dst.size(), chunk.data(),
                                       chunk.size());
  if (ZSTD_isError(r)) return std::unexpected(r);
  return r;
}

std::expected<CompressStats, std::string> ChunkedCompressor::compress(
    std::span<const std::byte> input, std::vector<std::byte>& out) {
  const std::size_t chunk = config_.chunk_size_bytes;
  // An empty input is still one (empty) frame, so that the stream is valid
  // zstd and decodes to zero bytes.
  const std::size_t chunks = input.empty() ? 1 : (input.size() + chunk - 1) / chunk;
  if (scratch_.size() < chunks * slot_bytes_) scratch_.resize(chunks * slot_bytes_);
  frame_sizes_.assign(chunks, 0);

  const bool parallel = config_.mode == ParallelMode::cost_rule && pool_->lanes() > 1 &&
                        cost_.worth_parallel(input.size(), chunks);
  // Errors are rare (only a zstd bug or a corrupted context); the first one
  // found wins and the whole batch fails.
  std::optional<std::string> error;
  std::mutex error_mutex;
  auto task = [&](std::size_t i, std::size_t lane) {
    const std::size_t begin = i * chunk;
    const std::size_t len = std::min(chunk, input.size() - std::min(begin, input.size()));
    auto r = compress_chunk(lane, input.subspan(std::min(begin, input.size()), len),
                            std::span(scratch_).subspan(i * slot_bytes_, slot_bytes_));
    if (r) {
      frame_sizes_[i] = *r;
    } else {
      std::lock_guard lock(error_mutex);
      if (!error) error = fmt::format("ZSTD_compress2: {}", ZSTD_getErrorName(r.error()));
    }
  };
  if (parallel) {
    pool_->run(chunks, task);
  } else {
    for (std::size_t i = 0; i < chunks; ++i) task(i, 0);
  }
  if (error) return std::unexpected(std::move(*error));

  std::size_t total = 0;
  for (std::size_t s : frame_sizes_) total += s;
  out.resize(total);
  std::size_t at = 0;
  for (std::size_t i = 0; i < chunks; ++i) {
    std::memcpy(out.data() + at, scratch_.data() + i * slot_bytes_, frame_sizes_[i]);
    at += frame_sizes_[i];
  }
  return CompressStats{
      .input_bytes = input.size(), .output_bytes = total, .chunks = chunks, .parallel = parallel};
}

std::expected<void, std::string> ChunkedCompressor::decompress(std::span<const std::byte> compressed,
                                                               std::size_t raw_size,
                                                               std::vector<std::byte>& out) {
  out.resize(raw_size);
  // ZSTD_decompress reads every concatenated frame; no knowledge of the
  // chunking is needed, which is what makes the round-trip check independent.
  const std::size_t r = ZSTD_decompress(out.data(), out.size(), compressed.data(), compressed.size());
  if (ZSTD_isError(r)) return std::unexpected(fmt::format("ZSTD_decompress: {}", ZSTD_getErrorName(r)));
  if (r != raw_size)
    return std::unexpected(fmt::format("decoded {} bytes, expected {}", r, raw_size));
  return {};
}

std::expected<ParallelCostModel, std::string> ChunkedCompressor::calibrate(
    std::span<const std::byte> sample) {
  if (sample.empty()) return std::unexpected(std::string("empty calibration sample"));
  ParallelCostModel measured;
  // Sequential cost: whole chunks on lane 0, best of a few passes (the best
  // pass is the one least disturbed by other processes on a shared machine).
  const std::size_t chunk = config_.chunk_size_bytes;
  std::vector<std::byte> dst(slot_bytes_);
  std::int64_t best_ns = -1;
  for (int pass = 0; pass < 5; ++pass) {
    const std::int64_t t0 = harness::now_ns();
    for (std::size_t at = 0; at < sample.size(); at += chunk) {
      const std::size_t len = std::min(chunk, sample.size() - at);
      if (auto r = compress_chunk(0, sample.subspan(at, len), dst); !r)
        return std::unexpected(fmt::format("ZSTD_compress2: {}", ZSTD_getErrorName(r.error())));
    }
    const std::int64_t dt = harness::now_ns() - t0;
    if (best_ns < 0 || dt < best_ns) best_ns = dt;
  }
  measured.sequential_ns_per_byte =
      static_cast<double>(best_ns) / static_cast<double>(sample.size());

  // Dispatch overhead: fork-join of one empty task per lane, median of many.
  // Each task waits until every lane has arrived; otherwise the caller would
  // run all the empty tasks itself before a worker woke, and the measurement
  // would miss the wake-up latency that a real parallel batch pays.
  if (pool_->lanes() > 1) {
    std::vector<std::int64_t> samples;
    const std::size_t lanes = pool_->lanes();
    std::atomic<std::size_t> arrived{0};
    auto rendezvous = [&](std::size_t, std::size_t) {
      arrived.fetch_add(1);
      while (arrived.load() < lanes) std::this_thread::yield();
    };
    for (int i = 0; i < 201; ++i) {
      arrived = 0;
      const std::int64_t t0 = harness::now_ns();
      pool_->run(lanes, rendezvous);
      samples.push_back(harness::now_ns() - t0);
    }
    std::ranges::nth_element(samples, samples.begin() + samples.size() / 2);
    measured.dispatch_overhead_ns = static_cast<double>(samples[samples.size() / 2]);
  }
  cost_ = measured;
  return measured;
}

}  // namespace perfgate::workloads::compression
