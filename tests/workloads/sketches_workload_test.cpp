#include "workloads/sketches/sketches_workload.h"

#include <gtest/gtest.h>

#include "workloads/sketches/stream_sketches.h"

namespace perfgate::workloads::sketches {
namespace {

TEST(SketchesWorkload, DescribesItselfCompletely) {
  auto w = make_workload();
  const Info& info = w->info();
  EXPECT_EQ(info.name, "sketches");
  EXPECT_FALSE(info.description.empty());
  EXPECT_FALSE(info.operation.empty());
  EXPECT_EQ(info.slowdown_function, "perfgate::workloads::sketches::StreamSketches::ingest");
  ASSERT_EQ(info.variants.size(), 1u);
  EXPECT_EQ(info.variants[0].name, "sha256-hash");
  EXPECT_GE(info.default_ops_ci, 10'000u);
  EXPECT_GT(info.default_ops_nightly, info.default_ops_ci);
}

TEST(SketchesWorkload, EveryVariantRunsWithInvariantsHolding) {
  for (const char* variant : {"", "sha256-hash"}) {
    Params p;
    p.variant = variant;
    p.ops = 3000;
    p.warmup_ops = 300;
    p.seed = 11;
    auto r = make_workload()->run(p);
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r->latencies_ns.size(), 3000u);
    for (const auto& inv : r->invariants) EXPECT_TRUE(inv.passed) << variant << ": " << inv.name << ": " << inv.detail;
    EXPECT_EQ(r->invariants.size(), 8u);
    EXPECT_GT(r->metrics.at("distinct_keys"), 100'000);
    EXPECT_GE(r->metrics.at("lsh_recall"), 0.95);
  }
}

TEST(SketchesWorkload, SameSeedSameSketches) {
  Params p;
  p.ops = 500;
  p.warmup_ops = 100;
  p.seed = 5;
  auto a = make_workload()->run(p), b = make_workload()->run(p);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->metrics.at("distinct_keys"), b->metrics.at("distinct_keys"));
  EXPECT_EQ(a->metrics.at("hll_relative_error"), b->metrics.at("hll_relative_error"));
  EXPECT_EQ(a->metrics.at("cms_max_overestimate"), b->metrics.at("cms_max_overestimate"));
  p.seed = 6;
  auto c = make_workload()->run(p);
  ASSERT_TRUE(c);
  EXPECT_NE(a->metrics.at("hll_relative_error"), c->metrics.at("hll_relative_error"));
}

TEST(StreamSketches, IngestFlagsDenyListedKeysAndReportsDuplicates) {
  StreamSketches s(StreamSketchesConfig{});
  s.deny("tenant-01/user-00000001/v1");
  std::vector<std::string_view> events = {"tenant-01/user-00000001/v1", "tenant-02/user-00000002/v1",
                                          "tenant-01/user-00000001/v1"};
  std::vector<std::uint64_t> doc(64);
  for (std::uint64_t i = 0; i < 64; ++i) doc[i] = i * 7919;
  BatchResult r;
  s.ingest(events, doc, 0, r);
  EXPECT_EQ(r.flagged, 2u);
  EXPECT_TRUE(r.duplicates.empty());
  EXPECT_EQ(s.cms().estimate(s.hash(events[0])), 2u);
  EXPECT_NEAR(s.hll().estimate(), 2.0, 0.01);
  doc[0] = 12345;  // J = 63/65
  s.ingest(events, doc, 1, r);
  EXPECT_EQ(r.duplicates, std::vector<std::uint32_t>{0});
}

}  // namespace
}  // namespace perfgate::workloads::sketches
