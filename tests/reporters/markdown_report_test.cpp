#include "reporters/markdown_report.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace perfgate::reporters {
namespace {

using gate::Verdict;

gate::BenchmarkVerdict verdict(std::string name, Verdict v, double ratio = 1.0) {
  gate::BenchmarkVerdict b;
  b.name = std::move(name);
  b.statistic = "p99";
  b.base_value = 1000;
  b.head_value = 1000 * ratio;
  b.estimate = {.ratio = ratio, .lower = ratio * 0.98, .upper = ratio * 1.02};
  b.verdict = v;
  b.noise_floor_percent = 2.5;
  return b;
}

gate::GateReport report(std::vector<gate::BenchmarkVerdict> b) {
  gate::GateReport r;
  r.mode = "ab";
  r.benchmarks = std::move(b);
  for (const auto& v : r.benchmarks)
    if (v.verdict == Verdict::failed) r.overall = Verdict::failed;
  for (const auto& v : r.benchmarks)  // as compare_results decides it
    if (v.verdict == Verdict::regression && r.overall == Verdict::pass)
      r.overall = Verdict::regression;
  return r;
}

TEST(MarkdownReport, FirstLinesAreTheMarkerAndTheOverallVerdict) {
  const std::string md = render_markdown_report(report({verdict("lru", Verdict::regression, 1.23), verdict("hll", Verdict::pass)}));
  EXPECT_EQ(md.rfind(std::string(kCommentMarker) + "\n## ❌ perfgate: 1 regression in 2 benchmarks — lru p99 +23.0 %", 0), 0u)
      << md.substr(0, 200);
  const std::string ok = render_markdown_report(report({verdict("hll", Verdict::pass), verdict("x", Verdict::improvement, 0.7)}));
  EXPECT_NE(ok.find("## ✅ perfgate: no regression in 2 benchmarks (1 improved)"), std::string::npos) << ok;
  // A benchmark that failed to run has no verdict: never a ✅.
  const std::string broken =
      render_markdown_report(report({verdict("hll", Verdict::pass), verdict("lru", Verdict::failed)}));
  EXPECT_NE(broken.find("\n## 💥 perfgate: 1 of 2 benchmarks failed to run; no regression in the others\n"),
            std::string::npos)
      << broken;
  EXPECT_EQ(broken.find("✅ perfgate"), std::string::npos) << broken;
  const std::string all = render_markdown_report(report({verdict("lru", Verdict::failed)}));
  EXPECT_NE(all.find("\n## 💥 perfgate: the benchmark failed to run — no verdict\n"), std::string::npos) << all;
  // A regression beside a failure: the run failed (exit 3), and says both.
  const std::string both = render_markdown_report(
      report({verdict("lru", Verdict::regression, 1.23), verdict("x", Verdict::failed),
              verdict("hll", Verdict::pass)}));
  EXPECT_NE(both.find("\n## 💥 perfgate: 1 of 3 benchmarks failed to run, and 1 regression in the "
                      "others — lru p99 "
                      "+23.0 %\n"),
            std::string::npos)
      << both;
  const std::string one =
      render_markdown_report(report({verdict("lru", Verdict::regression, 1.23)}));
  EXPECT_NE(one.find("## ❌ perfgate: 1 regression in 1 benchmark — lru p99 +23.0 %\n"),
            std::string::npos)
      << one;
}

TEST(MarkdownReport, TableRowCarriesRatioIntervalNoiseAndVerdict) {
  const std::string md = render_markdown_report(report({verdict("lru", Verdict::regression, 1.2)}));
  EXPECT_NE(md.find("| ❌ | lru | p99 | 1.00 µs | 1.20 µs | +20.0 % [+17.6, +22.4] | ±2.5 % | regression |"),
            std::string::npos)
      << md;
}

// A benchmark compared by its fastest repetitions says so in its row, and
// the method line names which benchmarks each method decided.
TEST(MarkdownReport, MethodsAndTheFastestRepetitionsAreNamed) {
  auto sk = verdict("sketches", Verdict::regression, 1.15);
  sk.method = gate::Method::permutation;
  sk.location = gate::Location::minimum;
  auto lru = verdict("lru", Verdict::pass);
  const std::string md = render_markdown_report(report({sk, lru}));
  EXPECT_NE(md.find("| ❌ | sketches | p99, fastest | 1.00 µs | 1.15 µs | +15.0 % ["), std::string::npos) << md;
  EXPECT_NE(md.find("| ✅ | lru | p99 | "), std::string::npos) << md;
  EXPECT_NE(md.find("paired t on log ratios (lru); permutation tests that combine the mean and the minimum of log "
                    "values (the machine only slows a process down, so the fastest repetitions show the code where "
                    "they agree) (sketches)"),
            std::string::npos)
      << md;
  const std::string one = render_markdown_report(report({lru}));
  EXPECT_NE(one.find("one statistic is compared; paired t on log ratios; 95 %"), std::string::npos) << one;
}

TEST(MarkdownReport, HostileNamesCannotBreakTheTableOrInjectMarkup) {
  auto r = report({verdict("operator|<img src=x onerror=alert(1)>", Verdict::regression, 1.5)});
  r.warnings.push_back("@admin see #123 <script>");
  gate::BenchmarkHotspots h;
  h.benchmark = "x";
  h.differential.push_back({.function = "f|<b>@bob</b>", .module = "m", .growth = 5});
  r.hotspots.push_back(h);
  const std::string md = render_markdown_report(r);
  EXPECT_EQ(md.find("<img"), std::string::npos);
  EXPECT_EQ(md.find("<script"), std::string::npos);
  EXPECT_EQ(md.find("<b>"), std::string::npos);
  EXPECT_EQ(md.find("@admin"), std::string::npos);
  EXPECT_EQ(md.find("@bob"), std::string::npos);
  EXPECT_EQ(md.find("#123"), std::string::npos);
  // Every table row still has exactly the header's number of cells.
  for (std::size_t pos = md.find("\n| ❌"); pos != std::string::npos; pos = md.find("\n| ❌", pos + 1)) {
    const std::string row = md.substr(pos + 1, md.find('\n', pos + 1) - pos - 1);
    EXPECT_EQ(std::count(row.begin(), row.end(), '|'), 9) << row;
  }
}

TEST(MarkdownReport, LargeSuitesFoldPassingBenchmarks) {
  std::vector<gate::BenchmarkVerdict> many;
  for (int i = 0; i < 30; ++i) many.push_back(verdict(fmt::format("b{}", i), Verdict::pass));
  many.push_back(verdict("slow", Verdict::regression, 1.3));
  const std::string md = render_markdown_report(report(many));
  const auto details = md.find("<details><summary>30 benchmarks passed</summary>");
  ASSERT_NE(details, std::string::npos) << md;
  EXPECT_LT(md.find("| ❌ | slow"), details) << "changes come first, in full";
}

TEST(MarkdownReport, NeverExceedsTheCommentLimitAndSaysItWasShortened) {
  std::vector<gate::BenchmarkVerdict> many;
  for (int i = 0; i < 5000; ++i) many.push_back(verdict(fmt::format("benchmark_with_a_long_name_{}", i), Verdict::regression, 1.5));
  auto r = report(many);
  for (int i = 0; i < 200; ++i) r.warnings.push_back(std::string(300, 'w'));
  const std::string md = render_markdown_report(r);
  EXPECT_LE(md.size(), kMaxCommentBytes);
  EXPECT_NE(md.find("Report shortened"), std::string::npos);
  EXPECT_EQ(md.rfind(std::string(kCommentMarker), 0), 0u) << "the marker survives truncation";
}

TEST(MarkdownReport, InsufficientSamplesShowTheReasonInsteadOfARatio) {
  auto v = verdict("cmd", Verdict::insufficient_samples);
  v.note = "base repetition 1 has 10 samples above its p99, needs 100";
  const std::string md = render_markdown_report(report({v}));
  EXPECT_NE(md.find("| — | ±2.5 % | insufficient samples — base repetition 1 has 10 samples"), std::string::npos) << md;
}

// Imported Google Benchmark repetitions all ran in one process: the report
// said every repetition was a fresh process.
TEST(MarkdownReport, SaysWhatARepetitionIsForImportedGoogleBenchmarkOutput) {
  auto imported = [](std::string name) {
    gate::BenchmarkVerdict v = verdict(std::move(name), Verdict::pass);
    v.repetitions_share_a_process = true;
    return v;
  };
  const std::string own = render_markdown_report(report({verdict("lru", Verdict::pass)}));
  EXPECT_NE(own.find("per repetition (a fresh process) one statistic is compared"),
            std::string::npos)
      << own;
  const std::string all = render_markdown_report(report({imported("BM_Hash/64")}));
  EXPECT_NE(all.find("per repetition (one of the binary's own repetitions — "
                     "imported Google Benchmark output runs them all in one process, "
                     "so the interval does not see how much one process differs from the next) "
                     "one statistic"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("- Machine: unknown · cores unknown · kernel unknown ·"), std::string::npos)
      << "not an empty CPU model and kernel, nor 0 cores: " << all;
  // A load without a core count says nothing about how busy the machine was
  // (any load exceeded "0 cores").
  gate::GateReport loaded = report({imported("BM_Hash/64")});
  loaded.head_run.host.load_avg_1m = 0.5;
  const std::string quiet = render_markdown_report(loaded);
  EXPECT_EQ(quiet.find("the machine was busy"), std::string::npos) << quiet;
  loaded.head_run.host.cores = 2;
  loaded.head_run.host.load_avg_1m = 3.5;
  const std::string busy = render_markdown_report(loaded);
  EXPECT_NE(
      busy.find("· 2 cores · kernel unknown · load 3.50 / 0.00 / 0.00 — **the machine was busy"),
      std::string::npos)
      << busy;
  EXPECT_EQ(all.find("fresh process"), std::string::npos) << all;
  const std::string mixed = render_markdown_report(
      report({verdict("lru", Verdict::pass), imported("BM_A"), imported("BM_B")}));
  EXPECT_NE(mixed.find("per repetition (a fresh process; "
                       "for BM\\_A, BM\\_B, one of the binary's own repetitions"),
            std::string::npos)
      << mixed;
}

TEST(FormatDuration, PicksAReadableUnit) {
  EXPECT_EQ(format_duration_ns(512), "512 ns");
  EXPECT_EQ(format_duration_ns(1500), "1.50 µs");
  EXPECT_EQ(format_duration_ns(2.5e6), "2.500 ms");
  EXPECT_EQ(format_duration_ns(3e9), "3.000 s");
  // A file with absurd values: a few digits, not three hundred.
  EXPECT_EQ(format_duration_ns(1e308), "1e+299 s");
  EXPECT_EQ(signed_percent(1.234), "+23.4");
  EXPECT_EQ(signed_percent(5e304), "+5e+306");
}

}  // namespace
}  // namespace perfgate::reporters
