// Drives the real `perfgate` binary: exit codes, one-line errors, atomic
// outputs, and results validated by an independent JSON Schema validator.

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <nlohmann/json.hpp>

#include "gate/atomic_file.h"
#include "gate/profile_json.h"
#include "gate/results_json.h"
#include "gate/summary.h"
#include "workloads/harness/rng.h"
#include "tests/cli/perfgate_cli_fixture.h"

namespace perfgate {
namespace {

namespace fs = std::filesystem;

class Cli : public PerfgateCliTest {
 protected:
  // Starts `perfgate ARGS` in the background, waits for the benchmark to write
  // its pid to child.pid, sends perfgate alone SIGTERM, and prints "status N"
  // (perfgate's), then "gone" or "alive (STATE)" for that child.
  Outcome terminate_once_child_runs(const std::string& args) {
    return shell(exe_ + " " + args +
                 " > run.log 2>&1 & pg=$!; i=0; while [ ! -s child.pid ] && [ $i -lt 200 ]; do "
                 "sleep 0.05; i=$((i+1)); done; kill -TERM $pg; wait $pg; echo \"status $?\"; "
                 "sleep 0.2; state=$(awk '{print $3}' /proc/$(cat child.pid)/stat 2>/dev/null); "
                 "if [ -n \"$state\" ] && [ \"$state\" != Z ]; then echo \"alive ($state)\"; "
                 "kill \"$(cat child.pid)\"; else echo gone; fi");  // a zombie awaits init
  }
};

TEST_F(Cli, HelpGoesToStdoutAndExitsZero) {
  const Outcome o = perfgate({"--help"});
  EXPECT_EQ(o.code, 0);
  EXPECT_NE(o.out.find("Usage: perfgate"), std::string::npos);
  EXPECT_NE(o.out.find("workloads"), std::string::npos);
  EXPECT_NE(o.out.find("run"), std::string::npos);
}

TEST_F(Cli, VersionPrintsTheVersion) {
  const Outcome o = perfgate({"--version"});
  EXPECT_EQ(o.code, 0);
  EXPECT_EQ(o.out.rfind("perfgate ", 0), 0u) << o.out;
}

TEST_F(Cli, UnknownOptionIsOneErrorLineAndExitTwo) {
  const Outcome o = perfgate({"run", "--no-such-option"});
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err.rfind("perfgate: error: ", 0), 0u) << o.err;
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
}

TEST_F(Cli, UnknownWorkloadExitsTwo) {
  const Outcome o = perfgate({"workloads", "run", "nosuch"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("unknown workload 'nosuch'"), std::string::npos) << o.err;
}

TEST_F(Cli, BadConfigExitsTwoAndLeavesThePreviousResultsIntact) {
  write("perfgate.yml", "benchmarks:\n  - name: x\n    command: [true]\n    repetitons: 3\n");
  fs::create_directories(dir_ / "perfgate-out");
  write("perfgate-out/results.json", "previous");
  const Outcome o = perfgate({"run"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("perfgate.yml:4: unknown key 'repetitons'"), std::string::npos) << o.err;
  EXPECT_EQ(read("perfgate-out/results.json"), "previous");
}

TEST_F(Cli, FailingBenchmarkExitsThreeButResultsAreWrittenAndSchemaValid) {
  write("perfgate.yml", R"(
suite: {name: cli-test, defaults: {repetitions: 2}}
benchmarks:
  - name: true
    command: [/bin/true]
    iterations: 5
    targets: {p99_ms: {target: 1000}}
  - name: crash
    command: "kill -SEGV $$"
)");
  const Outcome o = perfgate({"run", "-o", "out/results.json"});
  EXPECT_EQ(o.code, 3) << o.err;
  EXPECT_NE(o.err.find("1 of 2 benchmarks failed"), std::string::npos) << o.err;
  expect_schema_valid("results.schema.json", dir_ / "out/results.json");
  const std::string report = read("out/report.md");
  EXPECT_NE(report.find("killed by signal 11"), std::string::npos);
  EXPECT_NE(report.find("Targets: 1/1 passed"), std::string::npos) << report;
}

TEST_F(Cli, EnvironmentVariablesTwinTheOptions) {
  write("perfgate.yml", "benchmarks:\n  - name: t\n    command: [/bin/true]\n    iterations: 2\n");
  const Outcome o = perfgate({"run"}, "PERFGATE_REPETITIONS=1 PERFGATE_OUTPUT=env.json");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(read("env.json").find("\"index\": 0"), std::string::npos);
  EXPECT_EQ(read("env.json").find("\"index\": 1"), std::string::npos) << "one repetition only";
}

TEST_F(Cli, BundledWorkloadsRunAndWriteSchemaValidResults) {
  write("perfgate.yml", R"(
suite: {name: bundled-small, defaults: {repetitions: 2}}
benchmarks:
  - {name: batcher, workload: batcher, parameters: {ops: 2000}}
  - {name: compression, workload: compression, parameters: {ops: 500}}
  - {name: consensus, workload: consensus, parameters: {ops: 300}}
  - {name: lru, workload: lru, parameters: {ops: 20000}}
  - {name: sketches, workload: sketches, parameters: {ops: 2000}}
)");
  const Outcome o = perfgate({"run"});
  EXPECT_EQ(o.code, 0) << o.err << o.out;
  expect_schema_valid("results.schema.json", dir_ / "perfgate-out/results.json");
  const std::string results = read("perfgate-out/results.json");
  for (const char* name : {"batcher", "compression", "consensus", "lru", "sketches"})
    EXPECT_NE(results.find(std::string("\"workload\": \"") + name + "\""), std::string::npos) << name;
  EXPECT_EQ(results.find("\"passed\": false"), std::string::npos) << "an invariant broke";
  // Slice medians of every measured sample (machine noise): 20 where a
  // repetition has >= 1000 samples (lru: 20 000), none below (consensus: 300).
  for (const auto& b : nlohmann::json::parse(results)["benchmarks"]) {
    if (b["name"] != "lru" && b["name"] != "consensus") continue;
    for (const auto& rep : b["repetitions"])
      EXPECT_EQ(rep["slice_medians"].size(), b["name"] == "lru" ? 20u : 0u) << b["name"];
  }
}

// A results file with one workload benchmark whose 5 repetitions have the
// given p99 (ns) times a small deterministic jitter (±1 %, times `spread`),
// 10 000 samples each. With `slow_reps`, every repetition stores slice
// medians, 1.5x higher in the listed ones (a machine slow throughout them).
std::string results_with_p99(double p99, const std::string& name = "lru", double spread = 1,
                             std::optional<std::vector<int>> slow_reps = std::nullopt) {
  gate::Results r;
  r.run.started_at = "2026-11-22T07:00:00Z";
  gate::BenchmarkResult b;
  b.name = name;
  b.source.kind = "workload";
  b.source.workload = "lru";
  const double jitter[] = {1.0, 1 + 0.01 * spread, 1 - 0.01 * spread, 1 + 0.005 * spread, 1 - 0.005 * spread};
  for (int i = 0; i < 5; ++i) {
    gate::Repetition rep;
    rep.index = i;
    rep.samples = {p99 * jitter[i] / 2, p99 * jitter[i]};
    rep.stats = gate::summarize(rep.samples, 0.001);
    rep.stats.count = 10'000;
    rep.stats.p99 = rep.stats.p999 = rep.stats.max = p99 * jitter[i];
    rep.samples_truncated = true;
    if (slow_reps)
      rep.slice_medians.assign(20, p99 / 3 * (std::ranges::count(*slow_reps, i) ? 1.5 : 1.0));
    b.repetitions.push_back(rep);
  }
  b.stats = b.repetitions[0].stats;
  r.benchmarks = {b};
  return gate::results_to_json(r);
}

TEST_F(Cli, CompareExitsOneOnARegressionAndWritesSchemaValidReports) {
  write("base.json", results_with_p99(1000));
  write("head.json", results_with_p99(1300));
  write("summary.md", "previous step\n");
  const Outcome o = perfgate({"compare", "base.json", "head.json", "--out", "rep"},
                             "GITHUB_STEP_SUMMARY=" + (dir_ / "summary.md").string());
  EXPECT_EQ(o.code, 1) << o.err << o.out;
  EXPECT_NE(o.out.find("regression"), std::string::npos) << o.out;
  expect_schema_valid("report.schema.json", dir_ / "rep/report.json");
  EXPECT_NE(read("rep/report.md").find("## ❌ perfgate: 1 regression"), std::string::npos);
  const std::string summary = read("summary.md");
  EXPECT_EQ(summary.rfind("previous step\n<!-- perfgate:report -->", 0), 0u) << "appended, not replaced";
}

TEST_F(Cli, UnderGithubActionsARegressionIsAnErrorAnnotationAndAStepOutput) {
  write("base.json", results_with_p99(1000));
  write("head.json", results_with_p99(1300));
  write("out.txt", "earlier=1\n");
  const Outcome o = perfgate({"compare", "base.json", "head.json", "--out", "rep"},
                             "GITHUB_ACTIONS=true GITHUB_OUTPUT=" + (dir_ / "out.txt").string());
  EXPECT_EQ(o.code, 1) << o.err;
  EXPECT_NE(o.out.find("::error title=perfgate regression%3A lru::lru p99 regressed +30.0%25"), std::string::npos)
      << o.out;
  const std::string outputs = read("out.txt");
  EXPECT_EQ(outputs.rfind("earlier=1\n", 0), 0u) << "appended, not replaced";
  EXPECT_NE(outputs.find("\nverdict=regression\n"), std::string::npos) << outputs;
  EXPECT_NE(outputs.find("\nregressions=1\n"), std::string::npos) << outputs;
  EXPECT_NE(outputs.find("\nreport-md=" + (dir_ / "rep/report.md").string() + "\n"), std::string::npos) << outputs;
  EXPECT_NE(outputs.find("\nreport-json=" + (dir_ / "rep/report.json").string() + "\n"), std::string::npos);
  // Outside Actions the terminal gets no workflow commands.
  const Outcome plain = perfgate({"compare", "base.json", "head.json", "--out", "rep"});
  EXPECT_EQ(plain.out.find("::error"), std::string::npos) << plain.out;
}

TEST_F(Cli, PassingCompareWritesVerdictPassToGithubOutput) {
  write("base.json", results_with_p99(1000));
  write("head.json", results_with_p99(1000));
  const Outcome o = perfgate({"compare", "base.json", "head.json"}, "GITHUB_OUTPUT=" + (dir_ / "out.txt").string());
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(read("out.txt").find("verdict=pass\n"), std::string::npos) << read("out.txt");
}

// A results file whose lru benchmark has the given p99 in all repetitions.
std::string night(double p99, const std::string& commit, int day) {
  auto r = gate::results_from_json(results_with_p99(p99), "r");
  r->run.commit = commit;
  r->run.started_at = fmt::format("2026-10-{:02}T03:00:00Z", day);
  return gate::results_to_json(*r);
}

TEST_F(Cli, HistoryAppendThenTrendFindsTheShiftAndItsCommitRange) {
  for (int d = 1; d <= 24; ++d) {
    const double p99 = (d <= 12 ? 1000.0 : 1250.0) * (1 + 0.004 * ((d * 7) % 5));
    write("night.json", night(p99, fmt::format("commit{:02}", d), d));
    const Outcome a = perfgate({"history", "append", "hist/history.jsonl", "night.json"});
    ASSERT_EQ(a.code, 0) << a.err;
  }
  const std::string history = read("hist/history.jsonl");
  EXPECT_EQ(std::count(history.begin(), history.end(), '\n'), 24);
  // Every line is one schema-valid entry.
  write("line.json", history.substr(0, history.find('\n')));
  expect_schema_valid("history.schema.json", dir_ / "line.json");

  write("summary.md", "");
  const Outcome t = perfgate({"trend", "hist/history.jsonl", "--out", "trend"},
                             "GITHUB_STEP_SUMMARY=" + (dir_ / "summary.md").string());
  EXPECT_EQ(t.code, 0) << t.err;
  EXPECT_NE(t.out.find("between commit12 and commit13"), std::string::npos) << t.out;
  expect_schema_valid("trend.schema.json", dir_ / "trend/trend.json");
  const auto j = nlohmann::json::parse(read("trend/trend.json"));
  ASSERT_EQ(j["benchmarks"][0]["shifts"].size(), 1u) << j.dump(1);
  EXPECT_EQ(j["benchmarks"][0]["shifts"][0]["commit_after"], "commit13");
  EXPECT_NEAR(j["benchmarks"][0]["shifts"][0]["relative_change"].get<double>(), 0.25, 0.02);
  EXPECT_NE(read("trend/trend.md").find("`commit12` → `commit13`"), std::string::npos) << read("trend/trend.md");
  EXPECT_NE(read("summary.md").find("<!-- perfgate:trend -->"), std::string::npos);
}

TEST_F(Cli, TrendAndHistoryRejectBadInputWithExitTwoAndKeepTheHistory) {
  write("history.jsonl", "{\"schema\": \"perfgate.history/v1\"}\n");
  Outcome o = perfgate({"trend", "history.jsonl"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("history.jsonl:1:"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "perfgate-out/trend.json"));
  write("night.json", night(1000, "c1", 1));
  o = perfgate({"history", "append", "history.jsonl", "night.json"});
  EXPECT_EQ(o.code, 2) << "never append to a corrupt history";
  EXPECT_EQ(read("history.jsonl"), "{\"schema\": \"perfgate.history/v1\"}\n");
  o = perfgate({"history", "append", "new.jsonl", "missing.json"});
  EXPECT_EQ(o.code, 2);
  EXPECT_FALSE(fs::exists(dir_ / "new.jsonl"));
  EXPECT_EQ(perfgate({"trend", "nosuch.jsonl"}).code, 2);
}

// Inputs of `history append` and `trend` that once got through or crashed (a
// smoke test, 2026-12-07): each is one error line and exit 2, and nothing is
// written.
TEST_F(Cli, HistoryAndTrendInputsThatOnceGotThroughAreOneLineAndExitTwo) {
  write("night.json", night(1000, "c1", 1));
  auto started_at = [&](const std::string& file, const std::string& date) {
    auto j = nlohmann::json::parse(night(1000, "c1", 1));
    j["run"]["started_at"] = date;
    write(file, j.dump());
  };
  const std::string long_date = "2026-01-01T00:00:00." + std::string(40000, '1') + "Z";
  started_at("long.json", long_date);
  started_at("feb30.json", "2026-02-30T00:00:00Z");
  write(
      "good.jsonl",
      R"({"schema":"perfgate.history/v1","date":"2026-11-29","commit":"c","benchmarks":{"a":{"p99":1,"unit":"ns"}}})"
      "\n");
  write(
      "yesterday.jsonl",
      R"({"schema":"perfgate.history/v1","date":"yesterday","commit":"c","benchmarks":{"a":{"p99":1,"unit":"ns"}}})"
      "\n");
  write(
      "extra-key.jsonl",
      R"({"schema":"perfgate.history/v1","date":"2026-11-29","commit":"c","benchmarks":{"a":{"p99":1,"unit":"ns","p50":1}}})"
      "\n");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"history", "append", "h.jsonl", "night.json", "--date", long_date},
       "date '2026-01-01T00:00:00.1111"},
      // The results file is refused: its started_at is not the schema's.
      {{"history", "append", "h.jsonl", "long.json"},
       "long.json: run.started_at: must be a UTC time such as 2026-11-22T07:05:00Z, got "
       "\"2026-01-01T00:00:00.1111"},
      {{"history", "append", "h.jsonl", "feb30.json"},
       "feb30.json: run.started_at: '2026-02-30T00:00:00Z' has day 30, but 2026-02 has 28 days"},
      {{"history", "append", "h.jsonl", "night.json", "--date", "2026-13-45"}, "month 13"},
      {{"history", "append", "h.jsonl", "night.json", "--date", "2026-02-30T25:61:99Z"}, "28 days"},
      {{"history", "append", "h.jsonl", "night.json", "--date", "0000-00-00"}, "date '0000-00-00'"},
      {{"history", "append", "h.jsonl", "night.json", "--date", "2026-11-29T03:00+99:99"},
       "+99:99"},
      {{"history", "append", "h.jsonl", "night.json", "--commit",
        "ab\xff"
        "cd"},
       "commit holds a byte that is not UTF-8"},
      {{"history", "append", "yesterday.jsonl", "night.json"},
       "yesterday.jsonl:1: date 'yesterday'"},
      {{"trend", "yesterday.jsonl"}, "yesterday.jsonl:1: date 'yesterday'"},
      {{"history", "append", "extra-key.jsonl", "night.json"},
       "extra-key.jsonl:1: benchmarks.a: unknown field 'p50'"},
      {{"trend", "extra-key.jsonl"}, "extra-key.jsonl:1: benchmarks.a: unknown field 'p50'"},
      {{"trend", "good.jsonl", "--seed", "-1"}, "--seed: must be a whole number ≥ 0, got '-1'"},
      {{"trend", "good.jsonl", "--seed", "18446744073709551616"},
       "--seed: '18446744073709551616' is too large"},
      {{"trend", "good.jsonl", "--seed", "99999999999999999999999"},
       "--seed: '99999999999999999999999' is too large"},
      {{"trend", "good.jsonl", "--seed", "0x10"}, "--seed: must be a whole number ≥ 0, got '0x10'"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(fmt::format("{}", fmt::join(args, " ")).substr(0, 200));
    const Outcome o = perfgate(args);
    EXPECT_EQ(o.code, 2) << o.err.substr(0, 500) << o.out;
    EXPECT_EQ(o.err.rfind("perfgate: error: ", 0), 0u) << o.err.substr(0, 500);
    EXPECT_NE(o.err.find(message), std::string::npos) << o.err.substr(0, 500);
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err.substr(0, 500);
  }
  EXPECT_FALSE(fs::exists(dir_ / "h.jsonl"));
  EXPECT_FALSE(fs::exists(dir_ / "perfgate-out"));
  // The largest seed is a seed, from the option or its environment twin.
  Outcome o = perfgate({"trend", "good.jsonl", "--seed", "18446744073709551615"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(
      nlohmann::json::parse(read("perfgate-out/trend.json"))["method"]["seed"].get<std::uint64_t>(),
      18446744073709551615u);
  o = perfgate({"trend", "good.jsonl"}, "PERFGATE_SEED=-1");
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("must be a whole number"), std::string::npos) << o.err;
}

// Nights appended late (a backfill after a broken nightly job) go where their
// date puts them; the same night twice is refused.
TEST_F(Cli, HistoryAppendKeepsTheNightsInDateOrderAndRefusesTheSameNightTwice) {
  for (int d : {2, 4, 1, 3}) {
    write("night.json", night(1000 + d, fmt::format("commit{}", d), d));
    const Outcome a = perfgate({"history", "append", "history.jsonl", "night.json"});
    ASSERT_EQ(a.code, 0) << a.err;
  }
  auto commits = [&] {
    std::vector<std::string> out;
    const std::string text = read("history.jsonl");
    for (std::size_t pos = 0; pos < text.size();) {
      const std::size_t end = text.find('\n', pos);
      out.push_back(
          nlohmann::json::parse(text.substr(pos, end - pos))["commit"].get<std::string>());
      pos = end + 1;
    }
    return out;
  };
  EXPECT_EQ(commits(), (std::vector<std::string>{"commit1", "commit2", "commit3", "commit4"}));

  const std::string before = read("history.jsonl");
  write("night.json", night(1000, "commit3", 3));
  Outcome o = perfgate({"history", "append", "history.jsonl", "night.json"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("history.jsonl:3: already holds commit3 at 2026-10-03T03:00:00Z"),
            std::string::npos)
      << o.err;
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  // The same instant written with an offset is the same night.
  o = perfgate(
      {"history", "append", "history.jsonl", "night.json", "--date", "2026-10-03T05:00:00+02:00"});
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_EQ(read("history.jsonl"), before);

  // The same commit measured again on a later night (nothing merged that day) is a night.
  write("night.json", night(1000, "commit4", 5));
  o = perfgate({"history", "append", "history.jsonl", "night.json"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(commits().back(), "commit4");
  EXPECT_EQ(commits().size(), 5u);
}

TEST_F(Cli, HistoryAppendToAPathThatCannotBeReadIsOneLineAndExitTwo) {
  write("night.json", night(1000, "c1", 1));
  ASSERT_EQ(::symlink("loop", (dir_ / "loop").c_str()), 0);
  for (const std::string& history : {std::string("loop"), std::string(300, 'h')}) {
    SCOPED_TRACE(history.substr(0, 20));
    const Outcome o = perfgate({"history", "append", history, "night.json"});
    EXPECT_EQ(o.code, 2) << o.err;
    EXPECT_EQ(o.err.rfind("perfgate: error: cannot read '" + history + "': ", 0), 0u) << o.err;
    EXPECT_EQ(o.err.find("filesystem error"), std::string::npos) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  }
}

// trend.md and trend.json are one output: a run that cannot replace one of
// them (here trend.json is a directory) leaves the previous pair as it was.
TEST_F(Cli, ATrendThatCannotReplaceOneOutputKeepsBoth) {
  write(
      "good.jsonl",
      R"({"schema":"perfgate.history/v1","date":"2026-11-29","commit":"c","benchmarks":{"a":{"p99":1,"unit":"ns"}}})"
      "\n");
  fs::create_directories(dir_ / "out/trend.json");
  write("out/trend.json/keep", "");
  write("out/trend.md", "previous\n");
  const Outcome o = perfgate({"trend", "good.jsonl", "--out", "out"});
  EXPECT_EQ(o.code, 3) << o.err;
  EXPECT_NE(o.err.find("cannot replace 'out/trend.json'"), std::string::npos) << o.err;
  EXPECT_EQ(read("out/trend.md"), "previous\n");
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir_ / "out"))
    left.push_back(e.path().filename().string());
  std::ranges::sort(left);
  EXPECT_EQ(left, (std::vector<std::string>{"trend.json", "trend.md"}))
      << "no temporary file left behind";
}

// compare reads no samples, only the stored slice medians: two of the
// current side's five repetitions ran 1.5x slower throughout, which the
// inconclusive verdict names as the machine's doing.
TEST_F(Cli, CompareNamesTheMachinesSlowSlicesFromTheStoredMedians) {
  write("base.json", results_with_p99(1000, "lru", 6, std::vector<int>{}));
  write("head.json", results_with_p99(1100, "lru", 6, std::vector<int>{1, 3}));
  const Outcome o = perfgate({"compare", "base.json", "head.json"});
  EXPECT_EQ(o.code, 0) << o.err << o.out;
  expect_schema_valid("report.schema.json", dir_ / "perfgate-out/report.json");
  const auto b = nlohmann::json::parse(read("perfgate-out/report.json"))["benchmarks"][0];
  EXPECT_EQ(b["verdict"], "inconclusive");
  EXPECT_EQ(b["slow_slices_percent"]["base"], 0.0);
  EXPECT_EQ(b["slow_slices_percent"]["head"], 40.0);
  EXPECT_NE(b["note"].get<std::string>().find("machine's speed varied"), std::string::npos) << b["note"];
  EXPECT_NE(read("perfgate-out/report.md").find("40 % of current time slices"), std::string::npos);
  // Files without slice medians (written before them) give null.
  write("old.json", results_with_p99(1100, "lru", 6));
  ASSERT_EQ(perfgate({"compare", "base.json", "old.json"}).code, 0);
  EXPECT_TRUE(nlohmann::json::parse(read("perfgate-out/report.json"))["benchmarks"][0]["slow_slices_percent"]["head"].is_null());
}

TEST_F(Cli, CompareOfEqualRunsPasses) {
  write("base.json", results_with_p99(1000));
  write("head.json", results_with_p99(1020));
  const Outcome o = perfgate({"compare", "base.json", "head.json"});
  EXPECT_EQ(o.code, 0) << o.err << o.out;
  expect_schema_valid("report.schema.json", dir_ / "perfgate-out/report.json");
}

// Head 14 % slower with a per-repetition spread of ~5 %: Welch's 95 %
// interval of the ratio is about [1.064, 1.222]. Its lower bound clears
// 1 + 0 × 10 % and 1 + 0.5 × 10 % (the default), not 1 + 0.9 × 10 %.
TEST_F(Cli, CompareCallsARegressionOnlyWhenTheBoundClearsTheMargin) {
  write("base.json", results_with_p99(1000, "lru", 6));
  write("head.json", results_with_p99(1140, "lru", 6));
  struct Case {
    std::vector<std::string> margin;
    int code;
    const char* verdict;
    double fraction;
  };
  for (const Case& c : {Case{{"--margin", "0"}, 1, "regression", 0.0}, Case{{}, 1, "regression", 0.5},
                        Case{{"--margin", "0.9"}, 0, "inconclusive", 0.9}}) {
    std::vector<std::string> args = {"compare", "base.json", "head.json", "--out", "rep"};
    args.insert(args.end(), c.margin.begin(), c.margin.end());
    const Outcome o = perfgate(args);
    SCOPED_TRACE(fmt::format("margin {}", c.fraction));
    EXPECT_EQ(o.code, c.code) << o.err << o.out;
    expect_schema_valid("report.schema.json", dir_ / "rep/report.json");
    const auto report = nlohmann::json::parse(read("rep/report.json"));
    EXPECT_DOUBLE_EQ(report["margin_fraction"].get<double>(), c.fraction);
    EXPECT_EQ(report["benchmarks"][0]["verdict"].get<std::string>(), c.verdict);
    const auto& estimate = report["benchmarks"][0]["estimate"];
    EXPECT_NEAR(estimate["margin_percent"].get<double>(), 10 * c.fraction, 1e-9);
    EXPECT_GT(estimate["lower"].get<double>(), 1.05) << estimate.dump();
    EXPECT_LT(estimate["lower"].get<double>(), 1.09) << estimate.dump();
    EXPECT_NE(read("rep/report.md").find(fmt::format("lower bound above 1 + {:.2g} × threshold", c.fraction)),
              std::string::npos);
  }
}

TEST_F(Cli, CheckAndAbPutTheirMarginIntoTheReport) {
  write("perfgate.yml", "benchmarks:\n  - name: t\n    command: [/bin/true]\n    iterations: 2\n");
  ASSERT_EQ(perfgate({"run", "-r", "3"}).code, 0);
  ASSERT_EQ(perfgate({"baseline", "save"}).code, 0);
  Outcome o = perfgate({"check", "-r", "3", "--max-repetitions", "0", "--margin", "0.2"});
  EXPECT_TRUE(o.code == 0 || o.code == 1) << o.err;  // timing of /bin/true decides; both are verdicts
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(read("perfgate-out/report.json"))["margin_fraction"].get<double>(), 0.2);
  o = perfgate({"ab", "--base", "true", "--head", "true", "--pairs", "2", "--max-pairs", "2", "--iterations", "1",
                "--margin", "0.3", "--out", "ab"});
  EXPECT_TRUE(o.code == 0 || o.code == 1) << o.err;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(read("ab/report.json"))["margin_fraction"].get<double>(), 0.3);
}

// Options cannot follow a bare `perfgate`; their environment twins reach it.
TEST_F(Cli, PerfgateAloneIsCheckWithCheckEnvironmentTwins) {
  write("perfgate.yml", "benchmarks:\n  - name: t\n    command: [/bin/true]\n    iterations: 2\n");
  ASSERT_EQ(perfgate({"run", "-r", "3"}).code, 0);
  ASSERT_EQ(perfgate({"baseline", "save"}).code, 0);
  Outcome o = perfgate({"-q"}, "PERFGATE_MARGIN=0.2 PERFGATE_REPETITIONS=2 PERFGATE_MAX_REPETITIONS=0");
  EXPECT_TRUE(o.code == 0 || o.code == 1) << o.err;  // timing of /bin/true decides; both are verdicts
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(read("perfgate-out/report.json"))["margin_fraction"].get<double>(), 0.2);
  const auto head = gate::results_from_json(read("perfgate-out/results.json"), "head");
  ASSERT_TRUE(head && head->benchmarks.size() == 1u);
  EXPECT_EQ(head->benchmarks[0].repetitions.size(), 2u) << "PERFGATE_REPETITIONS applies";
  o = perfgate({}, "PERFGATE_MARGIN=1");
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err.rfind("perfgate: error: --margin: must be a fraction of the threshold in [0, 1)", 0), 0u) << o.err;
}

TEST_F(Cli, AMarginOutsideZeroToOneIsOneErrorLineAndExitTwo) {
  write("base.json", results_with_p99(1000));
  write("head.json", results_with_p99(1000));
  for (const char* bad : {"1", "1.5", "-0.1", "abc", "0.5x"}) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"compare", "base.json", "head.json", "--margin", bad},
          std::vector<std::string>{"check", "--margin", bad},
          std::vector<std::string>{"ab", "--base", "true", "--head", "true", "--margin", bad}}) {
      const Outcome o = perfgate(args);
      SCOPED_TRACE(args[0] + " --margin " + bad);
      EXPECT_EQ(o.code, 2);
      EXPECT_EQ(o.err.rfind("perfgate: error: --margin: must be a fraction of the threshold in [0, 1)", 0), 0u) << o.err;
      EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
    }
  }
  EXPECT_FALSE(fs::exists(dir_ / "perfgate-out")) << "nothing ran, nothing written";
}

TEST_F(Cli, MethodChoosesHowRatiosAreComputedAndTheReportSaysSo) {
  write("base.json", results_with_p99(1000));
  write("head.json", results_with_p99(1300));
  for (const char* method : {"t", "permutation", "rank", "trimmed"}) {
    const Outcome o = perfgate({"compare", "base.json", "head.json", "--out", "rep", "--method", method});
    SCOPED_TRACE(method);
    EXPECT_EQ(o.code, 1) << o.err << o.out;
    expect_schema_valid("report.schema.json", dir_ / "rep/report.json");
    const auto estimate = nlohmann::json::parse(read("rep/report.json"))["benchmarks"][0]["estimate"];
    EXPECT_EQ(estimate["method"].get<std::string>(), method);
    EXPECT_EQ(estimate["location"].is_null(), std::string_view(method) != "permutation") << estimate.dump();
    // t's interval from 5 repetitions, ±1 %, is within a few percent; the
    // others are about as wide.
    EXPECT_NEAR(estimate["ratio"].get<double>(), 1.3, 0.01);
    EXPECT_GT(estimate["lower"].get<double>(), 1.2);
  }
  const std::string md = read("rep/report.md");
  EXPECT_NE(md.find("slowest 10 % of repetitions"), std::string::npos) << md;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"compare", "base.json", "head.json", "--method", "welch"},
        std::vector<std::string>{"check", "--method", "welch"},
        std::vector<std::string>{"ab", "--base", "true", "--head", "true", "--method", "welch"}}) {
    const Outcome o = perfgate(args);
    SCOPED_TRACE(args[0]);
    EXPECT_EQ(o.code, 2);
    EXPECT_EQ(o.err.rfind("perfgate: error: --method: welch not in {t,permutation,rank,trimmed}", 0), 0u) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  }
}

TEST_F(Cli, CompareOfMismatchedOrMalformedFilesExitsTwoAndWritesNothing) {
  write("base.json", results_with_p99(1000, "lru"));
  write("head.json", results_with_p99(1000, "other"));
  Outcome o = perfgate({"compare", "base.json", "head.json"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("different benchmarks"), std::string::npos) << o.err;
  write("bad.json", "{\"schema\": \"perfgate.results/v9\"}");
  o = perfgate({"compare", "base.json", "bad.json"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("perfgate.results/v9"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "perfgate-out"));
}

// Inputs that once got past the checks (a smoke test of the whole CLI,
// 2026-12-07): each is one error line and exit 2, and nothing is written.
TEST_F(Cli, InputsThatOnceGotThroughAreOneLineAndExitTwo) {
  write("base.json", results_with_p99(1000));
  write("head.json", results_with_p99(1000));
  auto mutated = [&](const std::string& file, auto change) {
    auto j = nlohmann::json::parse(results_with_p99(1000));
    change(j);
    write(file, j.dump());
  };
  mutated("dup.json", [](auto& j) { j["benchmarks"].push_back(j["benchmarks"][0]); });
  mutated("newline.json", [](auto& j) { j["benchmarks"][0]["name"] = "lru\n::error title=forged::pwned"; });
  mutated("abs-profile.json",
          [](auto& j) { j["benchmarks"][0]["profile"] = {{"status", "ok"}, {"path", "/etc/passwd"}, {"reason", ""}}; });
  mutated("up-profile.json",
          [](auto& j) { j["benchmarks"][0]["profile"] = {{"status", "ok"}, {"path", "../x.json"}, {"reason", ""}}; });
  mutated("seven.json", [](auto& j) {
    for (int i = 0; i < 2; ++i) j["benchmarks"][0]["repetitions"].push_back(j["benchmarks"][0]["repetitions"][0]);
  });
  mutated("typo.json", [](auto& j) { j["benchmarks"][0]["regression"]["treshold_percent"] = 5; });
  mutated("failed-silently.json", [](auto& j) { j["benchmarks"][0]["status"] = "failed"; });
  mutated("us.json", [](auto& j) { j["benchmarks"][0]["unit"] = "us"; });
  mutated("zero-threshold.json",
          [](auto& j) { j["benchmarks"][0]["regression"]["threshold_percent"] = 0; });
  mutated("nothing-kept.json", [](auto& j) {
    j["benchmarks"][0]["repetitions"][0]["samples"] = nlohmann::json::array();
  });
  mutated("empty.json", [](auto& j) { j["benchmarks"] = nlohmann::json::array(); });
  std::string huge = results_with_p99(1000);
  huge.replace(huge.find("\"p99\":"), 6, "\"p99\": 1e400, \"x\":");
  write("huge.json", huge);
  std::string twice = results_with_p99(1000);
  twice.insert(twice.find("\"threshold_percent\":"), "\"threshold_percent\": 50, ");
  write("twice.json", twice);
  write("suite-blank.yml", "benchmarks:\n  - {name: t, command: \"  \"}\n");
  write("gb-newline.json", R"({"benchmarks": [{"name": "BM_a\n::error::x", "real_time": 1, "cpu_time": 1}]})");
  write("gb-inf.json", R"({"benchmarks": [{"name": "BM_a", "real_time": 1e308, "cpu_time": 1, "time_unit": "s"}]})");
  write("gb-run-type.json",
        R"({"benchmarks": [{"name": "BM_a", "run_type": 5, "real_time": 1, "cpu_time": 1}]})");
  write("gb-real-time.json",
        R"({"benchmarks": [{"name": "BM_a", "real_time": "1", "cpu_time": 1}]})");
  write("gb-error.json",
        R"({"benchmarks": [{"name": "BM_a", "error_occurred": 1, "error_message": "x"}]})");
  write("gb-skipped.json",
        R"({"benchmarks": [{"name": "BM_a", "skipped": "yes", "real_time": 0, "cpu_time": 0}]})");
  write("gb-all-skipped.json",
        R"({"benchmarks": [{"name": "BM_a", "skipped": true, "skip_message": "needs AVX-512",
                            "real_time": 0, "cpu_time": 0}]})");
  write("two\nlines.json", "x");
  write("p.folded", "main;work 5\n");
  write("q.folded", "main;work 7\n");
  fs::create_directories(dir_ / "h");
  write("h/trend.json", "{}\n");
  fs::create_symlink("loop-b",
                     dir_ / "loop-a");  // exists() threw on it: a raw filesystem error, exit 3
  fs::create_symlink("loop-a", dir_ / "loop-b");

  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"compare", "base.json", "huge.json"}, "huge.json: not valid JSON: "},
      {{"compare", "base.json", "dup.json"}, "benchmark 'lru' appears twice"},
      {{"compare", "base.json", "typo.json"},
       "typo.json: benchmarks[0].regression: unknown field 'treshold_percent'"},
      {{"compare", "base.json", "failed-silently.json"},
       "failed-silently.json: benchmarks[0]: missing field 'error'"},
      {{"compare", "base.json", "us.json"},
       "us.json: benchmarks[0].unit: must be \"ns\", got \"us\""},
      {{"compare", "base.json", "zero-threshold.json"},
       "zero-threshold.json: benchmarks[0].regression.threshold_percent: "
       "must be a number from 0.1 to 1000, got 0"},
      {{"compare", "base.json", "nothing-kept.json"},
       "nothing-kept.json: benchmarks[0]: status is ok but repetitions[0] stores no samples"},
      {{"baseline", "save", "nothing-kept.json"},
       "nothing-kept.json: benchmarks[0]: status is ok but repetitions[0] stores no samples"},
      {{"compare", "base.json", "twice.json"},
       "twice.json: benchmarks[0].regression: duplicate key 'threshold_percent'"},
      {{"compare", "base.json", "newline.json"}, "holds a control character"},
      {{"compare", "base.json", "abs-profile.json"},
       "path '/etc/passwd' must be relative to the results file"},
      {{"baseline", "save", "up-profile.json"},
       "path '../x.json' must be relative to the results file"},
      {{"compare", "base.json", "seven.json", "--paired"},
       "benchmark 'lru': paired repetitions need as many in base as in current, got 5 and 7"},
      {{"compare", "base.json", "head.json", "--confidence", "nan"},
       "--confidence: must be a number from 0.5 to "
       "0.9999, got 'nan'"},
      {{"compare", "base.json", "head.json", "--threshold", "nan"},
       "--threshold: must be a number from 0.1 to 1000"},
      {{"baseline", "save", "empty.json"}, "empty.json holds no benchmarks"},
      {{"run", "-c", "suite-blank.yml"}, "'command' must be a non-blank string"},
      {{"run", "--shard", "1/1x"}, "--shard '1/1x': expected i/n"},
      {{"ab", "--base", " ", "--head", "true"}, "--base is blank"},
      {{"ab", "--base", "true", "--head", "true", "--pairs", "5", "--max-pairs", "2"},
       "--max-pairs 2 is below --pairs 5"},
      {{"ab", "--base", "true", "--head", "true", "--count-calls"},
       "--count-calls requires --profile"},
      {{"history", "append", "h.jsonl", "base.json", "--commit", "abc", "--date", "notadate"},
       "date 'notadate' is not ISO 8601"},
      {{"workloads", "run", "lru", "--ops", "-1"}, "--ops: must be a whole number ≥ 0, got '-1'"},
      {{"workloads", "run", "lru", "--seed", "99999999999999999999999"},
       "--seed: '99999999999999999999999' is too large"},
      {{"record", "--hz", "0x10", "--", "true"}, "--hz: must be a whole number ≥ 0, got '0x10'"},
      {{"run", "-r", "-1"}, "--repetitions: must be a whole number ≥ 0, got '-1'"},
      // A quoted path stays on the one line: its line break is shown escaped.
      {{"compare", "base.json", "two\nlines.json"}, "two\\nlines.json: not valid JSON"},
      {{"check", "--baseline", "loop-a"},
       "cannot read 'loop-a': Too many levels of symbolic links"},
      // An output that is an input replaced it with what was made from it.
      {{"flamegraph", "p.folded", "-o", "p.folded"},
       "the output 'p.folded' is the input 'p.folded', which it would "
       "replace; write it elsewhere"},
      {{"diff", "p.folded", "q.folded", "-o", "./q.folded"},
       "the output './q.folded' is the input 'q.folded'"},
      {{"merge", "base.json", "head.json", "-o", "base.json"},
       "the output 'base.json' is the input 'base.json'"},
      {{"trend", "h/trend.json", "--out", "h"},
       "the output 'h/trend.json' is the input 'h/trend.json'"},
      {{"import", "gbench", "gb-newline.json", "-o", "gb.json"},
       "is empty or holds a control character"},
      {{"import", "gbench", "gb-inf.json", "-o", "gb.json"}, "times beyond a double in ns"},
      {{"import", "gbench", "gb-run-type.json", "-o", "gb.json"},
       "gb-run-type.json: benchmarks[0].run_type: must be a string, got 5"},
      {{"import", "gbench", "gb-real-time.json", "-o", "gb.json"},
       "gb-real-time.json: benchmarks[0].real_time: must be a finite number >= 0, got \"1\""},
      {{"import", "gbench", "gb-error.json", "-o", "gb.json"},
       "gb-error.json: benchmarks[0].error_occurred: must be true or false, got 1"},
      {{"import", "gbench", "gb-skipped.json", "-o", "gb.json"},
       "gb-skipped.json: benchmarks[0].skipped: must be true or false, got \"yes\""},
      {{"import", "gbench", "gb-all-skipped.json", "-o", "gb.json"},
       "gb-all-skipped.json: contains no benchmark runs: every benchmark was skipped "
       "(BM_a: \"needs AVX-512\")"},
      {{"compare", "base.json", "head.json", "--out", ""}, "--out: must name a file or directory"},
      {{"run", "-o", " "}, "--output: must name a file or directory"},
      // Found before measuring, not as "cannot replace" (exit 3) after it.
      {{"run", "-o", "h"}, "--output: 'h' is a directory, not a file"},
      {{"check", "-o", "p.folded/results.json"},
       "--output: cannot write 'p.folded/results.json': 'p.folded' is not a directory"},
      {{"compare", "base.json", "head.json", "--out", "p.folded"},
       "--out: 'p.folded' exists and is not a directory"},
      {{"trend", "h.jsonl", "--out", "p.folded/deeper/out"},
       "--out: cannot write 'p.folded/deeper/out': 'p.folded' is not a directory"},
  };
  ASSERT_EQ(perfgate({"baseline", "save", "base.json"}).code, 0);
  const std::string baseline = read(".perfgate/baseline.json");
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(fmt::format("{}", fmt::join(args, " ")));
    const Outcome o = perfgate(args);
    EXPECT_EQ(o.code, 2) << o.err << o.out;
    EXPECT_EQ(o.err.rfind("perfgate: error: ", 0), 0u) << o.err;
    EXPECT_NE(o.err.find(message), std::string::npos) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
    EXPECT_EQ(o.out.find("::error"), std::string::npos) << o.out;
  }
  EXPECT_EQ(read(".perfgate/baseline.json"), baseline) << "a refused baseline leaves the stored one";
  EXPECT_EQ(read("p.folded"), "main;work 5\n");
  EXPECT_EQ(read("q.folded"), "main;work 7\n");
  EXPECT_EQ(read("base.json"), results_with_p99(1000));
  EXPECT_FALSE(fs::exists(dir_ / "perfgate-out"));
  EXPECT_FALSE(fs::exists(dir_ / "gb.json"));
  EXPECT_FALSE(fs::exists(dir_ / "h.jsonl"));
}

// What could not be written is never a pass: `record >/dev/full` and
// `workloads list >&-` exited 0, and a full step summary went unnoticed.
TEST_F(Cli, OutputThatCannotBeWrittenIsExitThree) {
  for (const std::string redirect : {"> /dev/full", ">&-"}) {
    const Outcome o = shell(exe_ + " workloads list " + redirect);
    EXPECT_EQ(o.code, 3) << redirect << ": " << o.err;
    EXPECT_EQ(o.err.rfind("perfgate: error: cannot write to standard output: ", 0), 0u) << o.err;
  }
  write("base.json", results_with_p99(1000));
  const Outcome o =
      perfgate({"compare", "base.json", "base.json"}, "GITHUB_STEP_SUMMARY=/dev/full");
  EXPECT_EQ(o.code, 0) << o.err;  // the report itself was written
  EXPECT_NE(o.err.find("perfgate: warning: cannot append to GITHUB_STEP_SUMMARY '/dev/full'"),
            std::string::npos)
      << o.err;
}

// CLI11 reads a leading 0 as octal: `-r 010` ran 8 repetitions, `--hz 010`
// sampled at 8 Hz, and `--hz 099` was "not in range".
TEST_F(Cli, IntegerOptionsAreDecimalWithLeadingZeros) {
  write("perfgate.yml", "benchmarks:\n  - {name: t, command: [/bin/true], iterations: 1}\n");
  const Outcome o = perfgate({"run", "-r", "010"}, "PERFGATE_COUNT_RUNS=09");
  ASSERT_EQ(o.code, 0) << o.err;
  const auto results = gate::results_from_json(read("perfgate-out/results.json"), "r");
  ASSERT_TRUE(results && results->benchmarks.size() == 1u);
  EXPECT_EQ(results->benchmarks[0].repetitions.size(), 10u);
}

// The side whose process runs first in a pair failed, so the other measured
// nothing: a failed benchmark (exit 3, both results written), not two
// suites that differ (exit 2, nothing written).
TEST_F(Cli, AbWhoseBaseFailsFirstReportsTheFailure) {
  const Outcome o = perfgate({"ab", "--base", "/bin/false", "--head", "/bin/true", "--pairs", "2",
                              "--max-pairs", "2", "--iterations", "2"},
                             "GITHUB_OUTPUT=" + (dir_ / "out.txt").string());
  EXPECT_EQ(o.code, 3) << o.err << o.out;
  EXPECT_NE(read("out.txt").find("verdict=failed\n"), std::string::npos) << read("out.txt");
  EXPECT_NE(o.out.find("perfgate: FAILED (1 of 1 benchmarks could not be measured)"), std::string::npos) << o.out;
  const auto head = gate::results_from_json(read("perfgate-out/head-results.json"), "head");
  ASSERT_TRUE(head && head->benchmarks.size() == 1u);
  EXPECT_EQ(head->benchmarks[0].status, "failed");
  EXPECT_EQ(head->benchmarks[0].error.rfind("not measured: the base side failed first (", 0), 0u)
      << head->benchmarks[0].error;
  EXPECT_NE(read("perfgate-out/report.md").find("## 💥 perfgate: the benchmark failed to run — no verdict"),
            std::string::npos);
  expect_schema_valid("report.schema.json", dir_ / "perfgate-out/report.json");  // "verdict": "failed"
}

// A regression beside a benchmark that failed to run: the run failed (exit
// 3), and the summary, the report and the step outputs say so, with the
// regression. The summary said "REGRESSION" and the step output
// "verdict=regression" while perfgate exited 3.
TEST_F(Cli, ARegressionBesideAFailedBenchmarkIsAFailedRunThatNamesIt) {
  auto two = [](double lru_p99, bool x_failed) {
    auto r = gate::results_from_json(results_with_p99(lru_p99), "lru");
    auto x = gate::results_from_json(results_with_p99(1000, "x"), "x");
    r->benchmarks.push_back(x->benchmarks[0]);
    if (x_failed) {
      r->benchmarks[1].status = "failed";
      r->benchmarks[1].error = "exited with status 1";
    }
    return gate::results_to_json(*r);
  };
  write("base.json", two(1000, false));
  write("head.json", two(1300, true));
  const Outcome o = perfgate({"compare", "base.json", "head.json", "--confidence", "0.9"},
                             "GITHUB_OUTPUT=" + (dir_ / "out.txt").string());
  EXPECT_EQ(o.code, 3) << o.err << o.out;
  EXPECT_NE(
      o.out.find(
          "perfgate: FAILED (1 of 2 benchmarks could not be measured; 1 regression in the others)"),
      std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("change [90% CI]"), std::string::npos) << o.out;
  EXPECT_NE(read("out.txt").find("verdict=failed\nregressions=1\n"), std::string::npos)
      << read("out.txt");
  EXPECT_NE(read("perfgate-out/report.md")
                .find("## 💥 perfgate: 1 of 2 benchmarks failed to run, and 1 regression "
                      "in the others — lru p99 +30.0 %"),
            std::string::npos)
      << read("perfgate-out/report.md");
  expect_schema_valid("report.schema.json", dir_ / "perfgate-out/report.json");
}

TEST_F(Cli, BaselineSaveValidatesAndCheckComparesAgainstIt) {
  write("perfgate.yml", "benchmarks:\n  - name: t\n    command: [/bin/true]\n    iterations: 3\n");
  Outcome o = perfgate({"check", "-r", "3"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("no baseline yet"), std::string::npos) << o.out;
  // The report says the same, not `compare`'s advice.
  EXPECT_NE(read("perfgate-out/report.md").find("No baseline yet (.perfgate/baseline.json), so no verdicts: "
                                                "<code>perfgate baseline save perfgate-out/results.json</code>"),
            std::string::npos)
      << read("perfgate-out/report.md");
  o = perfgate({"baseline", "show"});
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err.rfind("perfgate: error: no baseline at .perfgate/baseline.json; store one with 'perfgate baseline "
                        "save",
                        0),
            0u)
      << o.err;
  o = perfgate({"baseline", "save"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(fs::exists(dir_ / ".perfgate/baseline.json"));
  o = perfgate({"baseline", "show"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("1 benchmarks"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("  t "), std::string::npos) << o.out;
  o = perfgate({"check", "-r", "3"});
  EXPECT_TRUE(o.code == 0 || o.code == 1) << o.err;  // timing of /bin/true decides; both are verdicts
  EXPECT_NE(read("perfgate-out/report.md").find("<!-- perfgate:report -->"), std::string::npos);
  write("broken.json", "not json");
  o = perfgate({"baseline", "save", "broken.json"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(read(".perfgate/baseline.json").find("perfgate.results/v1"), std::string::npos) << "baseline intact";
}

TEST_F(Cli, BaselineSaveWarnsOnceAboutFewRepetitionsAndStillSaves) {
  write("perfgate.yml", "benchmarks:\n  - name: t\n    command: [/bin/true]\n    iterations: 1\n");
  ASSERT_EQ(perfgate({"run", "-r", "3"}).code, 0);
  Outcome o = perfgate({"baseline", "save"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(fs::exists(dir_ / ".perfgate/baseline.json"));
  EXPECT_EQ(o.err.rfind("perfgate: warning: the baseline holds fewer than 5 repetitions of 1 benchmark(s) (t: 3): "
                        "Welch's interval",
                        0),
            0u)
      << o.err;
  EXPECT_NE(o.err.find("`perfgate run -r 11` or more"), std::string::npos) << o.err;
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  ASSERT_EQ(perfgate({"run", "-r", "10"}).code, 0);
  o = perfgate({"baseline", "save"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.err, "") << "10 repetitions are enough";
}

// `check --only` compares the benchmarks it ran with the same ones of the
// baseline; a baseline of the whole suite is not a mismatch.
TEST_F(Cli, CheckOnlyComparesTheSelectedBenchmarksWithTheBaseline) {
  write("perfgate.yml", "benchmarks:\n  - {name: a, command: [/bin/true], iterations: 2}\n"
                        "  - {name: b, command: [/bin/true], iterations: 2}\n");
  ASSERT_EQ(perfgate({"run", "-r", "3"}).code, 0);
  ASSERT_EQ(perfgate({"baseline", "save"}).code, 0);
  Outcome o = perfgate({"check", "-r", "3", "--max-repetitions", "0", "--only", "b"});
  EXPECT_TRUE(o.code == 0 || o.code == 1) << o.err;
  const std::string json = read("perfgate-out/report.json");
  EXPECT_NE(json.find("\"name\": \"b\""), std::string::npos) << json;
  EXPECT_EQ(json.find("\"name\": \"a\""), std::string::npos) << json;
  // Without --only, a suite that lost a benchmark is still a mismatch, found
  // before measuring: the last run's results stay as they were.
  const std::string before = read("perfgate-out/results.json");
  write("perfgate.yml", "benchmarks:\n  - {name: a, command: [/bin/true], iterations: 2}\n");
  o = perfgate({"check", "-r", "3", "--max-repetitions", "0"});
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_EQ(o.err, "perfgate: error: the suite and the baseline hold different benchmarks (only in the baseline: "
                   "[b]; only in the suite: []); store a new baseline with `perfgate run` and `perfgate baseline "
                   "save`\n");
  EXPECT_EQ(read("perfgate-out/results.json"), before);
}

// A benchmark that measures something else under its old name is a changed
// suite too: a command named like the baseline's workload was gated by its
// mean against the workload's p99 (+77 896 %, exit 1).
TEST_F(Cli, CheckRefusesABenchmarkThatMeasuresSomethingElseUnderItsName) {
  write("perfgate.yml", "benchmarks:\n  - {name: a, command: [/bin/true], iterations: 2}\n");
  ASSERT_EQ(perfgate({"run", "-r", "3"}).code, 0);
  ASSERT_EQ(perfgate({"baseline", "save"}).code, 0);
  write("perfgate.yml", "benchmarks:\n  - {name: a, workload: lru}\n");
  const Outcome o = perfgate({"check", "-r", "3", "--max-repetitions", "0"});
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_EQ(
      o.err,
      "perfgate: error: benchmark 'a' is a command in the baseline but a workload in the suite: "
      "the suite changed since its baseline; store a new baseline with `perfgate run` and "
      "`perfgate baseline save`\n");
}

// A changed suite is one error line, even when the baseline is small
// enough that its warning would advise about that baseline.
TEST_F(Cli, CheckOfAChangedSuiteAgainstASmallBaselineIsOneLine) {
  write("perfgate.yml", "benchmarks:\n  - {name: a, command: [/bin/true], iterations: 2}\n");
  ASSERT_EQ(perfgate({"run", "-r", "2"}).code, 0);
  ASSERT_EQ(perfgate({"baseline", "save"}).code, 0);
  write("perfgate.yml", "benchmarks:\n  - {name: b, command: [/bin/true], iterations: 2}\n");
  const Outcome o = perfgate({"check", "-r", "2"});
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_EQ(o.err.rfind("perfgate: error: the suite and the baseline hold different benchmarks", 0),
            0u)
      << o.err;
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
}

// report.md and report.json are one report: a run (or a check with no
// baseline) writes a report.md without verdicts, so the report.json an
// earlier gate left beside it goes; a gate writes both again.
TEST_F(Cli, AReportWithoutVerdictsRemovesTheLastGatesReportJson) {
  write("perfgate.yml", "benchmarks:\n  - {name: a, command: [/bin/true], iterations: 2}\n");
  ASSERT_EQ(perfgate({"run", "-r", "3"}).code, 0);
  ASSERT_EQ(perfgate({"baseline", "save"}).code, 0);
  // A differential flame graph of an earlier gate's regression, and a file
  // of the user's: the first goes with a report that does not link it.
  fs::create_directories(dir_ / "perfgate-out/flamegraphs");
  write("perfgate-out/flamegraphs/old-diff.svg", "<svg/>");
  write("perfgate-out/flamegraphs/notes.txt", "mine");
  Outcome o = perfgate({"check", "-r", "3", "--max-repetitions", "0"});
  ASSERT_TRUE(o.code == 0 || o.code == 1) << o.err;
  ASSERT_TRUE(fs::exists(dir_ / "perfgate-out/report.json"));
  EXPECT_FALSE(fs::exists(dir_ / "perfgate-out/flamegraphs/old-diff.svg"));
  EXPECT_EQ(read("perfgate-out/flamegraphs/notes.txt"), "mine");
  write("perfgate-out/flamegraphs/old-diff.svg", "<svg/>");
  o = perfgate({"run", "-r", "3"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "perfgate-out/report.json"));
  EXPECT_FALSE(fs::exists(dir_ / "perfgate-out/flamegraphs/old-diff.svg"));
  EXPECT_EQ(read("perfgate-out/flamegraphs/notes.txt"), "mine");
  EXPECT_EQ(read("perfgate-out/report.md").rfind("<!-- perfgate:results -->", 0), 0u);
  o = perfgate({"check", "-r", "3", "--max-repetitions", "0"});
  ASSERT_TRUE(o.code == 0 || o.code == 1) << o.err;
  ASSERT_TRUE(fs::exists(dir_ / "perfgate-out/report.json"));
  fs::remove(dir_ / ".perfgate/baseline.json");
  o = perfgate({"check", "-r", "3"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("no baseline yet"), std::string::npos) << o.out;
  EXPECT_FALSE(fs::exists(dir_ / "perfgate-out/report.json"));
  EXPECT_TRUE(fs::exists(dir_ / "perfgate-out/report.md"));
}

// α is spent over the looks a benchmark can take: from the 3 repetitions the
// suite configures to the cap of 9, that is 3, 5, 7 and 9 — 4 looks, not the
// 3 counted from the usual 5 (which spent 0.051 in all).
TEST_F(Cli, CheckCountsItsLooksFromTheRepetitionsTheSuiteConfigures) {
  write("perfgate.yml",
        "benchmarks:\n  - {name: t, command: [/bin/true], iterations: 2, repetitions: 3}\n");
  ASSERT_EQ(perfgate({"run"}).code, 0);
  ASSERT_EQ(perfgate({"baseline", "save"}).code, 0);
  const Outcome o = perfgate({"check", "--max-repetitions", "9"});
  EXPECT_TRUE(o.code == 0 || o.code == 1) << o.err;
  const std::string json = read("perfgate-out/report.json");
  EXPECT_NE(json.find("\"looks\": 4,"), std::string::npos) << json.substr(0, 600);
}

TEST_F(Cli, CheckAddsAtMostThreeTimesTheBaselinesRepetitions) {
  // Sleeps of 10-90 ms by PID: too noisy for 2 vs 3 repetitions to decide.
  write("perfgate.yml", "benchmarks:\n  - name: t\n    command: \"sleep 0.0$(( $$ % 9 + 1 ))\"\n    iterations: 1\n");
  Outcome o = perfgate({"run", "-r", "2"});
  ASSERT_EQ(o.code, 0) << o.err;
  ASSERT_EQ(perfgate({"baseline", "save"}).code, 0);
  o = perfgate({"check", "-r", "3", "--max-repetitions", "31"});
  EXPECT_TRUE(o.code == 0 || o.code == 1) << o.err;
  EXPECT_NE(o.err.find("the baseline holds as few as 2 repetitions"), std::string::npos) << o.err;
  const auto head = gate::results_from_json(read("perfgate-out/results.json"), "head");
  ASSERT_TRUE(head && head->benchmarks.size() == 1u);
  EXPECT_LE(head->benchmarks[0].repetitions.size(), 6u) << "3 × the baseline's 2";
}

// The whole chain on a known truth: a profiled baseline, then an injected
// slowdown in the lru workload's serve function must come back as a
// regression whose first differential hotspot is that function.
TEST_F(Cli, CheckRanksTheSlowedFunctionFirstAmongDifferentialHotspots) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (or CAP_BPF + CAP_PERFMON) for the eBPF profiler";
  // 50 000 batches: shorter repetitions have a p99 so noisy on a shared VM
  // that even +100 % can stay inconclusive at 8 vs 8.
  write("perfgate.yml", "benchmarks:\n  - {name: lru, workload: lru, parameters: {ops: 50000}}\n");
  // 8 base repetitions: with 4, one base repetition hit by a long host
  // interruption (once its p99 was ~14x the others') widened Welch's
  // interval to [0.32, 22] and +300 % stayed inconclusive. With 8, one such
  // repetition still leaves the lower bound near 1.3.
  Outcome o = perfgate({"run", "--profile", "--hz", "999", "-r", "8"});
  ASSERT_EQ(o.code, 0) << o.err;
  auto base = gate::results_from_json(read("perfgate-out/results.json"), "base");
  ASSERT_TRUE(base && base->benchmarks.size() == 1u);
  ASSERT_TRUE(base->benchmarks[0].profile.has_value());
  if (base->benchmarks[0].profile->status != "ok")
    GTEST_SKIP() << "the eBPF profiler is unavailable here: " << base->benchmarks[0].profile->reason;
  // With nothing to compare, the run's report and summary still say where
  // the time goes: the flame graph and the hotspots by ROI, from lru's code.
  const std::string run_md = read("perfgate-out/report.md");
  EXPECT_NE(run_md.find("| lru | ✅ <code>profiles/lru.json</code> | <code>profiles/lru.svg</code> | "
                        "<code>perfgate::workloads::lru::"),
            std::string::npos)
      << run_md;
  EXPECT_NE(run_md.find("<summary>Hotspots of lru by ROI</summary>"), std::string::npos) << run_md;
  EXPECT_TRUE(fs::exists(dir_ / "perfgate-out/profiles/lru.svg"));
  EXPECT_NE(o.out.find("first by ROI (self %, total %)\nlru "), std::string::npos) << o.out;
  o = perfgate({"baseline", "save"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(fs::exists(dir_ / ".perfgate/baseline-profiles/lru.json")) << "profiles travel with the baseline";

  // +300 %: with 4 base repetitions in a slow spell of this shared VM, +100 %
  // once measured +41 % [-53 %, +325 %] and stayed inconclusive (1 run in 10).
  write("perfgate.yml",
        "benchmarks:\n  - {name: lru, workload: lru, parameters: {ops: 50000, slowdown_percent: 300}}\n");
  o = perfgate({"check", "--profile", "--hz", "999", "-r", "4", "--max-repetitions", "8"});
  EXPECT_EQ(o.code, 1) << o.err << o.out;
  expect_schema_valid("report.schema.json", dir_ / "perfgate-out/report.json");
  const auto report = nlohmann::json::parse(read("perfgate-out/report.json"));
  ASSERT_EQ(report["hotspots"].size(), 1u) << report.dump(1);
  const auto& diff = report["hotspots"][0]["differential"];
  ASSERT_FALSE(diff.empty()) << report["hotspots"].dump(1);
  EXPECT_EQ(diff[0]["function"].get<std::string>().rfind("perfgate::workloads::lru::RequestCache::serve_batch", 0), 0u)
      << diff.dump(1);
  EXPECT_FALSE(report["hotspots"][0]["top"].empty());
  const std::string md = read("perfgate-out/report.md");
  EXPECT_NE(md.find("Where lru got slower"), std::string::npos);
  // The report links the head's flame graph and a differential one it drew.
  EXPECT_NE(md.find("profiles/lru.svg"), std::string::npos) << md;
  EXPECT_NE(md.find("flamegraphs/lru-diff.svg"), std::string::npos) << md;
  const std::string diff_svg = read("perfgate-out/flamegraphs/lru-diff.svg");
  EXPECT_NE(diff_svg.find("RequestCache::serve"), std::string::npos);
}

// Tests of `run --profile --count-calls` on a suite whose one benchmark is
// named batcher.
class CountCallsCli : public PerfgateCliTest {
 protected:
  // `run --profile --hz 999 --count-calls --count-runs RUNS -r 1`: the
  // benchmark's profile in *profile, or the test skipped where the
  // profiler is unavailable.
  void run_counting_calls(const char* runs, std::optional<profiler::Profile>& profile) {
    const Outcome o =
        perfgate({"run", "-q", "--profile", "--hz", "999", "--count-calls", "--count-runs", runs, "-r", "1"});
    ASSERT_EQ(o.code, 0) << o.err;
    const auto results = gate::results_from_json(read("perfgate-out/results.json"), "results");
    ASSERT_TRUE(results && results->benchmarks.size() == 1u);
    ASSERT_TRUE(results->benchmarks[0].profile.has_value());
    if (results->benchmarks[0].profile->status != "ok")
      GTEST_SKIP() << "the eBPF profiler is unavailable here: " << results->benchmarks[0].profile->reason;
    auto p = gate::profile_from_json(read("perfgate-out/profiles/batcher.json"));
    ASSERT_TRUE(p) << p.error().message;
    profile = std::move(*p);
  }

  // The batcher model's counted calls (most of its CPU time), or null.
  static const profiler::FunctionCalls* forward_calls(const profiler::Profile& p) {
    auto it = std::ranges::find_if(p.calls, [](const profiler::FunctionCalls& c) {
      return c.function.starts_with("perfgate::workloads::batcher::SimulatedModel::forward(");
    });
    return it == p.calls.end() ? nullptr : &*it;
  }
};

// run --profile --count-calls: each counting run is kept in the profile
// (calls[].runs, adding up to calls and self_samples), schema-valid, and the
// batcher's model — most of its CPU time — is counted in both, from the
// workload's mark on. With
// profiling.duration the profiled run (~0.15 s) is repeated and merged
// until that much was sampled.
TEST_F(CountCallsCli, KeepsEveryCountingRunAndProfilesForTheDuration) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (or CAP_BPF + CAP_PERFMON) for the eBPF profiler";
  write("perfgate.yml",
        "benchmarks:\n  - {name: batcher, workload: batcher, parameters: {ops: 2000}, profiling: {duration: 0.6}}\n");
  std::optional<profiler::Profile> profile;
  run_counting_calls("2", profile);
  if (HasFatalFailure() || IsSkipped()) return;
  expect_schema_valid("profile.schema.json", dir_ / "perfgate-out/profiles/batcher.json");
  for (const auto& c : profile->calls) {
    ASSERT_EQ(c.runs.size(), 2u) << c.function;
    EXPECT_EQ(c.runs[0].calls + c.runs[1].calls, c.calls) << c.function;
    EXPECT_EQ(c.runs[0].self_samples + c.runs[1].self_samples, c.self_samples) << c.function;
  }
  EXPECT_GE(profile->stats.duration_s, 0.6);
  const profiler::FunctionCalls* forward = forward_calls(*profile);
  ASSERT_NE(forward, nullptr) << read("perfgate-out/profiles/batcher.json").substr(0, 3000);
  // 2000 requests in batches of at most 8.
  EXPECT_GE(forward->runs[0].calls, 250u);
  EXPECT_LE(forward->runs[0].calls, 2000u);
  EXPECT_GE(forward->runs[1].calls, 250u);
  EXPECT_FALSE(profile->calls_partial);
  // Counted from the workload's mark of where its requests begin, not
  // through its setup (building the inputs).
  EXPECT_EQ(profile->calls_from, "perfgate_operations_begin");
}

// A `command` string with shell syntax (here a redirection) runs under
// /bin/sh -c, which forks it: its executable's hot functions are still
// counted (the probes follow the process tree), so calls % can enter the
// hotspot score.
TEST_F(CountCallsCli, CountsACommandTheShellForks) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (or CAP_BPF + CAP_PERFMON) for the eBPF profiler";
  write("perfgate.yml", fmt::format("benchmarks:\n  - name: batcher\n    command: \"{} workloads run batcher --ops 2000 "
                                    ">/dev/null\"\n    iterations: 1\n",
                                    exe_));
  std::optional<profiler::Profile> profile;
  run_counting_calls("1", profile);
  if (HasFatalFailure() || IsSkipped()) return;
  const profiler::FunctionCalls* forward = forward_calls(*profile);
  ASSERT_NE(forward, nullptr) << read("perfgate-out/profiles/batcher.json").substr(0, 3000);
  EXPECT_GE(forward->calls, 250u);  // 2000 requests in batches of at most 8
  EXPECT_LE(forward->calls, 2000u);
  EXPECT_GT(forward->self_samples, 0u);
}

// profiling.duration repeats the profiled run until that much was sampled;
// a run that exits uncleanly ends the repetition: the profile keeps the
// runs so far and says why it stopped.
TEST_F(Cli, AProfiledRunThatFailsEndsTheRepetitionAndKeepsTheProfile) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (or CAP_BPF + CAP_PERFMON) for the eBPF profiler";
  const std::string runs = (dir_ / "runs").string();
  // The measured run is the first process, the profiled ones the next: the
  // third process (the second profiled run) exits 1 after its work.
  write("perfgate.yml",
        fmt::format("benchmarks:\n  - name: spin\n    command: \"n=$(cat {0} 2>/dev/null || echo 0); "
                    "echo $((n+1)) > {0}; i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; [ $n -lt 2 ]\"\n"
                    "    repetitions: 1\n    iterations: 1\n    profiling: {{duration: 100}}\n",
                    runs));
  const Outcome o = perfgate({"run", "-q", "--profile", "--hz", "999"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(read("runs"), "3\n") << "no profiled run after the one that failed";
  const auto results = gate::results_from_json(read("perfgate-out/results.json"), "results");
  ASSERT_TRUE(results && results->benchmarks.size() == 1u);
  const auto& ref = results->benchmarks[0].profile;
  ASSERT_TRUE(ref.has_value());
  if (ref->status == "missing") GTEST_SKIP() << "the eBPF profiler is unavailable here: " << ref->reason;
  EXPECT_EQ(ref->status, "ok");
  EXPECT_EQ(ref->reason, "the profiled run exited with status 1");
  const auto profile = gate::profile_from_json(read("perfgate-out/profiles/spin.json"));
  ASSERT_TRUE(profile) << profile.error().message;
  // Both profiled runs are in it: each spins for a while, so each adds samples.
  EXPECT_GT(profile->stats.duration_s, 0.0);
  EXPECT_LT(profile->stats.duration_s, 100.0);
  EXPECT_GT(profile->total(), 20u);
}

TEST_F(Cli, AbAlternatesSidesInAbbaOrder) {
  const Outcome o = perfgate({"ab", "--base", "echo A >> order.log", "--head", "echo B >> order.log", "--pairs", "4",
                              "--max-pairs", "4", "--iterations", "1"});
  EXPECT_TRUE(o.code == 0 || o.code == 1) << o.err;
  std::string order = read("order.log");
  std::erase(order, '\n');
  EXPECT_EQ(order, "ABBAABBA");
  expect_schema_valid("results.schema.json", dir_ / "perfgate-out/base-results.json");
  expect_schema_valid("report.schema.json", dir_ / "perfgate-out/report.json");
}

TEST_F(Cli, AbFindsAGrossSlowdownOfACommand) {
  const Outcome o = perfgate({"ab", "--base", "sleep 0.002", "--head", "sleep 0.05", "--pairs", "3", "--iterations", "3"});
  EXPECT_EQ(o.code, 1) << o.err << o.out;
  EXPECT_NE(read("perfgate-out/report.md").find("## ❌ perfgate: 1 regression"), std::string::npos);
}

// validate-gate names the machine's noise in every pool: slow time slices and
// interrupted operations. The clean pool's third repetition was interrupted
// at 10 of its 1 000 operations (3x), the injected pool never.
TEST_F(Cli, ValidateGatePrintsEachPoolsInterruptedOperations) {
  gate::Results r;
  r.run.started_at = "2026-11-22T07:00:00Z";
  for (const double slowdown : {0.0, 30.0}) {
    gate::BenchmarkResult b;
    b.name = fmt::format("w/slowdown_percent={:g}", slowdown);
    b.source.kind = "workload";
    b.source.workload = "lru";
    for (int i = 0; i < 6; ++i) {
      gate::Repetition rep;
      rep.index = i;
      for (int k = 0; k < 1000; ++k)
        rep.samples.push_back((1000 + 7 * (k % 13) + 3 * i) * (1 + slowdown / 100) *
                              (slowdown == 0 && i == 2 && k % 100 == 50 ? 3 : 1));
      rep.stats = gate::summarize(rep.samples, 0.001);
      b.repetitions.push_back(rep);
    }
    b.stats = b.repetitions[0].stats;
    r.benchmarks.push_back(b);
  }
  write("pool.json", gate::results_to_json(r));
  const Outcome o = perfgate({"validate-gate", "pool.json", "--comparisons", "10", "--reps", "3"});
  EXPECT_TRUE(o.code == 0 || o.code == 1) << o.err;
  EXPECT_NE(o.out.find("interrupted operations (≥ 2x the same operation's median over the pool): clean 0.17 %, "
                       "+30 % 0.00 %"),
            std::string::npos)
      << o.out;
  // Beside the draws, the whole pools compared once; 1 000 samples leave 10
  // above the p99, too few to gate (n/a), as they were for every draw.
  EXPECT_NE(o.out.find("whole pools [95% CI]"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("1.000                    n/a  MISSED caught >= 95 %"), std::string::npos) << o.out;
}

// scripts/validate-gate's exit status is the gate as it runs: the adaptive
// rows (REPS >= 31), not the fixed 5 repetitions a side, which miss the
// detection bars by design (until 2026-12-07 they failed every nightly
// calibration). The script's measuring step is replaced by a pool built
// here (a wrapper answers `run` by copying it); everything else is the real
// perfgate. Per-repetition p99s spread by 5 %: five a side often cannot
// tell +15 % from +5 %, 31 can.
TEST_F(Cli, ValidateGateScriptFailsOnlyWhenTheGateAsItRunsMissesABar) {
  using Variants = std::vector<std::pair<std::string, double>>;  // name, scale of p99
  auto write_pool = [&](const std::string& file, const Variants& variants) {
    gate::Results r;
    r.run.started_at = "2026-12-07T01:00:00Z";
    workloads::harness::Rng rng(42);
    for (const auto& [name, scale] : variants) {
      gate::BenchmarkResult b;
      b.name = name;
      b.source.kind = "workload";
      b.source.workload = "lru";
      for (int i = 0; i < 31; ++i) {  // REPS >= 31 gives the adaptive rows
        const double z = rng.normal();
        gate::Repetition rep;
        rep.index = static_cast<std::uint64_t>(i);
        // 10 000 operations: the 100 in the tail that gating needs.
        rep.samples.assign(10'000, std::round(1000 * scale * std::exp(0.05 * z)));
        rep.stats = gate::summarize(rep.samples, 0.01);
        b.repetitions.push_back(std::move(rep));
      }
      b.stats = b.repetitions[0].stats;
      r.benchmarks.push_back(std::move(b));
    }
    write(file, gate::results_to_json(r));
  };
  const Variants clean = {{"w/slowdown_percent=0", 1}, {"w/twin/slowdown_percent=0", 1}};
  Variants variants = clean;
  variants.insert(variants.end(),
                  {{"w/slowdown_percent=5", 1.05}, {"w/slowdown_percent=15", 1.15}, {"w/slowdown_percent=30", 1.3}});
  write_pool("pool.json", variants);
  variants = clean;
  variants.push_back({"w/slowdown_percent=15", 1.0});  // a "+15 %" that did nothing: the adaptive rows must miss it
  write_pool("weak-pool.json", variants);
  auto script = [&](const std::string& pool, int reps) {
    write("fake-perfgate", fmt::format("#!/bin/sh\n"
                                       "if [ \"$1\" = run ]; then\n"
                                       "  while [ $# -gt 0 ]; do [ \"$1\" = -o ] && exec cp '{}' \"$2\"; shift; done\n"
                                       "  exit 2\nfi\nexec '{}' \"$@\"\n",
                                       (dir_ / pool).string(), exe_));
    fs::permissions(dir_ / "fake-perfgate", fs::perms::owner_all);
    // The script runs from the repository's root: absolute paths.
    return shell(fmt::format("PERFGATE='{}' OUT='{}' REPS={} COMPARISONS=20 exec '{}'",
                             (dir_ / "fake-perfgate").string(), (dir_ / "out").string(), reps,
                             PERFGATE_SOURCE_DIR "/scripts/validate-gate"));
  };
  Outcome o = script("pool.json", 31);
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  // The fixed rows missed (that is what they are for), the adaptive ones did not.
  EXPECT_NE(read("out/baseline-mode.txt").find("MISSED caught >= 95 %"), std::string::npos)
      << read("out/baseline-mode.txt");
  EXPECT_EQ(read("out/baseline-adaptive.txt").find("MISSED"), std::string::npos) << read("out/baseline-adaptive.txt");
  EXPECT_EQ(read("out/paired-adaptive.txt").find("MISSED"), std::string::npos) << read("out/paired-adaptive.txt");
  o = script("weak-pool.json", 31);
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  EXPECT_NE(read("out/baseline-adaptive.txt").find("MISSED caught >= 95 %"), std::string::npos);
  o = script("pool.json", 10);  // no adaptive rows: the fixed ones decide, and it says so
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  EXPECT_NE(o.err.find("REPS=10 < 31, so no adaptive rows"), std::string::npos) << o.err;
}

// Ctrl-C or a CI job's cancellation (SIGINT, SIGTERM to perfgate) takes
// the benchmark it is running with it. The child runs in a process group of
// its own (for the timeout), so the signal never reached it, and it ran on,
// orphaned. SIGTERM here: a shell's background job ignores SIGINT, and
// perfgate leaves a signal ignored on entry ignored.
TEST_F(Cli, InterruptingARunEndsTheBenchmarkItIsRunning) {
  write("perfgate.yml",
        "benchmarks:\n  - name: long\n    command: \"echo $$ > child.pid; exec sleep 30\"\n"
        "    iterations: 1\n    repetitions: 1\n");
  const Outcome o = terminate_once_child_runs("run");
  EXPECT_NE(o.out.find("status 143"), std::string::npos)
      << o.out << o.err;  // died of SIGTERM, as it would have
  EXPECT_NE(o.out.find("gone"), std::string::npos) << o.out << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "perfgate-out/.scratch")) << "the scratch files go with the run";
  EXPECT_TRUE(fs::exists(dir_ / "perfgate-out")) << "made by the run; not perfgate's to remove";
}

// A profiled run is a repetition too: its own process group, killed with
// perfgate (it used to share perfgate's group, which a SIGTERM to perfgate
// alone does not reach, and ran on).
TEST_F(Cli, InterruptingAProfiledRunEndsTheProfiledBenchmark) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (or CAP_BPF + CAP_PERFMON) for the eBPF profiler";
  // The measured repetition leaves `measured` and ends; the profiled run
  // after it then stays.
  write("perfgate.yml",
        "benchmarks:\n  - name: long\n"
        "    command: \"if [ -e measured ]; then echo $$ > child.pid; exec sleep 30; fi; touch "
        "measured\"\n"
        "    iterations: 1\n    repetitions: 1\n");
  const Outcome o = terminate_once_child_runs("run --profile");
  if (read("run.log").find("profiles will be missing") != std::string::npos)
    GTEST_SKIP() << "the eBPF profiler is unavailable here: " << read("run.log");
  EXPECT_NE(o.out.find("status 143"), std::string::npos) << o.out << read("run.log");
  EXPECT_NE(o.out.find("gone"), std::string::npos) << o.out << read("run.log");
  EXPECT_FALSE(fs::exists(dir_ / "perfgate-out/.scratch"));
}

TEST_F(Cli, AbRejectsMixingADirectoryAndACommand) {
  const Outcome o = perfgate({"ab", "--base", ".", "--head", "true"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("both be build directories or both be commands"), std::string::npos) << o.err;
}

TEST_F(Cli, ShardsMergeBackIntoOneResultsFile) {
  write("perfgate.yml", "benchmarks:\n  - {name: a, command: [/bin/true], iterations: 2}\n"
                        "  - {name: b, command: [/bin/true], iterations: 2}\n  - {name: c, command: [/bin/true], iterations: 2}\n");
  EXPECT_EQ(perfgate({"run", "-r", "2", "--shard", "1/2", "-o", "s1.json"}).code, 0);
  EXPECT_EQ(perfgate({"run", "-r", "2", "--shard", "2/2", "-o", "s2.json"}).code, 0);
  Outcome o = perfgate({"merge", "s1.json", "s2.json", "-o", "all.json"});
  EXPECT_EQ(o.code, 0) << o.err;
  auto merged = gate::results_from_json(read("all.json"), "all.json");
  ASSERT_TRUE(merged) << merged.error().message;
  std::vector<std::string> names;
  for (const auto& b : merged->benchmarks) names.push_back(b.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "c", "b"}));
  EXPECT_NE(read("report.md").find("## perfgate results: 3 benchmarks, all ran ✅"),
            std::string::npos)
      << "the merged night's report beside it";
  o = perfgate({"merge", "s1.json", "s1.json"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("shards must be disjoint"), std::string::npos) << o.err;
  EXPECT_EQ(perfgate({"run", "--shard", "3/2"}).code, 2);
  // Not a shard of the same run: it would be reported under s1's commit.
  write("other.yml",
        "suite: {name: other}\nbenchmarks:\n  - {name: d, command: [/bin/true], iterations: 2}\n");
  ASSERT_EQ(perfgate({"run", "-r", "2", "-c", "other.yml", "-o", "s3.json"}).code, 0);
  o = perfgate({"merge", "s1.json", "s3.json", "-o", "mixed.json"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("the files come from different suites"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "mixed.json"));
}

// Profile paths are relative to each shard's file: merged into another
// directory they are rebased, and a profile outside it is copied in with
// its flame graph, so the merged file never points outside its directory.
TEST_F(Cli, MergeKeepsEachShardsProfileReachableFromTheMergedFile) {
  profiler::Profile p;
  p.add(std::vector<std::uint32_t>{p.intern(
            profiler::Frame{.function = "work", .module = "app", .symbol_size = 64})},
        500);
  for (const std::string shard : {"x", "y"}) {
    fs::create_directories(dir_ / shard / "profiles");
    auto r = gate::results_from_json(results_with_p99(1000, "b" + shard), "r");
    r->benchmarks[0].profile = gate::ProfileRef{"ok", "profiles/b" + shard + ".json", ""};
    write(shard + "/s.json", gate::results_to_json(*r));
    write(shard + "/profiles/b" + shard + ".json", gate::profile_to_json(p));
    write(shard + "/profiles/b" + shard + ".svg", "<svg/>");
  }
  const Outcome o = perfgate({"merge", "x/s.json", "y/s.json", "-o", "x/all.json"});
  ASSERT_EQ(o.code, 0) << o.err;
  auto merged = gate::results_from_json(read("x/all.json"), "all");
  ASSERT_TRUE(merged) << merged.error().message;
  EXPECT_EQ(merged->benchmarks[0].profile->path, "profiles/bx.json");  // beside it already
  EXPECT_EQ(merged->benchmarks[1].profile->path, "profiles/by.json");  // copied in
  EXPECT_EQ(read("x/profiles/by.json"), read("y/profiles/by.json"));
  EXPECT_EQ(read("x/profiles/by.svg"), "<svg/>");
  const std::string md = read("x/report.md");
  EXPECT_NE(md.find("| by | ✅ <code>profiles/by.json</code> | <code>profiles/by.svg</code> | "
                    "<code>work</code>"),
            std::string::npos)
      << md;
  // A merge it refuses copies nothing either.
  auto other = gate::results_from_json(read("y/s.json"), "y");
  other->run.suite = "another";
  other->benchmarks[0].name = "bz";
  write("y/other.json", gate::results_to_json(*other));
  const Outcome refused = perfgate({"merge", "x/s.json", "y/other.json", "-o", "w/all.json"});
  EXPECT_EQ(refused.code, 2) << refused.err;
  EXPECT_FALSE(fs::exists(dir_ / "w"));
}

// Google Benchmark >= 1.8 writes a row of state.SkipWithMessage as
// "skipped": true with times of 0, which were imported as measurements.
// (The installed library may predate it: the output is written here.)
TEST_F(Cli, ImportLeavesOutABenchmarkThatSkippedItselfAndSaysSo) {
  write("gbench.json", R"({"benchmarks": [
    {"name": "BM_Sum", "run_name": "BM_Sum", "run_type": "iteration", "iterations": 100,
     "real_time": 12, "cpu_time": 12, "time_unit": "ns"},
    {"name": "BM_Avx", "run_name": "BM_Avx", "run_type": "iteration", "skipped": true,
     "skip_message": "needs AVX-512", "iterations": 0, "real_time": 0, "cpu_time": 0,
     "time_unit": "ns"},
    {"name": "BM_Sum", "run_name": "BM_Sum", "run_type": "iteration", "skipped": true,
     "skip_message": "once", "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "ns"},
    {"name": "BM_Quiet", "run_type": "iteration", "skipped": true, "skip_message": "",
     "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "ns"}]})");
  const Outcome o = perfgate({"import", "gbench", "gbench.json", "-o", "imported.json"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(
      o.err,
      "perfgate: warning: BM_Avx skipped by the benchmark: \"needs AVX-512\"; not imported\n"
      "perfgate: warning: BM_Quiet skipped by the benchmark (without a message); not imported\n");
  EXPECT_NE(o.out.find("imported 1 benchmark (1 repetition) from gbench.json"), std::string::npos)
      << o.out;
  auto r = gate::results_from_json(read("imported.json"), "imported.json");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->benchmarks.size(), 1u);
  EXPECT_EQ(r->benchmarks[0].name, "BM_Sum");
  EXPECT_EQ(r->benchmarks[0].repetitions.size(), 1u) << "its skipped row is no repetition";
}

// Google Benchmark output names no commit; the job that imports it knows
// one, and `history append` takes the results' by default.
TEST_F(Cli, ImportRecordsTheCommitGivenWithCommitOrItsEnvironmentTwin) {
  write("gbench.json", R"({"benchmarks": [{"name": "BM_Sum", "real_time": 12, "cpu_time": 12}]})");
  auto commit_of = [&](const std::string& file) {
    auto r = gate::results_from_json(read(file), file);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->run.commit : "";
  };
  Outcome o = perfgate({"import", "gbench", "gbench.json", "-o", "a.json", "--commit", "4f1c2d"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(commit_of("a.json"), "4f1c2d");
  o = perfgate({"history", "append", "h.jsonl", "a.json"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(read("h.jsonl").find(R"("commit":"4f1c2d")"), std::string::npos) << read("h.jsonl");
  o = perfgate({"import", "gbench", "gbench.json", "-o", "b.json"}, "PERFGATE_COMMIT=9e8d7c");
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(commit_of("b.json"), "9e8d7c");
  o = perfgate({"import", "gbench", "gbench.json", "-o", "c.json"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(commit_of("c.json"), "") << "without it, none";
  // Refused as a history refuses it: it is printed, and reaches the history.
  for (const auto& [commit, why] : std::vector<std::pair<std::string, std::string>>{
           {"ab\ncd", "a control character (at byte 2)"},
           {"ab\xff", "a byte that is not UTF-8 (0xff at byte 2)"}}) {
    o = perfgate({"import", "gbench", "gbench.json", "-o", "d.json", "--commit", commit});
    EXPECT_EQ(o.code, 2) << o.err;
    EXPECT_EQ(o.err, "perfgate: error: --commit holds " + why +
                         "; pass the commit's hash (e.g. $GITHUB_SHA)\n");
    EXPECT_FALSE(fs::exists(dir_ / "d.json"));
  }
}

#ifdef PERFGATE_TINY_GBENCH
TEST_F(Cli, ImportsGoogleBenchmarkJsonKeepingEveryRepetition) {
  auto gb = gate::run_process({.argv = {PERFGATE_TINY_GBENCH, "--benchmark_format=json", "--benchmark_repetitions=4",
                                        "--benchmark_min_time=0.01"},
                               .stdout_path = dir_ / "gbench.json"});
  ASSERT_TRUE(gb && gb->ok());
  const Outcome o = perfgate({"import", "gbench", "gbench.json", "-o", "imported.json"});
  EXPECT_EQ(o.code, 0) << o.err;
  expect_schema_valid("results.schema.json", dir_ / "imported.json");
  auto r = gate::results_from_json(read("imported.json"), "imported.json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->benchmarks.size(), 3u);
  EXPECT_EQ(r->benchmarks[0].name, "BM_Sum/64");
  EXPECT_EQ(r->benchmarks[0].repetitions.size(), 4u) << "every repetition kept";
  EXPECT_EQ(r->benchmarks[0].source.imported_from, "gbench.json");
  EXPECT_EQ(r->benchmarks[0].source.command, std::vector<std::string>{PERFGATE_TINY_GBENCH});
  EXPECT_EQ(r->run.commit, "") << "the output names no commit";
  EXPECT_EQ(r->benchmarks[2].status, "failed");
  EXPECT_EQ(r->benchmarks[2].error, "deliberate failure");
  // Gated on per-repetition times: two imports of the same binary compare.
  EXPECT_EQ(perfgate({"import", "gbench", "gbench.json", "-o", "again.json"}).code, 0);
  // BM_Fails has no verdict: the others pass, and the gate says it failed
  // (exit 3, as `check` and `ab` do for a benchmark that failed to run).
  const Outcome c = perfgate({"compare", "imported.json", "again.json"});
  EXPECT_EQ(c.code, 3) << c.err << c.out;
  EXPECT_NE(c.out.find("BM_Sum/64    mean"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("perfgate: FAILED (1 of 3 benchmarks could not be measured)"), std::string::npos) << c.out;
  EXPECT_NE(c.err.find("perfgate: error: benchmarks that failed to run: BM_Fails in imported.json, BM_Fails in "
                       "again.json"),
            std::string::npos)
      << c.err;
}

TEST_F(Cli, RunsGoogleBenchmarkBinariesFromTheSuite) {
  write("perfgate.yml", std::string("benchmarks:\n  - name: tiny\n    gbench: ") + PERFGATE_TINY_GBENCH +
                            "\n    parameters: {filter: BM_Sum, repetitions: 3, min_time: 0.01}\n");
  const Outcome o = perfgate({"run", "-r", "2"});
  EXPECT_EQ(o.code, 0) << o.err << o.out;
  expect_schema_valid("results.schema.json", dir_ / "perfgate-out/results.json");
  auto r = gate::results_from_json(read("perfgate-out/results.json"), "r");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->benchmarks.size(), 2u);
  EXPECT_EQ(r->benchmarks[1].name, "tiny/BM_Sum/4096");
  EXPECT_EQ(r->benchmarks[1].repetitions.size(), 2u);
  EXPECT_EQ(r->benchmarks[1].repetitions[0].stats.count, 3u);
}
#else
TEST_F(Cli, ImportsGoogleBenchmarkJsonKeepingEveryRepetition) {
  GTEST_SKIP() << "built without Google Benchmark (PERFGATE_BUILD_BENCHMARKS=OFF)";
}
#endif

}  // namespace
}  // namespace perfgate
