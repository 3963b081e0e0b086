#include "workloads/lru/lru_workload.h"

#include <gtest/gtest.h>

namespace perfgate::workloads::lru {
namespace {

TEST(LruWorkload, DescribesItselfCompletely) {
  auto w = make_workload();
  const Info& info = w->info();
  EXPECT_EQ(info.name, "lru");
  EXPECT_FALSE(info.description.empty());
  EXPECT_FALSE(info.operation.empty());
  EXPECT_EQ(info.slowdown_function, "perfgate::workloads::lru::RequestCache::serve_batch");
  ASSERT_EQ(info.variants.size(), 2u);
  EXPECT_GE(info.default_ops_ci, 10'000u);
  EXPECT_GT(info.default_ops_nightly, info.default_ops_ci);
}

TEST(LruWorkload, EveryVariantRunsWithInvariantsHolding) {
  for (const char* variant : {"", "sha256-key", "linear-evict"}) {
    Params p;
    p.variant = variant;
    p.ops = 2000;  // batches of 32 requests
    p.warmup_ops = 100;
    auto r = make_workload()->run(p);
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r->latencies_ns.size(), 2000u);
    EXPECT_TRUE(r->invariants_hold()) << variant;
    EXPECT_GT(r->metrics.at("hit_ratio"), 0.3);
    EXPECT_GT(r->metrics.at("eviction_ratio"), 0.05);
  }
}

}  // namespace
}  // namespace perfgate::workloads::lru
