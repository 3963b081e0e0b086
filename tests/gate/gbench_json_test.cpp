#include "gate/gbench_json.h"

#include <gtest/gtest.h>

namespace perfgate::gate {
namespace {

constexpr const char* kOutput = R"({
  "context": {"date": "2026-11-22", "num_cpus": 2},
  "benchmarks": [
    {"name": "BM_A", "run_name": "BM_A", "run_type": "iteration", "repetitions": 2, "repetition_index": 0,
     "iterations": 1000, "real_time": 1.5, "cpu_time": 1.4, "time_unit": "us"},
    {"name": "BM_A", "run_name": "BM_A", "run_type": "iteration", "repetitions": 2, "repetition_index": 1,
     "iterations": 1000, "real_time": 1.7, "cpu_time": 1.6, "time_unit": "us"},
    {"name": "BM_A_mean", "run_name": "BM_A", "run_type": "aggregate", "aggregate_name": "mean",
     "real_time": 1.6, "cpu_time": 1.5, "time_unit": "us"},
    {"name": "BM_B/8", "run_name": "BM_B/8", "run_type": "iteration", "iterations": 10,
     "real_time": 2, "cpu_time": 2, "time_unit": "ms"},
    {"name": "BM_C", "run_name": "BM_C", "run_type": "iteration", "error_occurred": true,
     "error_message": "setup failed"}
  ]})";

TEST(GbenchJson, KeepsEveryRepetitionInNanosecondsAndSkipsAggregates) {
  auto r = parse_gbench_json(kOutput, "bench.json");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].name, "BM_A");
  EXPECT_EQ((*r)[0].real_ns, (std::vector<double>{1500, 1700}));
  EXPECT_EQ((*r)[1].name, "BM_B/8");
  EXPECT_EQ((*r)[1].real_ns, (std::vector<double>{2e6}));
  EXPECT_EQ((*r)[2].error, "setup failed");
}

TEST(GbenchJson, RejectsOtherJson) {
  auto r = parse_gbench_json(R"({"schema": "perfgate.results/v1"})", "x.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ExitCode::bad_input);
  EXPECT_NE(r.error().message.find("x.json"), std::string::npos);
}

TEST(GbenchJson, RejectsUnknownTimeUnitAndNegativeTimes) {
  EXPECT_FALSE(parse_gbench_json(R"({"benchmarks":[{"name":"a","real_time":1,"cpu_time":1,"time_unit":"fortnights"}]})", "x"));
  EXPECT_FALSE(parse_gbench_json(R"({"benchmarks":[{"name":"a","real_time":-1,"cpu_time":1,"time_unit":"ns"}]})", "x"));
}

TEST(GbenchJson, RejectsAKeyGivenTwice) {
  auto r = parse_gbench_json(
      R"({"benchmarks":[{"name":"a","real_time":1,"cpu_time":1,"time_unit":"ns","time_unit":"s"}]})",
      "x.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ExitCode::bad_input);
  EXPECT_EQ(r.error().message, "x.json: benchmarks[0]: duplicate key 'time_unit'");
}

}  // namespace
}  // namespace perfgate::gate
