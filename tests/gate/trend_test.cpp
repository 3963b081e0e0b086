#include "gate/trend.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace perfgate::gate {
namespace {

History nights(const std::vector<double>& values, const std::string& name = "lru") {
  History h;
  for (std::size_t i = 0; i < values.size(); ++i)
    h.push_back({.date = fmt::format("2026-{:02}-{:02}T03:00:00Z", 1 + i / 28, 1 + i % 28),
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
  EXPECT_EQ(s.date_after, "2026-01-21T03:00:00Z");
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

TEST(Trend, ADateThatIsNotATimestampIsBadInput) {
  History h = nights({1, 2, 3});
  h[1].date = "night-1";
  auto t = analyze_trend(h, {});
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ExitCode::bad_input);
  EXPECT_NE(t.error().message.find("date 'night-1' is not ISO 8601"), std::string::npos);
}

// A history whose lines are not in date order (written by hand, or appended
// by an older perfgate): the series and the commit range follow the dates.
TEST(Trend, OrdersTheNightsByDateNotByLine) {
  std::vector<double> v;
  for (int i = 0; i < 20; ++i) v.push_back(1000 + (i % 3));
  for (int i = 0; i < 20; ++i) v.push_back(1500 + (i % 3));
  History h = nights(v);
  std::reverse(h.begin(), h.end());
  std::swap(h[5], h[30]);
  // The same instant written with an offset sorts where its UTC time does.
  h[0].date = "2026-02-12T04:00:00+01:00";  // c39, 2026-02-12T03:00:00Z
  auto t = analyze_trend(h, {});
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->first_date, "2026-01-01T03:00:00Z");
  EXPECT_EQ(t->last_date, "2026-02-12T04:00:00+01:00");
  ASSERT_EQ(t->benchmarks[0].shifts.size(), 1u);
  EXPECT_EQ(t->benchmarks[0].shifts[0].commit_before, "c19");
  EXPECT_EQ(t->benchmarks[0].shifts[0].commit_after, "c20");
  EXPECT_EQ(t->benchmarks[0].last_p99, v.back());
}

TEST(Trend, NightsOfTheSameDateKeepTheirLineOrder) {
  History h = nights({1, 2, 3, 4});
  for (auto& e : h) e.date = "2026-11-29";
  h[3].date = "2026-11-28T23:59:59Z";
  auto t = analyze_trend(h, {});
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->first_date, "2026-11-28T23:59:59Z");
  EXPECT_EQ(t->last_date, "2026-11-29");
  EXPECT_EQ(t->benchmarks[0].last_p99, 3) << "the last line of the last date";
}

}  // namespace
}  // namespace perfgate::gate
