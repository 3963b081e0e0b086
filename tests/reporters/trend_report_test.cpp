#include "reporters/trend_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace perfgate::reporters {
namespace {

gate::TrendReport one_shift() {
  gate::TrendReport r;
  r.entries = 30;
  r.first_date = "2026-10-01";
  r.last_date = "2026-10-30";
  gate::BenchmarkTrend b{.name = "lru|<b>", .unit = "ns", .points = 30, .last_p99 = 1500};
  gate::TrendShift s;
  s.point = {.index = 15,
             .mean_before = 1000,
             .mean_after = 1500,
             .relative_change = 0.5,
             .p_value = 1e-9,
             .q_hat = 3};
  s.commit_before = "0123456789abcdef";
  s.commit_after = "fedcba9876543210";
  b.shifts.push_back(s);
  r.benchmarks.push_back(b);
  r.benchmarks.push_back({.name = "steady", .unit = "ms", .points = 30, .last_p99 = 2.5});
  return r;
}

TEST(TrendReport, MarkdownNamesTheCommitRangeAndTheChange) {
  const std::string md = render_trend_markdown(one_shift());
  EXPECT_EQ(
      md.rfind(
          "<!-- perfgate:trend -->\n## 📈 perfgate trend: 1 shift in 2 benchmarks over 30 nights",
          0),
      0u)
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

}  // namespace
}  // namespace perfgate::reporters
