#include "gate/trend.h"

#include <gtest/gtest.h>

namespace perfgate::gate {
namespace {

History nights(const std::vector<double>& values, const std::string& name = "lru") {
  History h;
  for (std::size_t i = 0; i < values.size(); ++i)
    h.push_back({.date = "night-" + std::to_string(i),
                 .commit = "c" + std::to_string(i),
                 .ref = "",
                 .benchmarks = {{name, {.p99 = values[i], .unit = "ns", .repetitions = 5}}}});
  return h;
}

TEST(Trend, ReportsTheCommitRangeOfAShift) {
  std::vector<double> v;
  for (int i = 0; i < 20; ++i) v.push_back(1000 + (i % 3));
  for (int i = 0; i < 20; ++i) v.push_back(1500 + (i % 3));
  auto t = analyze_trend(nights(v), {});
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->benchmarks.size(), 1u);
  ASSERT_EQ(t->benchmarks[0].shifts.size(), 1u);
  const TrendShift& s = t->benchmarks[0].shifts[0];
  EXPECT_EQ(s.commit_before, "c19");
  EXPECT_EQ(s.commit_after, "c20");
  EXPECT_EQ(s.date_after, "night-20");
  EXPECT_NEAR(s.point.relative_change, 0.5, 0.01);
  EXPECT_EQ(t->benchmarks[0].points, 40u);
  EXPECT_EQ(t->entries, 40u);
}

TEST(Trend, AUnitChangeIsBadInput) {
  History h = nights({1, 2, 3});
  h[2].benchmarks["lru"].unit = "ms";
  auto t = analyze_trend(h, {});
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ExitCode::bad_input);
  EXPECT_NE(t.error().message.find("changes unit from ns to ms"), std::string::npos);
}

}  // namespace
}  // namespace perfgate::gate
