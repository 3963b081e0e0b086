#include "gate/runner.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "gate/ab_runner.h"
#include "gate/atomic_file.h"
#include "gate/hotspots.h"
#include "gate/profile_json.h"

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

// The tests share options().work_dir; it goes when the test process ends
// (ctest runs each test as a process of its own, one directory each).
class RemoveWorkDir : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(options().work_dir, ec);
  }
};
[[maybe_unused]] const ::testing::Environment* const kRemoveWorkDir =
    ::testing::AddGlobalTestEnvironment(new RemoveWorkDir);

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

// Profiling hooks that stand in for the eBPF profiler, to test what the
// runner asks of it: `record` writes a profile in which each of `hot` has
// 1000 self samples and "cold" 1 (below the hot share), `count` logs what it
// was asked and adds a run that counts 10 calls of each function.
struct FakeProfiler {
  std::vector<std::string> hot;
  std::vector<std::string> log;  // "<profile file's folder>: f1,f2"
  double run_s = 0.5;            // seconds each profiled run samples
  std::vector<std::string>* runs = nullptr;  // when set: "<folder> run N" per profiled run

  ProfileRepetition record() {
    return [this](const std::vector<std::string>&, const fs::path& path, unsigned hz, bool add) {
      profiler::Profile p;
      if (add) {
        auto so_far = load_profile(ProfileRef{"ok", path.filename().string(), ""}, path.parent_path());
        EXPECT_TRUE(so_far) << so_far.error();
        if (so_far) p = std::move(*so_far);
      }
      p.stats.hz = hz;
      p.stats.duration_s += run_s;
      if (runs) runs->push_back(fmt::format("{} run {}", path.parent_path().parent_path().filename().string(),
                                            std::lround(p.stats.duration_s / run_s)));
      for (const auto& f : hot) {
        const std::uint32_t frame = p.intern({.function = f, .module = "app"});
        p.add(std::span(&frame, 1), 1000);
      }
      const std::uint32_t cold = p.intern({.function = "cold", .module = "app"});
      p.add(std::span(&cold, 1), 1);
      fs::create_directories(path.parent_path());
      EXPECT_TRUE(write_file_atomically(path, profile_to_json(p)));
      return ProfiledRun{{"ok", path.string(), ""}, p.stats.duration_s};
    };
  }
  CallCounting count() {
    return [this](const std::vector<std::string>&, const fs::path& path, unsigned,
                  const std::vector<std::pair<std::string, std::string>>& functions) -> std::string {
      std::string names;
      for (const auto& [f, m] : functions) names += (names.empty() ? "" : ",") + f + "@" + m;
      log.push_back(path.parent_path().parent_path().filename().string() + ": " + names);
      auto p = load_profile(ProfileRef{"ok", path.filename().string(), ""}, path.parent_path());
      if (!p) return p.error();
      std::vector<profiler::FunctionCalls> run;
      for (const auto& [f, m] : functions) run.push_back({f, m, 10, 5});
      profiler::add_counting_run(*p, run, false);
      return write_file_atomically(path, profile_to_json(*p)) ? "" : "write failed";
    };
  }
};

// --count-calls in a run: count_runs counting runs after the profiled one,
// each of the profile's hot functions (not the cold one), all added to it.
TEST(Runner, CountingRunsCountTheProfilesHotFunctionsAndAddUp) {
  SuiteConfig suite;
  suite.benchmarks = {command_spec("b", {"/bin/true"}, 1, 1)};
  RunnerOptions o = options();
  o.work_dir /= "counting";
  FakeProfiler fake{.hot = {"work", "more"}};
  o.profile = true;
  o.profile_repetition = fake.record();
  o.count_calls = fake.count();
  o.count_runs = 3;
  auto r = run_suite(suite, o);
  ASSERT_TRUE(r);
  ASSERT_EQ(fake.log.size(), 3u);
  // Equal weights: by name, descending.
  for (const auto& line : fake.log) EXPECT_EQ(line, "counting: work@app,more@app");
  auto p = load_profile(r->benchmarks[0].profile, o.work_dir);
  ASSERT_TRUE(p) << p.error();
  ASSERT_EQ(p->calls.size(), 2u);
  EXPECT_EQ(p->calls[0].calls, 30u);
  EXPECT_EQ(p->calls[0].self_samples, 15u);
  EXPECT_EQ(p->calls[0].runs.size(), 3u);

  fake.log.clear();
  o.count_runs = 0;  // profiled, not counted
  ASSERT_TRUE(run_suite(suite, o));
  EXPECT_TRUE(fake.log.empty());
  fs::remove_all(o.work_dir);
}

// In A/B both sides count the same functions — head's hot ones, then base's
// others — and their counting runs alternate base-head, head-base, base-head.
TEST(Runner, AbCountsBothSidesHotFunctionsInAlternatingRuns) {
  auto side = [](const std::string& name, FakeProfiler& fake) {
    AbSide s;
    s.suite.benchmarks = {command_spec("b", {"/bin/true"}, 2, 1)};
    s.runner = options();
    s.runner.work_dir /= name;
    s.runner.profile = true;
    s.runner.profile_repetition = fake.record();
    s.runner.count_calls = fake.count();
    s.runner.count_runs = 3;
    return s;
  };
  FakeProfiler base_fake{.hot = {"shared", "gone"}}, head_fake{.hot = {"shared", "slow"}};
  std::vector<std::string>* order = &base_fake.log;  // both log into one list
  const AbSide base = side("base", base_fake), head = side("head", head_fake);
  auto head_count = head.runner.count_calls;
  AbSide head_logged = head;
  head_logged.runner.count_calls = [&, head_count](const auto& argv, const fs::path& path, unsigned hz,
                                                   const auto& functions) {
    const std::string error = head_count(argv, path, hz, functions);
    order->push_back(head_fake.log.back());
    return error;
  };
  auto outcome = run_ab(base, head_logged, AbOptions{.pairs = 2, .max_pairs = 2});
  ASSERT_TRUE(outcome);
  const std::string both = "slow@app,shared@app,gone@app";  // head's (by weight, then name descending), base's others
  EXPECT_EQ(*order, (std::vector<std::string>{"base: " + both, "head: " + both, "head: " + both, "base: " + both,
                                              "base: " + both, "head: " + both}));
  auto p = load_profile(outcome->head.benchmarks[0].profile, head.runner.work_dir);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->calls.size(), 3u);
  EXPECT_EQ(p->calls[0].per_run().size(), 3u);
  fs::remove_all(base.runner.work_dir);
  fs::remove_all(head.runner.work_dir);
}

// profiling.duration: the profiled run is repeated, each run merged into the
// profile, until that many seconds were sampled — and no further.
TEST(Runner, ProfiledRunsRepeatUntilTheDurationWasSampled) {
  SuiteConfig suite;
  suite.benchmarks = {command_spec("b", {"/bin/true"}, 1, 1)};
  suite.benchmarks[0].profiling.duration_s = 1.2;
  RunnerOptions o = options();
  o.work_dir /= "duration";
  std::vector<std::string> runs;
  FakeProfiler fake{.hot = {"work"}, .runs = &runs};
  o.profile = true;
  o.profile_repetition = fake.record();
  auto r = run_suite(suite, o);
  ASSERT_TRUE(r);
  EXPECT_EQ(runs, (std::vector<std::string>{"duration run 1", "duration run 2", "duration run 3"}));
  auto p = load_profile(r->benchmarks[0].profile, o.work_dir);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->total(), 3u * 1001u);  // three runs of 1000 "work" and 1 "cold" samples
  EXPECT_DOUBLE_EQ(p->stats.duration_s, 1.5);
  fs::remove_all(o.work_dir);
}

// In A/B the sides' profiled runs alternate base-head, head-base, … until
// each side has its duration; a side that has it sits out the rounds left.
TEST(Runner, AbAlternatesTheSidesProfiledRuns) {
  std::vector<std::string> runs;
  FakeProfiler base_fake{.hot = {"work"}, .run_s = 0.5, .runs = &runs};
  FakeProfiler head_fake{.hot = {"work"}, .run_s = 0.25, .runs = &runs};
  auto side = [](const std::string& name, FakeProfiler& fake) {
    AbSide s;
    s.suite.benchmarks = {command_spec("b", {"/bin/true"}, 2, 1)};
    s.suite.benchmarks[0].profiling.duration_s = 1.0;
    s.runner = options();
    s.runner.work_dir /= name;
    s.runner.profile = true;
    s.runner.profile_repetition = fake.record();
    return s;
  };
  const AbSide base = side("base", base_fake), head = side("head", head_fake);
  auto outcome = run_ab(base, head, AbOptions{.pairs = 2, .max_pairs = 2});
  ASSERT_TRUE(outcome);
  EXPECT_EQ(runs, (std::vector<std::string>{"base run 1", "head run 1", "head run 2", "base run 2", "head run 3",
                                            "head run 4"}));
  auto p = load_profile(outcome->head.benchmarks[0].profile, head.runner.work_dir);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->total(), 4u * 1001u);
  fs::remove_all(base.runner.work_dir);
  fs::remove_all(head.runner.work_dir);
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
