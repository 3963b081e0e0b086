#include "workloads/batcher/simulated_model.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "workloads/harness/rng.h"

namespace perfgate::workloads::batcher {

SimulatedModel::SimulatedModel(const ModelShape& shape, std::uint64_t seed,
                               harness::Slowdown slowdown)
    : shape_(shape), slowdown_(slowdown) {
  if (shape.input_dim == 0 || shape.rows_per_item == 0 || shape.rows % shape.rows_per_item != 0) {
    std::fprintf(stderr, "SimulatedModel: bad shape\n");
    std::abort();
  }
  harness::Rng rng(seed);
  weights_q_.resize(shape.rows * shape.input_dim);
  for (auto& w : weights_q_) w = static_cast<std::int8_t>(static_cast<int>(rng.below(255)) - 127);
  row_scale_.resize(shape.rows);
  for (auto& s : row_scale_) s = static_cast<float>(0.5 + rng.uniform()) / 127.0f;
  head_.resize(shape.rows_per_item);
  for (auto& h : head_) h = static_cast<float>(rng.uniform() - 0.5);
  weights_.resize(weights_q_.size());
}

void SimulatedModel::forward(std::span<const float> inputs, std::span<float> outputs) {
  harness::SlowdownScope slowdown(slowdown_);
  const std::size_t dim = shape_.input_dim;
  for (std::size_t r = 0; r < shape_.rows; ++r) {
    const float scale = row_scale_[r];
    const std::int8_t* q = &weights_q_[r * dim];
    float* w = &weights_[r * dim];
    for (std::size_t c = 0; c < dim; ++c) w[c] = static_cast<float>(q[c]) * scale;
  }
  for (std::size_t i = 0; i < outputs.size(); ++i)
    outputs[i] = run_item(inputs.subspan(i * dim, dim));
}

float SimulatedModel::run_item(std::span<const float> input) const {
  const std::size_t dim = shape_.input_dim;
  const std::size_t blocks = shape_.rows / shape_.rows_per_item;
  // Routing on the input's first feature, so the block is a function of the
  // input alone (batch composition cannot change the answer).
  const auto bucket = static_cast<std::size_t>(std::fabs(input[0]) * 1e4f);
  const std::size_t first_row = (bucket % blocks) * shape_.rows_per_item;
  float score = 0.0f;
  for (std::size_t r = 0; r < shape_.rows_per_item; ++r) {
    const float* w = &weights_[(first_row + r) * dim];
    float acc = 0.0f;
    for (std::size_t c = 0; c < dim; ++c) acc += w[c] * input[c];
    score += head_[r] * (acc > 0.0f ? acc : 0.0f);  // ReLU, then the head
  }
  return score;
}

}  // namespace perfgate::workloads::batcher
