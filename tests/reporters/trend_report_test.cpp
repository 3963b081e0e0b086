#include "reporters/trend_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "reporters/github_annotations.h"

namespace perfgate::reporters {
namespace {

gate::TrendReport one_shift() {
  gate::TrendReport r;
  r.entries = 30;
  r.first_date = "2026-10-01";
  r.last_date = "2026-10-30";
  gate::BenchmarkTrend b{.name = "lru|<b>", .unit = "ns", .points = 30, .last_p99 = 1500};
  gate::TrendShift s;
  s.point = {.index = 15, .mean_before = 1000, .mean_after = 1500, .relative_change = 0.5, .p_value = 1e-9, .q_hat = 3};
  s.commit_before = "0123456789abcdef";
  s.commit_after = "fedcba9876543210";
  b.shifts.push_back(s);
  r.benchmarks.push_back(b);
  r.benchmarks.push_back({.name = "steady", .unit = "ms", .points = 30, .last_p99 = 2.5});
  return r;
}

TEST(TrendReport, MarkdownNamesTheCommitRangeAndTheChange) {
  const std::string md = render_trend_markdown(one_shift());
  EXPECT_EQ(md.rfind("<!-- perfgate:trend -->\n## 📈 perfgate trend: 1 shift in 2 benchmarks over 30 nights", 0), 0u)
      << md;
  EXPECT_NE(md.find("`0123456789ab` → `fedcba987654`"), std::string::npos) << md;
  EXPECT_NE(md.find("| 1.00 µs | 1.50 µs | +50.0 % |"), std::string::npos) << md;
  EXPECT_NE(md.find("- steady: 30 nights, last p99 2.500 ms"), std::string::npos) << md;
  EXPECT_EQ(md.find("<b>"), std::string::npos) << "outside names are escaped";
}

TEST(TrendReport, JsonCarriesFullCommitsAndTheMethod) {
  const auto j = nlohmann::json::parse(render_trend_json(one_shift()));
  EXPECT_EQ(j["schema"], "perfgate.trend/v1");
  EXPECT_EQ(j["method"]["test"], "permutation") << "the default";
  EXPECT_EQ(j["benchmarks"][0]["shifts"][0]["commit_after"], "fedcba9876543210");
  EXPECT_EQ(j["benchmarks"][0]["shifts"][0]["index"], 15);
  EXPECT_TRUE(j["benchmarks"][1]["shifts"].empty());
}

TEST(GithubAnnotations, EncodeSoANameCannotForgeAWorkflowCommand) {
  EXPECT_EQ(escape_workflow_message("a%b\r\nc"), "a%25b%0D%0Ac");
  EXPECT_EQ(escape_workflow_property("x: y, z"), "x%3A y%2C z");
  gate::GateReport r;
  gate::BenchmarkVerdict v;
  v.name = "evil\n::error::forged";
  v.verdict = gate::Verdict::regression;
  v.statistic = "p99";
  v.estimate = {.ratio = 1.3, .lower = 1.2, .upper = 1.4};
  v.threshold_percent = 10;
  r.benchmarks.push_back(v);
  v.name = "maybe";
  v.verdict = gate::Verdict::inconclusive;
  r.benchmarks.push_back(v);
  v.name = "fine";
  v.verdict = gate::Verdict::pass;
  r.benchmarks.push_back(v);
  const std::string out = render_github_annotations(r);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2) << out;
  EXPECT_EQ(out.rfind("::error title=perfgate regression%3A evil%0A%3A%3Aerror%3A%3Aforged::evil%0A::error::forged p99 regressed +30.0%25 [+20.0, +40.0] (threshold 10%25)\n", 0), 0u) << out;
  EXPECT_NE(out.find("::warning title=perfgate inconclusive%3A maybe::maybe p99 changed"), std::string::npos) << out;
}

}  // namespace
}  // namespace perfgate::reporters
