#pragma once
// When is a batch worth compressing in parallel? Seed 001's cost rule: only
// when the estimated sequential cost exceeds three times the overhead of
// dispatching to the pool. Below that, waking a worker and joining it costs a
// large share of what it could save, and the tail gets the wake-up jitter.
//
// Pure data and arithmetic; the figures come from ChunkedCompressor::calibrate
// (measured on this machine) or from a test.

#include <cstddef>

namespace perfgate::workloads::compression {

struct ParallelCostModel {
  // Seed 001: "only beneficial when total operation time > 3x overhead".
  static constexpr double kMinCostOverOverhead = 3.0;

  double sequential_ns_per_byte = 0.0;  // compress cost of one byte on one lane
  double dispatch_overhead_ns = 0.0;    // fork + join of the pool with no work

  double estimated_sequential_ns(std::size_t bytes) const {
    return static_cast<double>(bytes) * sequential_ns_per_byte;
  }

  // True when `bytes` split into `chunks` chunks should go to the pool: there
  // is more than one chunk to share and the sequential estimate exceeds
  // kMinCostOverOverhead times the dispatch overhead.
  bool worth_parallel(std::size_t bytes, std::size_t chunks) const {
    return chunks >= 2 &&
           estimated_sequential_ns(bytes) > kMinCostOverOverhead * dispatch_overhead_ns;
  }

  // Smallest batch in bytes that passes the cost part of the rule (the chunk
  // count rule comes on top).
  double break_even_bytes() const {
    return sequential_ns_per_byte > 0.0
               ? kMinCostOverOverhead * dispatch_overhead_ns / sequential_ns_per_byte
               : 0.0;
  }
};

}  // namespace perfgate::workloads::compression
