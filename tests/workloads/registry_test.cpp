#include "workloads/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace perfgate::workloads {
namespace {

// A suite's targets may name a workload's metrics only as Info::metrics
// lists them (gate/suite_config.cpp refuses others), so the list must be what
// a run reports: a metric renamed in run() and not in Info would make every
// target on it "unknown".
TEST(Registry, EveryWorkloadReportsExactlyTheMetricsItDeclares) {
  for (const auto& w : all()) {
    SCOPED_TRACE(w->info().name);
    Params p;
    p.ops = 400;
    p.warmup_ops = 100;
    auto r = w->run(p);
    ASSERT_TRUE(r.has_value()) << r.error();
    std::vector<std::string> reported;
    for (const auto& [name, value] : r->metrics) reported.push_back(name);
    std::vector<std::string> declared = w->info().metrics;
    std::ranges::sort(declared);
    EXPECT_EQ(reported, declared);
  }
}

TEST(Registry, ValidateRefusesOperationCountsBeyondWhatARunCanHold) {
  const Workload& lru = *find("lru");
  EXPECT_TRUE(validate(lru, Params{.ops = 4'000'000'000}));
  EXPECT_FALSE(validate(lru, Params{.ops = 4'000'000'001}));
  const auto wrapped = validate(lru, Params{.ops = 10, .warmup_ops = UINT64_MAX});
  ASSERT_FALSE(wrapped);
  EXPECT_EQ(wrapped.error(),
            "ops and warm-up operations must add up to at most 4000000000, got 10 and 18446744073709551615");
}

}  // namespace
}  // namespace perfgate::workloads
