#include "gate/workload_run_json.h"

#include <gtest/gtest.h>

namespace perfgate::gate {
namespace {

workloads::Run a_run() {
  workloads::Run run;
  run.latencies_ns = {100, 250, 90};
  run.warmup_ops = 10;
  run.measured_seconds = 0.5;
  run.invariants = {{"size <= capacity", true, "4096 of 4096"}};
  run.metrics = {{"hit_ratio", 0.75}};
  return run;
}

TEST(WorkloadRunJson, RoundTrips) {
  auto back = workload_run_from_json(workload_run_to_json("lru", {}, a_run()));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->latencies_ns, a_run().latencies_ns);
  EXPECT_EQ(back->warmup_ops, 10u);
  EXPECT_EQ(back->metrics.at("hit_ratio"), 0.75);
  EXPECT_EQ(back->invariants[0].detail, "4096 of 4096");
}

TEST(WorkloadRunJson, RejectsAKeyGivenTwice) {
  std::string text = workload_run_to_json("lru", {}, a_run());
  text.insert(text.find("\"hit_ratio\":"), "\"hit_ratio\":0.1,");
  auto back = workload_run_from_json(text);
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().code, ExitCode::bad_input);
  EXPECT_EQ(back.error().message,
            "malformed workload run file: metrics: duplicate key 'hit_ratio'");
}

// nlohmann's get<std::uint64_t>() read -1 as 2^64 − 1 and 1.5 as 1.
TEST(WorkloadRunJson, RejectsAWarmupCountThatIsNoCount) {
  const std::string text = workload_run_to_json("lru", {}, a_run());
  const std::size_t at = text.find("\"warmup_ops\":10");
  ASSERT_NE(at, std::string::npos) << text;
  for (const std::string bad : {"-1", "1.5"}) {
    std::string t = text;
    t.replace(at, std::string("\"warmup_ops\":10").size(), "\"warmup_ops\":" + bad);
    auto back = workload_run_from_json(t);
    ASSERT_FALSE(back) << bad;
    EXPECT_EQ(back.error().message,
              "malformed workload run file: warmup_ops: must be an integer >= 0, got " + bad);
  }
}

}  // namespace
}  // namespace perfgate::gate
