#pragma once
// A stand-in for an inference model with the cost shape that makes batching
// pay: a fixed cost per forward pass plus a small cost per item.
//
// The fixed part streams the whole int8-quantized weight matrix and
// dequantizes it to float, as an accelerator streams its weights once per
// forward pass whatever the batch size (batch-1 inference is bound by that
// weight traffic). The per-item part routes each input to one block of rows
// (mixture-of-experts style) and runs a dense matrix-vector product there.
// Everything is real, deterministic CPU work; nothing sleeps.
//
// An item's output depends only on the weights and that item's input, never
// on which other items share its batch, so callers can check that batching
// does not change answers.
//
// Thread safety: none. forward() reuses a scratch buffer; callers serialize
// (the batcher's single dispatcher thread, or the serial variant's global lock).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "workloads/harness/slowdown.h"

namespace perfgate::workloads::batcher {

struct ModelShape {
  std::size_t input_dim = 64;     // floats per request
  std::size_t rows = 4096;        // weight rows streamed per forward pass
  std::size_t rows_per_item = 32;  // rows one item's routed block uses
};

class SimulatedModel {
 public:
  // Weights are generated from `seed`. rows must be a multiple of
  // rows_per_item and input_dim > 0 (checked: aborts otherwise, a caller bug).
  SimulatedModel(const ModelShape& shape, std::uint64_t seed, harness::Slowdown slowdown = {});

  const ModelShape& shape() const { return shape_; }

  // One forward pass over a batch: inputs holds items.size() rows of
  // input_dim floats (row-major), outputs receives one score per item.
  // The --slowdown function of the batcher workload: it is where a request's
  // service time goes.
  [[gnu::noinline]] void forward(std::span<const float> inputs, std::span<float> outputs);

 private:
  float run_item(std::span<const float> input) const;

  ModelShape shape_;
  harness::Slowdown slowdown_;
  std::vector<std::int8_t> weights_q_;  // rows x input_dim, quantized
  std::vector<float> row_scale_;        // per-row dequantization scale
  std::vector<float> head_;             // rows_per_item: final projection to a score
  std::vector<float> weights_;          // dequantized scratch, rows x input_dim
};

}  // namespace perfgate::workloads::batcher
