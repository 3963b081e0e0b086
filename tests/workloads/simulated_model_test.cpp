#include "workloads/batcher/simulated_model.h"

#include <gtest/gtest.h>

#include <vector>

#include "workloads/harness/rng.h"

namespace perfgate::workloads::batcher {
namespace {

constexpr ModelShape kShape{.input_dim = 16, .rows = 64, .rows_per_item = 8};

std::vector<float> inputs(std::size_t n, std::uint64_t seed) {
  harness::Rng rng(seed);
  std::vector<float> v(n * kShape.input_dim);
  for (auto& x : v) x = static_cast<float>(rng.uniform() * 2.0 - 1.0);
  return v;
}

TEST(SimulatedModel, GivesEachItemTheSameOutputAloneOrInABatch) {
  SimulatedModel model(kShape, 3);
  const auto in = inputs(8, 4);
  std::vector<float> batched(8);
  model.forward(in, batched);
  for (std::size_t i = 0; i < 8; ++i) {
    float alone = 0;
    model.forward(std::span(in).subspan(i * kShape.input_dim, kShape.input_dim),
                  std::span(&alone, 1));
    EXPECT_EQ(alone, batched[i]) << i;
  }
}

TEST(SimulatedModel, IsDeterministicForASeedAndDiffersAcrossSeeds) {
  const auto in = inputs(4, 5);
  std::vector<float> a(4), b(4), c(4);
  SimulatedModel(kShape, 1).forward(in, a);
  SimulatedModel(kShape, 1).forward(in, b);
  SimulatedModel(kShape, 2).forward(in, c);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(SimulatedModel, ProducesNonTrivialOutputs) {
  const auto in = inputs(8, 6);
  std::vector<float> out(8);
  SimulatedModel(kShape, 1).forward(in, out);
  std::size_t distinct_nonzero = 0;
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i] != 0.0f && (i == 0 || out[i] != out[i - 1])) ++distinct_nonzero;
  EXPECT_GE(distinct_nonzero, 6u);
}

}  // namespace
}  // namespace perfgate::workloads::batcher
