#include "workloads/batcher/open_loop_driver.h"

#include <gtest/gtest.h>

#include <vector>

#include "workloads/harness/rng.h"

namespace perfgate::workloads::batcher {
namespace {

TEST(OpenLoopDriver, PoissonArrivalsHaveTheRequestedMeanRate) {
  const auto offsets = poisson_arrivals(11, 20'000.0, 20'000);
  const double seconds = static_cast<double>(offsets.back()) * 1e-9;
  EXPECT_NEAR(static_cast<double>(offsets.size()) / seconds, 20'000.0, 20'000.0 * 0.03);
  for (std::size_t i = 1; i < offsets.size(); ++i) ASSERT_GE(offsets[i], offsets[i - 1]);
}

TEST(OpenLoopDriver, PoissonArrivalsAreDeterministicForASeed) {
  EXPECT_EQ(poisson_arrivals(3, 1000.0, 100), poisson_arrivals(3, 1000.0, 100));
  EXPECT_NE(poisson_arrivals(3, 1000.0, 100), poisson_arrivals(4, 1000.0, 100));
}

TEST(OpenLoopDriver, SubmitsNoRequestBeforeItsScheduledTime) {
  constexpr ModelShape shape{.input_dim = 8, .rows = 16, .rows_per_item = 8};
  SimulatedModel model(shape, 1);
  std::vector<float> inputs(200 * shape.input_dim, 0.5f);
  auto batcher = RequestBatcher::create(BatcherConfig{}, model, inputs, 200);
  ASSERT_TRUE(batcher.has_value());
  const auto offsets = poisson_arrivals(5, 50'000.0, 200);
  const std::int64_t start = drive_open_loop(**batcher, offsets);
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    EXPECT_GE((*batcher)->answers()[i].enqueued_ns, start + offsets[i]) << i;
    EXPECT_GT((*batcher)->answers()[i].completed_ns, start + offsets[i]) << i;
  }
}

}  // namespace
}  // namespace perfgate::workloads::batcher
