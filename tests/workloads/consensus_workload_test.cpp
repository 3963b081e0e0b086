#include "workloads/consensus/consensus_workload.h"

#include <gtest/gtest.h>

namespace perfgate::workloads::consensus {
namespace {

TEST(ConsensusWorkload, DescribesItselfCompletely) {
  auto w = make_workload();
  const Info& info = w->info();
  EXPECT_EQ(info.name, "consensus");
  EXPECT_FALSE(info.operation.empty());
  EXPECT_EQ(info.slowdown_function, "perfgate::workloads::consensus::PbftReplica::process_round");
  ASSERT_EQ(info.variants.size(), 2u);
  EXPECT_EQ(info.variants[0].name, "no-digest-cache");
  EXPECT_EQ(info.variants[1].name, "no-batch-verify");
  EXPECT_GE(info.default_ops_ci, 1'000u);
}

TEST(ConsensusWorkload, EveryVariantCommitsEveryRoundAndRejectsForgeries) {
  for (const char* variant : {"", "no-digest-cache", "no-batch-verify"}) {
    Params p;
    p.variant = variant;
    p.ops = 300;
    p.warmup_ops = 30;
    auto r = make_workload()->run(p);
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r->latencies_ns.size(), 300u);
    ASSERT_EQ(r->invariants.size(), 3u);
    for (const auto& inv : r->invariants) EXPECT_TRUE(inv.passed) << variant << ": " << inv.name << ": " << inv.detail;
    // Batch verification stops at the quorum; eager verification checks
    // every vote that arrives (1 pre-prepare + 6 prepares + 7 commits, plus
    // retransmissions).
    const double per_round = r->metrics.at("verifications_per_round");
    if (std::string(variant) == "no-batch-verify")
      EXPECT_GT(per_round, 14.0);
    else
      EXPECT_LT(per_round, 9.0);
  }
}

}  // namespace
}  // namespace perfgate::workloads::consensus
