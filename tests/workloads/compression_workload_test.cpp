#include "workloads/compression/compression_workload.h"

#include <gtest/gtest.h>

#include "workloads/registry.h"

namespace perfgate::workloads::compression {
namespace {

workloads::Run run_small(const std::string& variant) {
  auto w = make_workload();
  Params p;
  p.variant = variant;
  p.ops = 1500;
  p.warmup_ops = 100;
  auto r = w->run(p);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error());
  return r ? *r : workloads::Run{};
}

TEST(CompressionWorkload, DescribesItselfCompletely) {
  auto w = make_workload();
  const Info& info = w->info();
  EXPECT_EQ(info.name, "compression");
  EXPECT_FALSE(info.description.empty());
  EXPECT_FALSE(info.category.empty());
  EXPECT_FALSE(info.operation.empty());
  EXPECT_EQ(info.slowdown_function,
            "perfgate::workloads::compression::ChunkedCompressor::compress_chunk");
  ASSERT_EQ(info.variants.size(), 2u);
  EXPECT_GE(info.default_ops_ci, 10'000u);
  EXPECT_GT(info.default_ops_nightly, info.default_ops_ci);
}

TEST(CompressionWorkload, RunsWithItsInvariantsHoldingAndReportsItsMetrics) {
  const workloads::Run r = run_small("");
  EXPECT_EQ(r.latencies_ns.size(), 1500u);
  EXPECT_TRUE(r.invariants_hold());
  EXPECT_GE(r.invariants.size(), 2u);
  EXPECT_GE(r.metrics.at("compression_ratio"), 3.0);
  EXPECT_GT(r.metrics.at("throughput_mb_per_s"), 0.0);
  EXPECT_GT(r.metrics.at("parallel_batch_share"), 0.0);
}

TEST(CompressionWorkload, SerialVariantNeverUsesThePool) {
  const workloads::Run r = run_small("serial");
  EXPECT_TRUE(r.invariants_hold());
  EXPECT_EQ(r.metrics.at("parallel_batch_share"), 0.0);
}

TEST(CompressionWorkload, SmallChunksVariantLowersTheRatio) {
  const workloads::Run clean = run_small("");
  const workloads::Run small = run_small("small-chunks");
  EXPECT_LT(small.metrics.at("compression_ratio"), clean.metrics.at("compression_ratio") * 0.9);
}

}  // namespace
}  // namespace perfgate::workloads::compression
