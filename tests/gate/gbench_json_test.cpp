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
  ASSERT_EQ(r->benchmarks.size(), 3u);
  EXPECT_EQ(r->benchmarks[0].name, "BM_A");
  EXPECT_EQ(r->benchmarks[0].real_ns, (std::vector<double>{1500, 1700}));
  EXPECT_EQ(r->benchmarks[1].name, "BM_B/8");
  EXPECT_EQ(r->benchmarks[1].real_ns, (std::vector<double>{2e6}));
  EXPECT_EQ(r->benchmarks[2].error, "setup failed");
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

// Each was `perfgate: error: [json.exception.type_error.302] type must be
// string, but is number`, exit 3, naming neither the file nor the field.
TEST(GbenchJson, AWronglyTypedFieldIsNamedWithWhatItHeld) {
  const std::string ok =
      R"("name": "BM_A", "run_type": "iteration", "real_time": 1, "cpu_time": 1, "time_unit": "ns")";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"name": 5, "real_time": 1, "cpu_time": 1})",
       "benchmarks[1].name: must be a string, got 5"},
      {R"({"name": "BM_A", "run_type": 7, "real_time": 1, "cpu_time": 1})",
       "benchmarks[1].run_type: must be a string, got 7"},
      {R"({"name": "BM_A", "run_name": ["x"], "real_time": 1, "cpu_time": 1})",
       "benchmarks[1].run_name: must be a string, got an array"},
      {R"({"name": "BM_A", "time_unit": 3, "real_time": 1, "cpu_time": 1})",
       "benchmarks[1].time_unit: must be one of \"ns\", \"us\", \"ms\", \"s\", got 3"},
      {R"({"name": "BM_A", "time_unit": "fortnights", "real_time": 1, "cpu_time": 1})",
       "benchmarks[1].time_unit: must be one of \"ns\", \"us\", \"ms\", \"s\", got \"fortnights\""},
      {R"({"name": "BM_A", "error_occurred": "yes", "real_time": 1, "cpu_time": 1})",
       "benchmarks[1].error_occurred: must be true or false, got \"yes\""},
      {R"({"name": "BM_A", "error_occurred": true, "error_message": 5})",
       "benchmarks[1].error_message: must be a string, got 5"},
      {R"({"name": "BM_A", "real_time": "1.5", "cpu_time": 1})",
       "benchmarks[1].real_time: must be a finite number >= 0, got \"1.5\""},
      {R"({"name": "BM_A", "real_time": 1, "cpu_time": null})",
       "benchmarks[1].cpu_time: must be a finite number >= 0, got null"},
      {R"({"name": "BM_A", "real_time": -1, "cpu_time": 1})",
       "benchmarks[1].real_time: must be a finite number >= 0, got -1"},
      {R"({"name": "BM_A", "cpu_time": 1})", "benchmarks[1]: missing field 'real_time'"},
      {R"("BM_A")", "benchmarks[1]: must be an object, got \"BM_A\""},
  };
  for (const auto& [row, message] : cases) {
    SCOPED_TRACE(row);
    auto r = parse_gbench_json(R"({"benchmarks": [{)" + ok + "}, " + row + "]}", "x.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ExitCode::bad_input);
    EXPECT_EQ(r.error().message, "x.json: " + message);
  }
}

TEST(GbenchJson, AnErrorWithoutAMessageIsStillAnError) {
  auto r = parse_gbench_json(
      R"({"benchmarks": [{"name": "BM_A", "error_occurred": true, "error_message": ""}]})",
      "x.json");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->benchmarks[0].error, "error_occurred, without an error_message");
}

// Google Benchmark >= 1.8 writes a row of state.SkipWithMessage as
// "skipped": true with times of 0: they were imported as measurements.
TEST(GbenchJson, ASkippedRowIsNoMeasurement) {
  auto r = parse_gbench_json(R"({"benchmarks": [
    {"name": "BM_Avx", "run_name": "BM_Avx", "run_type": "iteration", "repetitions": 2,
     "repetition_index": 0, "threads": 1, "skipped": true, "skip_message": "needs AVX-512",
     "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "ns"},
    {"name": "BM_A", "run_name": "BM_A", "run_type": "iteration", "skipped": true,
     "skip_message": "warming up", "iterations": 0, "real_time": 0, "cpu_time": 0},
    {"name": "BM_A", "run_name": "BM_A", "run_type": "iteration", "skipped": false,
     "iterations": 10, "real_time": 5, "cpu_time": 5},
    {"name": "BM_Avx", "run_name": "BM_Avx", "run_type": "iteration", "repetitions": 2,
     "repetition_index": 1, "threads": 1, "skipped": true, "skip_message": "needs AVX-512",
     "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "ns"},
    {"name": "BM_Err", "run_name": "BM_Err", "run_type": "iteration", "error_occurred": true,
     "error_message": "setup failed", "iterations": 0, "real_time": 0, "cpu_time": 0},
    {"name": "BM_Quiet", "run_name": "BM_Quiet", "run_type": "iteration", "skipped": true}
  ]})",
                             "x.json");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->benchmarks.size(), 2u);
  EXPECT_EQ(r->benchmarks[0].name, "BM_A");
  EXPECT_EQ(r->benchmarks[0].real_ns, std::vector<double>{5}) << "its skipped row dropped";
  EXPECT_EQ(r->benchmarks[1].name, "BM_Err") << "SkipWithError is a failure, not a skip";
  EXPECT_EQ(r->benchmarks[1].error, "setup failed");
  ASSERT_EQ(r->skipped.size(), 2u);
  EXPECT_EQ(r->skipped[0].name, "BM_Avx");
  EXPECT_EQ(r->skipped[0].message, "needs AVX-512");
  EXPECT_EQ(r->skipped[1].name, "BM_Quiet");
  EXPECT_EQ(r->skipped[1].message, "");
}

TEST(GbenchJson, OutputWhoseEveryBenchmarkWasSkippedIsBadInput) {
  auto r = parse_gbench_json(R"({"benchmarks": [
    {"name": "BM_Avx", "skipped": true, "skip_message": "needs AVX-512", "real_time": 0, "cpu_time": 0},
    {"name": "BM_Gpu", "skipped": true, "skip_message": "no GPU", "real_time": 0, "cpu_time": 0}]})",
                             "x.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ExitCode::bad_input);
  EXPECT_EQ(r.error().message,
            "x.json: contains no benchmark runs: every benchmark was skipped "
            "(BM_Avx: \"needs AVX-512\", and 1 more)");
}

TEST(GbenchJson, ASkippedFieldOfTheWrongTypeIsNamed) {
  for (const auto& [row, message] : std::vector<std::pair<std::string, std::string>>{
           {R"({"name": "BM_A", "skipped": "yes", "real_time": 0, "cpu_time": 0})",
            "benchmarks[0].skipped: must be true or false, got \"yes\""},
           {R"({"name": "BM_A", "skipped": 1, "real_time": 0, "cpu_time": 0})",
            "benchmarks[0].skipped: must be true or false, got 1"},
           {R"({"name": "BM_A", "skipped": true, "skip_message": 5})",
            "benchmarks[0].skip_message: must be a string, got 5"},
       }) {
    SCOPED_TRACE(row);
    auto r = parse_gbench_json(R"({"benchmarks": [)" + row + "]}", "x.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ExitCode::bad_input);
    EXPECT_EQ(r.error().message, "x.json: " + message);
  }
}

TEST(GbenchJson, ReadsTheContextNamingAWronglyTypedField) {
  auto r = parse_gbench_json(
      R"({"context": {"date": "2026-12-07T10:00:00+01:00", "host_name": "h", "executable": "./bm",
                      "num_cpus": 8, "mhz_per_cpu": 2300, "caches": [], "load_avg": [0.5, 0.25, 0.125],
                      "library_build_type": "debug"},
          "benchmarks": [{"name": "a", "real_time": 1, "cpu_time": 1}]})",
      "x.json");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->context.date, "2026-12-07T10:00:00+01:00");
  EXPECT_EQ(r->context.host_name, "h");
  EXPECT_EQ(r->context.executable, "./bm");
  EXPECT_EQ(r->context.num_cpus, 8u);
  EXPECT_EQ(r->context.load_avg, (std::vector<double>{0.5, 0.25, 0.125}));
  EXPECT_EQ(r->context.library_build_type, "debug");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("num_cpus": "two")", "context.num_cpus: must be an integer >= 0, got \"two\""},
      {R"("host_name": 5)", "context.host_name: must be a string, got 5"},
      {R"("load_avg": [1, "x"])", "context.load_avg[1]: must be a number >= 0, got \"x\""},
      {R"("date": null)", "context.date: must be a string, got null"},
  };
  for (const auto& [field, message] : cases) {
    auto bad =
        parse_gbench_json(R"({"context": {)" + field +
                              R"(}, "benchmarks": [{"name": "a", "real_time": 1, "cpu_time": 1}]})",
                          "x.json");
    ASSERT_FALSE(bad) << field;
    EXPECT_EQ(bad.error().message, "x.json: " + message);
  }
}

}  // namespace
}  // namespace perfgate::gate
