#include "gate/suite_config.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace perfgate::gate {
namespace {

TEST(SuiteConfig, ParsesTheSeedSchemaFields) {
  auto cfg = parse_suite_config(R"(
suite:
  name: demo
  defaults: {repetitions: 7, timeout_s: 30}
benchmarks:
  - name: gzip
    description: compress a file
    category: compression
    command: [gzip, -c, /etc/hostname]
    iterations: 12
    targets:
      p99_ms: {target: 100, acceptable_range: [50, 200]}
      throughput_per_s: {target: 30}
    profiling: {enabled: true, sample_rate: 999, duration: 60}
    regression: {enabled: true, threshold_percent: 15, min_iterations: 4}
    output: {format: json, include_traces: false, save_artifacts: true}
)",
                                "perfgate.yml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->name, "demo");
  ASSERT_EQ(cfg->benchmarks.size(), 1u);
  const BenchmarkSpec& b = cfg->benchmarks[0];
  EXPECT_EQ(b.source.kind, "command");
  EXPECT_EQ(b.source.command, (std::vector<std::string>{"gzip", "-c", "/etc/hostname"}));
  EXPECT_EQ(b.repetitions, 7u);
  EXPECT_EQ(b.timeout_s, 30);
  EXPECT_EQ(b.iterations, 12u);
  ASSERT_EQ(b.targets.size(), 2u);
  EXPECT_EQ(b.targets[0].metric, "p99_ms");
  EXPECT_EQ(b.targets[0].acceptable_range, (std::pair<double, double>{50, 200}));
  EXPECT_FALSE(b.targets[1].acceptable_range);
  EXPECT_TRUE(b.profiling.enabled);
  EXPECT_EQ(b.profiling.sample_rate_hz, 999u);
  EXPECT_EQ(b.regression.threshold_percent, 15);
  EXPECT_EQ(b.regression.min_iterations, 4u);
  EXPECT_FALSE(b.output.include_traces);
}

TEST(SuiteConfig, UnknownKeyNamesTheKeyAndItsLine) {
  auto cfg = parse_suite_config("benchmarks:\n  - name: x\n    command: [true]\n    regression:\n      thresold_percent: 5\n",
                                "perfgate.yml");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error().code, ExitCode::bad_input);
  EXPECT_NE(cfg.error().message.find("perfgate.yml:5:"), std::string::npos) << cfg.error().message;
  EXPECT_NE(cfg.error().message.find("'thresold_percent'"), std::string::npos) << cfg.error().message;
  EXPECT_NE(cfg.error().message.find("threshold_percent"), std::string::npos) << "lists the known keys";
}

TEST(SuiteConfig, BadValueNamesKeyAndLine) {
  auto cfg = parse_suite_config("benchmarks:\n  - name: x\n    command: [true]\n    repetitions: many\n", "s.yml");
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("s.yml:4:"), std::string::npos) << cfg.error().message;
  EXPECT_NE(cfg.error().message.find("'repetitions'"), std::string::npos) << cfg.error().message;
}

TEST(SuiteConfig, ADuplicateKeyIsRejectedWithItsLine) {
  auto cfg = parse_suite_config("benchmarks:\n  - name: t\n    command: [true]\n    name: u\n", "s.yml");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error().message.rfind("s.yml:4:", 0), 0u) << cfg.error().message;
  EXPECT_NE(cfg.error().message.find("key 'name' appears twice"), std::string::npos) << cfg.error().message;
}

// A typo in a target's metric would fail that target as "not measured" on
// every run; a workload's own metrics are known from its Info.
TEST(SuiteConfig, TargetsNameOnlyMetricsTheBenchmarkMeasures) {
  auto cfg = parse_suite_config("benchmarks:\n  - name: c\n    workload: lru\n    targets:\n"
                                "      hit_ratio: {target: 0.5}\n      p99_us: {target: 10}\n"
                                "      peak_rss_mb: {target: 100}\n",
                                "s.yml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  for (const char* typo : {"hit_ratoi: {target: 0.5}", "p99_xs: {target: 1}"}) {
    cfg = parse_suite_config(fmt::format("benchmarks:\n  - name: c\n    workload: lru\n    targets:\n      {}\n", typo),
                             "s.yml");
    ASSERT_FALSE(cfg) << typo;
    EXPECT_EQ(cfg.error().code, ExitCode::bad_input);
    EXPECT_NE(cfg.error().message.find("which it does not measure"), std::string::npos) << cfg.error().message;
    EXPECT_NE(cfg.error().message.find("peak_rss_mb, hit_ratio, eviction_ratio, requests_per_s)"), std::string::npos)
        << cfg.error().message;
  }
  // A command measures no workload metrics.
  cfg = parse_suite_config("benchmarks:\n  - name: c\n    command: [true]\n    targets: {hit_ratio: {target: 1}}\n",
                           "s.yml");
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("benchmark 'c' has a target on 'hit_ratio'"), std::string::npos)
      << cfg.error().message;
}

// std::regex_match recursed once per character of a metric name: a 200 000
// character name (an explicit YAML key may be that long) overflowed the stack.
// The error line quotes its first 40 characters, not all 200 000.
TEST(SuiteConfig, AVeryLongTargetMetricIsBadInputNotACrash) {
  for (const std::string& metric : {std::string(200000, 'a'), std::string(200000, 'a') + "X"}) {
    auto cfg = parse_suite_config(
        fmt::format("benchmarks:\n  - name: c\n    workload: lru\n    targets:\n      ? {}\n      "
                    ": {{target: 1}}\n",
                    metric),
        "s.yml");
    ASSERT_FALSE(cfg);
    EXPECT_EQ(cfg.error().code, ExitCode::bad_input);
    EXPECT_LT(cfg.error().message.size(), 1000u) << cfg.error().message.substr(0, 1000);
    EXPECT_NE(cfg.error().message.find("'" + std::string(40, 'a') + "...'"), std::string::npos)
        << cfg.error().message.substr(0, 300);
  }
  // Cut at a character, not inside one: 39 letters and an é (2 bytes) stay
  // whole, a byte that is not UTF-8 is shown as '?'.
  EXPECT_EQ(excerpt(std::string(39, 'a') + "\xc3\xa9" + "bc"),
            std::string(39, 'a') + "\xc3\xa9...");
  EXPECT_EQ(excerpt("a\xff"
                    "b"),
            "a?b");
  EXPECT_EQ(excerpt("short"), "short");
  for (const char* metric : {"P99_ms", "9p", "p99-ms", "_p99", "p99_ms\xc3\xa9"}) {
    auto cfg = parse_suite_config(fmt::format("benchmarks:\n  - name: c\n    workload: lru\n    "
                                              "targets:\n      \"{}\": {{target: 1}}\n",
                                              metric),
                                  "s.yml");
    ASSERT_FALSE(cfg) << metric;
    EXPECT_NE(cfg.error().message.find("must be snake_case"), std::string::npos)
        << cfg.error().message;
  }
}

TEST(SuiteConfig, OutOfRangeThresholdIsRejected) {
  auto cfg = parse_suite_config(
      "benchmarks:\n  - name: x\n    command: [true]\n    regression: {threshold_percent: -3}\n", "s.yml");
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("threshold_percent"), std::string::npos);
}

TEST(SuiteConfig, ListParametersExpandIntoOneBenchmarkPerCombination) {
  auto cfg = parse_suite_config(R"(
benchmarks:
  - name: micro
    gbench: ./bench
    parameters: {filter: ["BM_A", "BM_B"], repetitions: [3, 5]}
)",
                                "s.yml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  ASSERT_EQ(cfg->benchmarks.size(), 4u);
  EXPECT_EQ(cfg->benchmarks[0].name, "micro/filter=BM_A/repetitions=3");
  EXPECT_EQ(cfg->benchmarks[3].name, "micro/filter=BM_B/repetitions=5");
  EXPECT_EQ(cfg->benchmarks[3].gbench_filter, "BM_B");
  EXPECT_EQ(cfg->benchmarks[3].gbench_repetitions, 5u);
}

TEST(SuiteConfig, NeedsExactlyOneSource) {
  auto none = parse_suite_config("benchmarks:\n  - name: x\n", "s.yml");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("exactly one of"), std::string::npos);
  auto two = parse_suite_config("benchmarks:\n  - name: x\n    command: [true]\n    gbench: ./b\n", "s.yml");
  ASSERT_FALSE(two);
}

TEST(SuiteConfig, RejectsUnknownWorkloadAndVariant) {
  auto w = parse_suite_config("benchmarks:\n  - name: x\n    workload: nosuch\n", "s.yml");
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("unknown workload 'nosuch'"), std::string::npos);
  EXPECT_NE(w.error().message.find("lru"), std::string::npos) << "lists the workloads";
  auto v = parse_suite_config("benchmarks:\n  - name: x\n    workload: lru\n    parameters: {variant: nosuch}\n", "s.yml");
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("no variant 'nosuch'"), std::string::npos) << v.error().message;
}

TEST(SuiteConfig, RejectsDuplicateNames) {
  auto cfg = parse_suite_config(
      "benchmarks:\n  - name: x\n    command: [true]\n  - name: x\n    command: [false]\n", "s.yml");
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("duplicate benchmark name 'x'"), std::string::npos);
}

TEST(SuiteConfig, MalformedYamlIsBadInputWithLine) {
  auto cfg = parse_suite_config("benchmarks:\n  - name: [unclosed\n", "s.yml");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error().code, ExitCode::bad_input);
  EXPECT_NE(cfg.error().message.find("s.yml:"), std::string::npos);
}

TEST(SuiteConfig, StringCommandRunsThroughTheShellOnlyWhenItNeedsOne) {
  auto cfg = parse_suite_config(
      "benchmarks:\n  - name: x\n    command: echo hi | wc -c\n  - name: y\n    command: ./bench --n 3\n", "s.yml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->benchmarks[0].source.command, (std::vector<std::string>{"/bin/sh", "-c", "echo hi | wc -c"}));
  EXPECT_EQ(cfg->benchmarks[1].source.command, (std::vector<std::string>{"./bench", "--n", "3"}));
}

// sketches' p99 (its long documents) and consensus's (the slowest of its
// replayed rounds) are fixed work: compared by permutation (trimmed mean or
// minimum) unless the config says otherwise; the others by trimmed means.
TEST(SuiteConfig, TheRegressionMethodComesFromTheWorkloadUnlessTheConfigSetsIt) {
  for (const auto& b : bundled_suite().benchmarks) {
    const bool fixed_work = b.name == "sketches" || b.name == "consensus";
    EXPECT_EQ(b.regression.method, fixed_work ? Method::permutation : Method::trimmed) << b.name;
  }
  auto cfg = parse_suite_config(
      "suite: {name: m, defaults: {regression: {threshold_percent: 12}}}\n"
      "benchmarks:\n"
      "  - {name: s, workload: sketches}\n"
      "  - {name: s-t, workload: sketches, regression: {method: t}}\n"
      "  - {name: l, workload: lru, regression: {method: rank}}\n"
      "  - {name: c, command: [true], regression: {method: permutation}}\n",
      "s.yml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  ASSERT_EQ(cfg->benchmarks.size(), 4u);
  EXPECT_EQ(cfg->benchmarks[0].regression.method, Method::permutation);
  EXPECT_EQ(cfg->benchmarks[0].regression.threshold_percent, 12);  // defaults still apply
  EXPECT_EQ(cfg->benchmarks[1].regression.method, Method::t);
  EXPECT_EQ(cfg->benchmarks[2].regression.method, Method::rank);
  EXPECT_EQ(cfg->benchmarks[3].regression.method, Method::permutation);
  auto bad = parse_suite_config("benchmarks:\n  - {name: x, command: [true], regression: {method: welch}}\n", "s.yml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("'method' must be 't', 'permutation', 'rank' or 'trimmed'"), std::string::npos)
      << bad.error().message;
  EXPECT_NE(bad.error().message.find("s.yml:2"), std::string::npos) << bad.error().message;
}

// A name in Latin-1 passed the config, was measured, then failed the
// results file's JSON with nlohmann's message and exit 3.
TEST(SuiteConfig, RejectsBytesThatAreNotUtf8WithTheirLine) {
  auto cfg = parse_suite_config("benchmarks:\n  - name: caf\xc3\xa9\n    command: [/bin/true]\n",
                                "ok.yml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  cfg = parse_suite_config("benchmarks:\n  - name: x\n    command: [/bin/echo, \"caf\xe9\"]\n",
                           "p.yml");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error().code, ExitCode::bad_input);
  EXPECT_EQ(cfg.error().message, "p.yml:3: byte 0xE9 is not UTF-8; save the file as UTF-8");
}

TEST(SuiteConfig, BundledSuiteHasTheFiveWorkloads) {
  const SuiteConfig cfg = bundled_suite();
  ASSERT_EQ(cfg.benchmarks.size(), 5u);
  std::vector<std::string> names;
  for (const auto& b : cfg.benchmarks) names.push_back(b.name);
  EXPECT_EQ(names, (std::vector<std::string>{"batcher", "compression", "consensus", "lru", "sketches"}));
}

}  // namespace
}  // namespace perfgate::gate
