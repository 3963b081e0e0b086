#include "gate/results_json.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <tuple>

#include "gate/suite_config.h"

namespace perfgate::gate {
namespace {

Results sample_results() {
  Results r;
  r.run.commit = "abc123";
  r.run.started_at = "2026-11-22T07:00:00Z";
  r.run.perfgate_version = "0.1.0";
  r.run.host.cores = 2;
  BenchmarkResult b;
  b.name = "lru";
  b.source.kind = "workload";
  b.source.workload = "lru";
  b.source.variant = "sha256-key";
  Repetition rep;
  rep.samples = {100, 200, 300, 400};
  rep.stats = summarize(rep.samples, 1e-6);
  rep.exit_code = 0;
  b.repetitions = {rep};
  b.stats = rep.stats;
  b.invariants = {{"size <= capacity", true, "max 4096 of 4096"}};
  b.metrics = {{"hit_ratio", 0.9}};
  b.targets = {{"p99_us", 2, std::pair{0.0, 5.0}}};
  b.profile = ProfileRef{"missing", "", "no permission"};
  r.benchmarks = {b};
  return r;
}

TEST(ResultsJson, RoundTripsEveryField) {
  const Results in = sample_results();
  auto out = results_from_json(results_to_json(in), "r.json");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->run.commit, "abc123");
  ASSERT_EQ(out->benchmarks.size(), 1u);
  const auto& b = out->benchmarks[0];
  EXPECT_EQ(b.source.variant, "sha256-key");
  EXPECT_EQ(b.repetitions[0].samples, (std::vector<double>{100, 200, 300, 400}));
  EXPECT_DOUBLE_EQ(b.repetitions[0].stats.p99, in.benchmarks[0].repetitions[0].stats.p99);
  EXPECT_EQ(b.invariants[0].detail, "max 4096 of 4096");
  EXPECT_EQ(b.metrics.at("hit_ratio"), 0.9);
  EXPECT_EQ(b.targets[0].acceptable_range, (std::pair<double, double>{0, 5}));
  ASSERT_TRUE(b.profile);
  EXPECT_EQ(b.profile->reason, "no permission");
}

TEST(ResultsJson, SliceMediansRoundTripEvenWhenSamplesAreSkipped) {
  Results in = sample_results();
  in.benchmarks[0].repetitions[0].slice_medians.assign(20, 150);
  const std::string text = results_to_json(in);
  for (auto reading : {SampleReading::read, SampleReading::skip}) {
    auto out = results_from_json(text, "r.json", reading);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->benchmarks[0].repetitions[0].slice_medians, std::vector<double>(20, 150));
  }
  // Optional (older files lack it), but when present all 20 or none.
  auto j = nlohmann::json::parse(text);
  j["benchmarks"][0]["repetitions"][0].erase("slice_medians");
  auto old = results_from_json(j.dump(), "r.json");
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_TRUE(old->benchmarks[0].repetitions[0].slice_medians.empty());
  j["benchmarks"][0]["repetitions"][0]["slice_medians"] = {1, 2, 3};
  auto bad = results_from_json(j.dump(), "r.json");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("slice_medians must hold 20 medians or none"), std::string::npos)
      << bad.error().message;
}

TEST(ResultsJson, TheRegressionMethodRoundTripsAndOlderFilesMeanT) {
  Results in = sample_results();
  in.benchmarks[0].regression.method = Method::permutation;
  const std::string text = results_to_json(in);
  auto out = results_from_json(text, "r.json");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->benchmarks[0].regression.method, Method::permutation);
  auto j = nlohmann::json::parse(text);
  j["benchmarks"][0]["regression"].erase("method");
  auto old = results_from_json(j.dump(), "r.json");
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(old->benchmarks[0].regression.method, Method::t);
  j["benchmarks"][0]["regression"]["method"] = "bootstrap";
  auto bad = results_from_json(j.dump(), "r.json");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ExitCode::bad_input);
  EXPECT_NE(bad.error().message.find("regression: method must be \"t\", \"permutation\", \"rank\" or \"trimmed\""),
            std::string::npos)
      << bad.error().message;
}

TEST(ResultsJson, OutputStartsWithTheSchema) {
  const std::string text = results_to_json(sample_results());
  EXPECT_TRUE(text.starts_with("{\n \"schema\": \"perfgate.results/v1\"")) << text.substr(0, 80);
}

std::string mutate(const std::function<void(nlohmann::json&)>& f) {
  auto j = nlohmann::json::parse(results_to_json(sample_results()));
  f(j);
  return j.dump();
}

TEST(ResultsJson, RejectsWrongSchemaVersion) {
  auto r = results_from_json(mutate([](auto& j) { j["schema"] = "perfgate.results/v2"; }), "r.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ExitCode::bad_input);
  EXPECT_NE(r.error().message.find("perfgate.results/v2"), std::string::npos);
}

TEST(ResultsJson, RejectsNegativeTimesNamingTheField) {
  auto r = results_from_json(mutate([](auto& j) { j["benchmarks"][0]["repetitions"][0]["stats"]["p99"] = -1; }), "r.json");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("benchmarks[0].repetitions[0].stats.p99"), std::string::npos) << r.error().message;
}

TEST(ResultsJson, RejectsNegativeSample) {
  auto r = results_from_json(mutate([](auto& j) { j["benchmarks"][0]["repetitions"][0]["samples"][1] = -5; }), "r.json");
  ASSERT_FALSE(r);
}

TEST(ResultsJson, Utf8ValidityFollowsRfc3629) {
  EXPECT_EQ(valid_utf8_length("plain"), 5u);
  EXPECT_EQ(valid_utf8_length("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5"), 14u);  // é € 🔥
  EXPECT_EQ(valid_utf8_length("a\xff" "b"), 1u);
  EXPECT_EQ(valid_utf8_length("ab\xe2\x82"), 2u);        // cut short
  EXPECT_EQ(valid_utf8_length("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(valid_utf8_length("\xe0\x80\xaf"), 0u);      // overlong, three bytes
  EXPECT_EQ(valid_utf8_length("x\xed\xa0\x80"), 1u);     // a surrogate
  EXPECT_EQ(valid_utf8_length("\xf4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(valid_utf8_length("\xf4\x8f\xbf\xbf"), 4u);  // U+10FFFF itself
  EXPECT_EQ(valid_utf8_length("\x80"), 0u);              // a lone continuation byte
}

// A host or environment value that is not UTF-8 used to fail the dump after
// the whole run was measured: written with U+FFFD instead.
TEST(ResultsJson, TextThatIsNotUtf8IsWrittenWithReplacementCharacters) {
  Results r;
  r.run.host.hostname = "ci\xffhost";
  const std::string text = results_to_json(r);
  EXPECT_NE(text.find("ci\xef\xbf\xbdhost"), std::string::npos) << text;
  EXPECT_TRUE(nlohmann::json::accept(text));
}

TEST(ResultsJson, RejectsNaNWhichIsNotJson) {
  std::string text = results_to_json(sample_results());
  text.replace(text.find("\"wall_s\": 0.0"), 13, "\"wall_s\": NaN");
  auto r = results_from_json(text, "r.json");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not valid JSON"), std::string::npos);
}

TEST(ResultsJson, RejectsOkBenchmarkWithoutSamples) {
  auto r = results_from_json(mutate([](auto& j) {
                               j["benchmarks"][0]["repetitions"][0]["samples"] = nlohmann::json::array();
                               j["benchmarks"][0]["repetitions"][0]["stats"]["count"] = 0;
                             }),
                             "r.json");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no samples"), std::string::npos) << r.error().message;
}

TEST(ResultsJson, RejectsMissingFieldByName) {
  auto r = results_from_json(mutate([](auto& j) { j["run"].erase("host"); }), "r.json");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("missing field 'host'"), std::string::npos) << r.error().message;
}

TEST(ResultsJson, RejectsUnorderedQuantiles) {
  auto r = results_from_json(mutate([](auto& j) { j["benchmarks"][0]["stats"]["p50"] = 1e12; }), "r.json");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("ordered"), std::string::npos);
}

TEST(ResultsJson, RejectsTruncatedFile) {
  const std::string text = results_to_json(sample_results());
  auto r = results_from_json(text.substr(0, text.size() / 2), "r.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ExitCode::bad_input);
}

// text with `"key": value, ` written again before the first `"key":`.
std::string repeated(std::string text, std::string_view key, std::string_view value) {
  const std::string quoted = fmt::format("\"{}\":", key);
  text.insert(text.find(quoted), fmt::format("{} {}, ", quoted, value));
  return text;
}

// The first threshold was read as the second: json::parse keeps the last.
TEST(ResultsJson, RejectsAKeyGivenTwiceWhetherOrNotSamplesAreRead) {
  const std::string good = results_to_json(sample_results());
  for (auto reading : {SampleReading::read, SampleReading::skip}) {
    auto r = results_from_json(repeated(good, "threshold_percent", "50"), "r.json", reading);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ExitCode::bad_input);
    EXPECT_EQ(r.error().message,
              "r.json: benchmarks[0].regression: duplicate key 'threshold_percent'");
    r = results_from_json(repeated(good, "samples", "[1, 2]"), "r.json", reading);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "r.json: benchmarks[0].repetitions[0]: duplicate key 'samples'");
  }
}

// Every object the schema closes ("additionalProperties": false) refuses a
// key it does not define: a misspelt field was ignored, and the value meant
// for it silently replaced by a default.
TEST(ResultsJson, RejectsAnUnknownFieldInEveryObjectTheSchemaCloses) {
  const std::vector<std::pair<std::string, std::string>> objects = {
      {"", ""},
      {"/run", "run: "},
      {"/run/build", "run.build: "},
      {"/run/host", "run.host: "},
      {"/benchmarks/0", "benchmarks[0]: "},
      {"/benchmarks/0/source", "benchmarks[0].source: "},
      {"/benchmarks/0/stats", "benchmarks[0].stats: "},
      {"/benchmarks/0/repetitions/0", "benchmarks[0].repetitions[0]: "},
      {"/benchmarks/0/repetitions/0/stats", "benchmarks[0].repetitions[0].stats: "},
      {"/benchmarks/0/invariants/0", "benchmarks[0].invariants[0]: "},
      {"/benchmarks/0/targets/0", "benchmarks[0].targets[0]: "},
      {"/benchmarks/0/regression", "benchmarks[0].regression: "},
      {"/benchmarks/0/hotspots", "benchmarks[0].hotspots: "},
      {"/benchmarks/0/hotspots/functions/0", "benchmarks[0].hotspots.functions[0]: "},
      {"/benchmarks/0/profile", "benchmarks[0].profile: "},
  };
  for (const auto& [pointer, path] : objects)
    for (auto reading : {SampleReading::read, SampleReading::skip}) {
      SCOPED_TRACE(pointer);
      auto r =
          results_from_json(mutate([&](auto& j) {
                              j["benchmarks"][0]["hotspots"]["functions"] = {{{"pattern", "f*"}}};
                              j[nlohmann::json::json_pointer(pointer)]["extra"] = 1;
                            }),
                            "r.json", reading);
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().message.rfind("r.json: " + path + "unknown field 'extra' (known: ", 0),
                0u)
          << r.error().message;
    }
  // A source is closed by its kind: a command has no workload.
  auto r =
      results_from_json(mutate([](auto& j) {
                          j["benchmarks"][0]["source"] = {
                              {"kind", "command"}, {"command", {"/bin/true"}}, {"workload", "lru"}};
                        }),
                        "r.json");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(
                "benchmarks[0].source: unknown field 'workload' (known: kind, command)"),
            std::string::npos)
      << r.error().message;
}

// Each was read as a default ("", 0, the ci size, seed 1, no profile) when it
// was missing, though the schema requires it.
TEST(ResultsJson, RejectsAFileWithoutAFieldTheSchemaRequires) {
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"/run/suite", "run: missing field 'suite'"},
      {"/benchmarks/0/description", "benchmarks[0]: missing field 'description'"},
      {"/benchmarks/0/category", "benchmarks[0]: missing field 'category'"},
      {"/benchmarks/0/source/variant", "benchmarks[0].source: missing field 'variant'"},
      {"/benchmarks/0/source/slowdown_percent",
       "benchmarks[0].source: missing field 'slowdown_percent'"},
      {"/benchmarks/0/source/ops", "benchmarks[0].source: missing field 'ops'"},
      {"/benchmarks/0/source/size", "benchmarks[0].source: missing field 'size'"},
      {"/benchmarks/0/source/seed", "benchmarks[0].source: missing field 'seed'"},
      {"/benchmarks/0/invariants/0/detail", "benchmarks[0].invariants[0]: missing field 'detail'"},
      {"/benchmarks/0/profile", "benchmarks[0]: missing field 'profile'"},
      {"/benchmarks/0/profile/path", "benchmarks[0].profile: missing field 'path'"},
      {"/benchmarks/0/profile/reason", "benchmarks[0].profile: missing field 'reason'"},
  };
  for (const auto& [pointer, message] : fields) {
    SCOPED_TRACE(pointer);
    const nlohmann::json::json_pointer field(pointer);
    auto r = results_from_json(
        mutate([&](auto& j) { j[field.parent_pointer()].erase(field.back()); }), "r.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "r.json: " + message);
  }
}

// A failed benchmark without its error was exit 3 with an empty reason.
TEST(ResultsJson, AFailedBenchmarkNeedsItsError) {
  auto r = results_from_json(mutate([](auto& j) {
                               j["benchmarks"][0]["status"] = "failed";
                               j["benchmarks"][0].erase("error");
                             }),
                             "r.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "r.json: benchmarks[0]: missing field 'error'");
  // What perfgate writes always has it, even when nothing was said.
  Results failed = sample_results();
  failed.benchmarks[0].status = "failed";
  auto back = results_from_json(results_to_json(failed), "r.json");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->benchmarks[0].status, "failed");
}

// Each was read as it stood: "us" times as ns, a threshold of 0 (every
// benchmark inconclusive), 2^32 + 2 iterations as 2, a top of 0 hotspots, a
// metric the config would have refused.
TEST(ResultsJson, RejectsAValueTheSchemaRulesOut) {
  using J = nlohmann::json;
  const std::vector<std::tuple<std::string, J, std::string>> cases = {
      {"/benchmarks/0/unit", "us", "benchmarks[0].unit: must be \"ns\", got \"us\""},
      {"/benchmarks/0/status", "skipped",
       "benchmarks[0].status: must be one of \"ok\", \"failed\", got \"skipped\""},
      {"/benchmarks/0/source/kind", "binary",
       "benchmarks[0].source.kind: "
       "must be one of \"workload\", \"command\", \"gbench\", got \"binary\""},
      {"/benchmarks/0/source/slowdown_percent", 5000,
       "benchmarks[0].source.slowdown_percent: must be a number from 0 to 1000, got 5000"},
      {"/benchmarks/0/source/size", "huge",
       "benchmarks[0].source.size: must be one of \"ci\", \"nightly\", got \"huge\""},
      {"/benchmarks/0/regression/threshold_percent", 0,
       "benchmarks[0].regression.threshold_percent: must be a number from 0.1 to 1000, got 0"},
      {"/benchmarks/0/regression/threshold_percent", -5,
       "benchmarks[0].regression.threshold_percent: must be a number from 0.1 to 1000, got -5"},
      {"/benchmarks/0/regression/min_iterations", 1,
       "benchmarks[0].regression.min_iterations: must be an integer from 2 to 4294967295, got 1"},
      {"/benchmarks/0/regression/min_iterations", 4294967298u,
       "benchmarks[0].regression.min_iterations: "
       "must be an integer from 2 to 4294967295, got 4294967298"},
      {"/benchmarks/0/hotspots/top", 0,
       "benchmarks[0].hotspots.top: must be an integer from 1 to 4294967295, got 0"},
      {"/benchmarks/0/hotspots/functions", J::array({{{"pattern", ""}}}),
       "benchmarks[0].hotspots.functions[0].pattern: must not be empty"},
      {"/benchmarks/0/hotspots/functions", J::array({{{"pattern", "f"}, {"complexity", 0}}}),
       "benchmarks[0].hotspots.functions[0].complexity: must be a number > 0, got 0"},
      {"/benchmarks/0/hotspots/functions", J::array({{{"pattern", "f"}, {"max_speedup", 0.5}}}),
       "benchmarks[0].hotspots.functions[0].max_speedup: must be a number >= 1, got 0.5"},
      {"/benchmarks/0/targets/0/metric", "P99-ms",
       "benchmarks[0].targets[0].metric: must be snake_case ([a-z][a-z0-9_]*), got \"P99-ms\""},
      {"/benchmarks/0/profile/status", "gone",
       "benchmarks[0].profile.status: "
       "must be one of \"ok\", \"missing\", \"failed\", got \"gone\""},
      {"/run/host/load_avg", J::array({"x", 1, 1}),
       "run.host.load_avg[0]: must be a finite number >= 0, got \"x\""},
      {"/run/host/load_avg", J::array({1, 1}),
       "run.host.load_avg: must be [1m, 5m, 15m], got 2 numbers"},
      {"/run/host/cores", 4294967296u,
       "run.host.cores: must be an integer from 0 to 4294967295, got 4294967296"},
      {"/benchmarks/0/repetitions/0/exit_code", 2147483648u,
       "benchmarks[0].repetitions[0].exit_code: "
       "must be an integer (-N: killed by signal N), got 2147483648"},
      {"/benchmarks/0/source",
       J{{"kind", "gbench"}, {"command", {"./bm"}}, {"gbench_name", "BM_A"}, {"imported_from", ""}},
       "benchmarks[0].source.imported_from: must name the file, got \"\""},
      {"/benchmarks/0/source", J{{"kind", "command"}, {"command", {5}}},
       "benchmarks[0].source.command[0]: must be a string, got 5"},
      {"/benchmarks/0/source", J{{"kind", "command"}, {"command", J::array()}},
       "benchmarks[0].source.command: must name the program to run, got []"},
  };
  for (const auto& [pointer, value, message] : cases) {
    SCOPED_TRACE(pointer + " = " + value.dump());
    auto r =
        results_from_json(mutate([&](auto& j) { j[J::json_pointer(pointer)] = value; }), "r.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ExitCode::bad_input);
    EXPECT_EQ(r.error().message, "r.json: " + message);
  }
}

// JSON Schema (draft 2020-12) counts 12000.0 as an integer: a file the
// schema passes is read, whole floats as the integers they are; 1.5 is none.
TEST(ResultsJson, ReadsAnIntegerWrittenAsAWholeFloat) {
  using J = nlohmann::json;
  auto r = results_from_json(mutate([](auto& j) {
                               j["run"]["host"]["cores"] = 8.0;
                               auto& rep = j["benchmarks"][0]["repetitions"][0];
                               rep["exit_code"] = -9.0;
                               rep["peak_rss_bytes"] = 12000.0;
                               rep["tail"] = J::array({J::array({3.0, 400})});
                             }),
                             "r.json");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->run.host.cores, 8u);
  const Repetition& rep = r->benchmarks[0].repetitions[0];
  EXPECT_EQ(rep.exit_code, -9);
  EXPECT_EQ(rep.peak_rss_bytes, 12000u);
  EXPECT_EQ(rep.tail, (std::vector<std::pair<std::uint64_t, double>>{{3, 400}}));
  const std::vector<std::tuple<std::string, J, std::string>> cases = {
      {"/benchmarks/0/repetitions/0/exit_code", 1.5,
       "benchmarks[0].repetitions[0].exit_code: "
       "must be an integer (-N: killed by signal N), got 1.5"},
      {"/benchmarks/0/repetitions/0/exit_code", 2147483648.0,
       "benchmarks[0].repetitions[0].exit_code: "
       "must be an integer (-N: killed by signal N), got 2147483648.0"},
      {"/benchmarks/0/repetitions/0/peak_rss_bytes", -1.0,
       "benchmarks[0].repetitions[0].peak_rss_bytes: must be an integer >= 0, got -1.0"},
      {"/run/host/cores", 4294967296.0,
       "run.host.cores: must be an integer from 0 to 4294967295, got 4294967296.0"},
      {"/benchmarks/0/repetitions/0/tail", J::array({J::array({2.5, 400})}),
       "benchmarks[0].repetitions[0]: tail entries must be [index < stats.count, ns >= 0]"},
  };
  for (const auto& [pointer, value, message] : cases) {
    SCOPED_TRACE(pointer + " = " + value.dump());
    auto bad =
        results_from_json(mutate([&](auto& j) { j[J::json_pointer(pointer)] = value; }), "r.json");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "r.json: " + message);
  }
}

// The schema, perfgate.yml and the reader take the same thresholds: a results
// file holds what a config gave it.
TEST(ResultsJson, TheThresholdRangeIsTheSchemasAndTheConfigs) {
  std::ifstream in(PERFGATE_SOURCE_DIR "/docs/schema/results.schema.json");
  const auto schema = nlohmann::json::parse(in);
  const auto& range =
      schema["$defs"]["benchmark"]["properties"]["regression"]["properties"]["threshold_percent"];
  const double min = range["minimum"].get<double>(), max = range["maximum"].get<double>();
  auto with = [](double threshold) {
    return mutate(
        [&](auto& j) { j["benchmarks"][0]["regression"]["threshold_percent"] = threshold; });
  };
  auto config = [](double threshold) {
    return parse_suite_config(fmt::format("benchmarks:\n  - {{name: x, command: [true], "
                                          "regression: {{threshold_percent: {}}}}}\n",
                                          threshold),
                              "s.yml");
  };
  for (double t : {min, max}) {
    EXPECT_TRUE(results_from_json(with(t), "r.json")) << t;
    EXPECT_TRUE(config(t)) << t;
  }
  for (double t : {std::nextafter(min, 0.0), std::nextafter(max, 2 * max)}) {
    EXPECT_FALSE(results_from_json(with(t), "r.json")) << t;
    EXPECT_FALSE(config(t)) << t;
  }
}

// started_at follows the schema's pattern (UTC, to the second) and is a
// time on the calendar; "yesterday" and the 30th of February were read.
TEST(ResultsJson, StartedAtIsAUtcTimeToTheSecond) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"yesterday", "must be a UTC time such as 2026-11-22T07:05:00Z, got \"yesterday\""},
      {"", "must be a UTC time such as 2026-11-22T07:05:00Z, got \"\""},
      {"2026-11-22T07:05:00+01:00",
       "must be a UTC time such as 2026-11-22T07:05:00Z, got \"2026-11-22T07:05:00+01:00\""},
      {"2026-11-22 07:05:00Z",
       "must be a UTC time such as 2026-11-22T07:05:00Z, got \"2026-11-22 07:05:00Z\""},
      {"2026-11-22T07:05:0xZ", "'2026-11-22T07:05:0xZ' is not ISO 8601"},
      {"2026-02-30T00:00:00Z", "'2026-02-30T00:00:00Z' has day 30, but 2026-02 has 28 days"},
      {"2026-11-22T24:00:00Z", "'2026-11-22T24:00:00Z' has hour 24 (0 to 23)"},
  };
  for (const auto& [started_at, message] : cases) {
    SCOPED_TRACE(started_at);
    auto r =
        results_from_json(mutate([&](auto& j) { j["run"]["started_at"] = started_at; }), "r.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.rfind("r.json: run.started_at: " + message, 0), 0u)
        << r.error().message;
  }
  EXPECT_TRUE(results_from_json(
      mutate([](auto& j) { j["run"]["started_at"] = "2028-02-29T23:59:60Z"; }), "r.json"));
}

// The commit and ref are printed as they are (`baseline show`, reports,
// history lines): a line break in one got through and started a line of its
// own.
TEST(ResultsJson, CommitAndRefHoldNoControlCharacter) {
  for (const std::string key : {"commit", "ref"}) {
    auto r = results_from_json(mutate([&](auto& j) { j["run"][key] = "4f1c\nx"; }), "r.json");
    ASSERT_FALSE(r) << key;
    EXPECT_EQ(r.error().message, "r.json: run." + key + ": holds a control character (at byte 4)");
    EXPECT_TRUE(
        results_from_json(mutate([&](auto& j) { j["run"][key] = "feature/µs-p99"; }), "r.json"))
        << key;
  }
}

// compare and check skip the samples while parsing, but count and check them
// as the schema states: 10 001 samples, a string among them or no array at
// all got through.
TEST(ResultsJson, ChecksTheStoredSamplesWhetherOrNotTheyAreRead) {
  using J = nlohmann::json;
  auto rep = [](J& j) -> J& { return j["benchmarks"][0]["repetitions"][0]; };
  const std::vector<std::pair<std::function<void(J&)>, std::string>> cases = {
      {[&](J& j) {
         rep(j)["samples"] = J(std::vector<int>(10'001, 100));
         rep(j)["stats"]["count"] = 20'000;
         rep(j)["samples_truncated"] = true;
       },
       "benchmarks[0].repetitions[0].samples: "
       "holds 10001 samples, more than the 10000 a repetition stores"},
      {[&](J& j) { rep(j)["samples"][1] = -5; },
       "benchmarks[0].repetitions[0].samples[1]: must be a finite number >= 0"},
      {[&](J& j) { rep(j)["samples"][2] = "300"; },
       "benchmarks[0].repetitions[0].samples[2]: must be a finite number >= 0"},
      {[&](J& j) { rep(j)["samples"][0] = J::array({1}); },
       "benchmarks[0].repetitions[0].samples[0]: must be a finite number >= 0"},
      {[&](J& j) { rep(j)["samples"] = "notalist"; },
       "benchmarks[0].repetitions[0].samples: must be an array, got \"notalist\""},
      {[&](J& j) { rep(j).erase("samples"); },
       "benchmarks[0].repetitions[0]: missing field 'samples'"},
      {[&](J& j) { rep(j)["samples"].push_back(500); },
       "benchmarks[0].repetitions[0]: holds more samples than stats.count says were measured"},
      {[&](J& j) { rep(j)["samples"].erase(0); },
       "benchmarks[0].repetitions[0]: "
       "samples_truncated is false but samples and stats.count differ"},
  };
  for (const auto& [change, message] : cases)
    for (auto reading : {SampleReading::read, SampleReading::skip}) {
      SCOPED_TRACE(message);
      auto r = results_from_json(mutate(change), "r.json", reading);
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().message.rfind("r.json: " + message, 0), 0u) << r.error().message;
    }
  // A metric named "samples" is a metric.
  auto r = results_from_json(mutate([](J& j) { j["benchmarks"][0]["metrics"]["samples"] = 5; }),
                             "r.json", SampleReading::skip);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->benchmarks[0].metrics.at("samples"), 5);
  EXPECT_TRUE(r->benchmarks[0].repetitions[0].samples.empty()) << "skipped";
}

// docs/formats.md: an ok benchmark without samples is exit 2. One whose
// repetitions stored none (samples [] and samples_truncated) was compared
// and saved as a baseline.
TEST(ResultsJson, RejectsAnOkBenchmarkWhoseRepetitionStoresNoSamples) {
  for (auto reading : {SampleReading::read, SampleReading::skip}) {
    auto r = results_from_json(mutate([](auto& j) {
                                 auto& rep = j["benchmarks"][0]["repetitions"][0];
                                 rep["samples"] = nlohmann::json::array();
                                 rep["samples_truncated"] = true;
                               }),
                               "r.json", reading);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message,
              "r.json: benchmarks[0]: status is ok but repetitions[0] stores no samples");
  }
  // A failed benchmark may have measured nothing.
  auto failed =
      results_from_json(mutate([](auto& j) {
                          j["benchmarks"][0]["status"] = "failed";
                          j["benchmarks"][0]["error"] = "exit 1";
                          j["benchmarks"][0]["repetitions"][0]["samples"] = nlohmann::json::array();
                          j["benchmarks"][0]["repetitions"][0]["samples_truncated"] = true;
                        }),
                        "r.json");
  EXPECT_TRUE(failed) << failed.error().message;
}

}  // namespace
}  // namespace perfgate::gate
