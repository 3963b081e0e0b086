#include "gate/runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace perfgate::gate {
namespace {

namespace fs = std::filesystem;

BenchmarkSpec command_spec(std::string name, std::vector<std::string> argv, unsigned reps, unsigned iterations) {
  BenchmarkSpec s;
  s.name = std::move(name);
  s.source.kind = "command";
  s.source.command = std::move(argv);
  s.repetitions = reps;
  s.iterations = iterations;
  s.timeout_s = 5;
  return s;
}

RunnerOptions options() {
  RunnerOptions o;
  o.work_dir = fs::temp_directory_path() / ("perfgate-runner-" + std::to_string(::getpid()));
  return o;
}

TEST(Runner, MeasuresCommandsAndKeepsGoingPastACrash) {
  SuiteConfig suite;
  suite.name = "t";
  suite.benchmarks = {command_spec("crash", {"/bin/sh", "-c", "kill -SEGV $$"}, 2, 3),
                      command_spec("ok", {"/bin/true"}, 3, 4)};
  auto r = run_suite(suite, options());
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->benchmarks.size(), 2u);
  const BenchmarkResult& crash = r->benchmarks[0];
  EXPECT_EQ(crash.status, "failed");
  EXPECT_NE(crash.error.find("signal 11"), std::string::npos) << crash.error;
  const BenchmarkResult& ok = r->benchmarks[1];
  EXPECT_EQ(ok.status, "ok");
  ASSERT_EQ(ok.repetitions.size(), 3u);
  EXPECT_EQ(ok.repetitions[2].stats.count, 4u);
  EXPECT_EQ(ok.stats.count, 12u);
  EXPECT_GT(ok.stats.min, 0.0);
  EXPECT_GT(ok.peak_rss_bytes, 0u);
  EXPECT_FALSE(r->run.host.kernel.empty());
  EXPECT_FALSE(fs::exists(options().work_dir / ".scratch")) << "scratch files cleaned up";
}

TEST(Runner, AdaptiveRepetitionsComeTwoAtATimeUpToTheCap) {
  SuiteConfig suite;
  suite.benchmarks = {command_spec("t", {"/bin/true"}, 3, 2)};
  RunnerOptions o = options();
  o.max_repetitions = 8;
  std::vector<std::size_t> asked_at;
  o.wants_more = [&](const std::vector<BenchmarkResult>& so_far) {
    asked_at.push_back(so_far.at(0).repetitions.size());
    return true;  // "still inconclusive"
  };
  auto r = run_suite(suite, o);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->benchmarks[0].repetitions.size(), 8u);  // 3, then +2, +2, then capped at 8
  EXPECT_EQ(asked_at, (std::vector<std::size_t>{3, 5, 7}));

  o.wants_more = [](const std::vector<BenchmarkResult>&) { return false; };  // decided
  r = run_suite(suite, o);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->benchmarks[0].repetitions.size(), 3u);
}

TEST(Runner, InterleavedRunsGoRoundRobinRotatingTheStartAndKeepEveryBenchmarksOwnCount) {
  const fs::path log = fs::temp_directory_path() / ("perfgate-interleave-" + std::to_string(::getpid()));
  fs::remove(log);
  SuiteConfig suite;
  suite.benchmarks = {command_spec("a", {"/bin/sh", "-c", "echo a >> " + log.string()}, 3, 1),
                      command_spec("b", {"/bin/sh", "-c", "echo b >> " + log.string()}, 2, 1)};
  RunnerOptions o = options();
  o.interleave = true;
  auto r = run_suite(suite, o);
  ASSERT_TRUE(r);
  std::ifstream in(log);
  std::string order, line;
  while (std::getline(in, line)) order += line;
  EXPECT_EQ(order, "abbaa");  // round 1 starts with b
  ASSERT_EQ(r->benchmarks.size(), 2u);
  EXPECT_EQ(r->benchmarks[0].repetitions.size(), 3u);
  EXPECT_EQ(r->benchmarks[1].repetitions.size(), 2u);
  fs::remove(log);
}

TEST(Runner, NonZeroExitFailsTheBenchmarkWithItsStatusAndStderr) {
  SuiteConfig suite;
  suite.benchmarks = {command_spec("exit", {"/bin/sh", "-c", "echo nope >&2; exit 4"}, 1, 1)};
  auto r = run_suite(suite, options());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->benchmarks[0].status, "failed");
  EXPECT_NE(r->benchmarks[0].error.find("status 4"), std::string::npos);
  EXPECT_NE(r->benchmarks[0].error.find("nope"), std::string::npos);
}

TEST(Runner, OnlyAndShardSelectBenchmarks) {
  SuiteConfig suite;
  suite.origin = "s.yml";
  for (const char* n : {"a", "b/x=1", "b/x=2", "c"}) suite.benchmarks.push_back(command_spec(n, {"/bin/true"}, 1, 1));
  RunnerOptions o = options();
  o.only = {"b"};
  auto sel = select_benchmarks(suite, o);
  ASSERT_TRUE(sel);
  ASSERT_EQ(sel->size(), 2u);
  EXPECT_EQ((*sel)[1].name, "b/x=2");

  o.only = {};
  o.shard_index = 1;
  o.shard_count = 2;
  sel = select_benchmarks(suite, o);
  ASSERT_TRUE(sel);
  ASSERT_EQ(sel->size(), 2u);
  EXPECT_EQ((*sel)[0].name, "b/x=1");
  EXPECT_EQ((*sel)[1].name, "c");

  o.shard_index = 0;
  o.shard_count = 1;
  o.only = {"nosuch"};
  auto bad = select_benchmarks(suite, o);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ExitCode::bad_input);
}

TEST(Runner, ProfilingWithoutAProfilerMarksProfilesMissing) {
  SuiteConfig suite;
  suite.benchmarks = {command_spec("ok", {"/bin/true"}, 1, 1)};
  RunnerOptions o = options();
  o.profile = true;
  auto r = run_suite(suite, o);
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->benchmarks[0].profile);
  EXPECT_EQ(r->benchmarks[0].profile->status, "missing");
  EXPECT_FALSE(r->benchmarks[0].profile->reason.empty());
}

TEST(BoundedSample, KeepsEvenlySpacedValuesInOrder) {
  std::vector<double> v(100);
  for (int i = 0; i < 100; ++i) v[i] = i;
  const auto s = bounded_sample(v, 10);
  ASSERT_EQ(s.size(), 10u);
  EXPECT_EQ(s.front(), 0);
  EXPECT_EQ(s[5], 50);
  EXPECT_EQ(bounded_sample(v, 1000).size(), 100u);
}

}  // namespace
}  // namespace perfgate::gate
