#include "workloads/compression/parallel_cost_model.h"

#include <gtest/gtest.h>

namespace perfgate::workloads::compression {
namespace {

constexpr ParallelCostModel kCost{.sequential_ns_per_byte = 2.0, .dispatch_overhead_ns = 1000.0};

TEST(ParallelCostModel, RequiresMoreThanThreeTimesTheDispatchOverhead) {
  EXPECT_FALSE(kCost.worth_parallel(1500, 4));  // 3000 ns == 3x overhead: not more
  EXPECT_TRUE(kCost.worth_parallel(1501, 4));
  EXPECT_FALSE(kCost.worth_parallel(100, 4));
}

TEST(ParallelCostModel, NeverParallelizesASingleChunk) {
  EXPECT_FALSE(kCost.worth_parallel(1'000'000, 1));
  EXPECT_TRUE(kCost.worth_parallel(1'000'000, 2));
}

TEST(ParallelCostModel, ReportsTheBreakEvenSize) {
  EXPECT_DOUBLE_EQ(kCost.break_even_bytes(), 1500.0);
  EXPECT_DOUBLE_EQ(ParallelCostModel{}.break_even_bytes(), 0.0);
}

}  // namespace
}  // namespace perfgate::workloads::compression
