#include "gate/merge.h"

#include <gtest/gtest.h>

#include "gate/results_json.h"

namespace perfgate::gate {
namespace {

GbenchOutput two_repetitions(GbenchContext context) {
  GbenchOutput out;
  out.context = std::move(context);
  out.benchmarks = {GbenchBenchmark{"BM_Hash/64", {100, 110}, {99, 108}, ""}};
  return out;
}

// The run was described by the importing machine and perfgate itself: its
// hostname, cores and load, perfgate's build, the checkout's commit.
TEST(ResultsFromGbench, DescribeTheRunAsGoogleBenchmarksContextDoes) {
  const Results r = results_from_gbench(two_repetitions({.date = "2026-12-07T11:00:00+01:00",
                                                         .host_name = "bench-host",
                                                         .executable = "./bm",
                                                         .num_cpus = 64,
                                                         .load_avg = {1.5, 1.25, 1},
                                                         .library_build_type = "release"}),
                                        "bm.json", "2026-12-08T00:00:00Z");
  EXPECT_EQ(r.run.started_at, "2026-12-07T10:00:00Z") << "the context's date, in UTC";
  EXPECT_EQ(r.run.host.hostname, "bench-host");
  EXPECT_EQ(r.run.host.cores, 64u);
  EXPECT_EQ(r.run.host.load_avg_1m, 1.5);
  EXPECT_EQ(r.run.host.load_avg_15m, 1);
  EXPECT_EQ(r.run.build.type, "release");
  // What the output does not say is unknown, not the importing machine's.
  EXPECT_EQ(r.run.commit, "");
  EXPECT_EQ(r.run.host.kernel, "");
  EXPECT_EQ(r.run.host.cpu_model, "");
  EXPECT_EQ(r.run.host.memory_bytes, 0u);
  EXPECT_EQ(r.run.build.compiler, "");
  EXPECT_EQ(r.run.suite, "gbench:bm.json");
  ASSERT_EQ(r.benchmarks.size(), 1u);
  const BenchmarkSource& s = r.benchmarks[0].source;
  EXPECT_EQ(s.kind, "gbench");
  EXPECT_EQ(s.command, std::vector<std::string>{"./bm"});
  EXPECT_EQ(s.imported_from, "bm.json");
  EXPECT_EQ(r.benchmarks[0].repetitions.size(), 2u);
  // And the file is one perfgate reads back.
  auto back = results_from_json(results_to_json(r), "r.json");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->benchmarks[0].source.imported_from, "bm.json");
  EXPECT_EQ(back->run.host.hostname, "bench-host");
}

TEST(ResultsFromGbench, WithoutAnIsoDateTheRunStartsWhenItWasImported) {
  for (const char* date : {"", "2026/12/07 10:00:00", "0001-01-01T00:30:00+01:00"}) {
    SCOPED_TRACE(date);
    const Results r =
        results_from_gbench(two_repetitions({.date = date}), "bm.json", "2026-12-08T00:00:00Z");
    EXPECT_EQ(r.run.started_at, "2026-12-08T00:00:00Z");
    EXPECT_EQ(r.benchmarks[0].source.command, std::vector<std::string>{"bm.json"})
        << "no executable named";
    EXPECT_TRUE(results_from_json(results_to_json(r), "r.json"));
  }
}

}  // namespace
}  // namespace perfgate::gate
