#include "gate/trend.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "gate/timestamp.h"

namespace perfgate::gate {

std::string_view to_string(SignificanceTest test) {
  return test == SignificanceTest::permutation ? "permutation" : "student_t";
}

std::expected<TrendReport, Error> analyze_trend(const History& history,
                                                const ChangePointOptions& options) {
  // The nights in date order, whatever the order of the lines (a night
  // appended late, an edited file): a shift's commit range is a range in
  // time. Stable, so nights of the same instant keep the file's order.
  std::vector<std::pair<Timestamp, const HistoryEntry*>> nights;
  for (const HistoryEntry& e : history) {
    auto when = parse_timestamp(e.date);
    if (!when)
      return std::unexpected(Error::bad_input(
          fmt::format("the night of commit {}: date '{}' {}", e.commit, e.date, when.error())));
    nights.emplace_back(*when, &e);
  }
  std::ranges::stable_sort(nights, {}, &std::pair<Timestamp, const HistoryEntry*>::first);

  TrendReport report;
  report.entries = history.size();
  report.options = options;
  if (!nights.empty()) {
    report.first_date = nights.front().second->date;
    report.last_date = nights.back().second->date;
  }
  struct Series {
    std::string unit;
    std::vector<double> values;
    std::vector<const HistoryEntry*> entries;  // the night each value came from
  };
  std::map<std::string, Series> series;
  for (const auto& [when, night] : nights)
    for (const auto& [name, v] : night->benchmarks) {
      Series& s = series[name];
      if (!s.values.empty() && s.unit != v.unit)
        return std::unexpected(Error::bad_input(
            fmt::format("benchmark '{}' changes unit from {} to {} on the night of {} (commit {}); "
                        "its values are not comparable",
                        name, s.unit, v.unit, night->date, night->commit)));
      s.unit = v.unit;
      s.values.push_back(v.p99);
      s.entries.push_back(night);
    }
  for (const auto& [name, s] : series) {
    BenchmarkTrend t{
        .name = name, .unit = s.unit, .points = s.values.size(), .last_p99 = s.values.back()};
    // A benchmark missing on some nights has a shorter series; its commit
    // range then spans the nights it was not measured, which is the truth.
    for (const ChangePoint& cp : find_change_points(s.values, options)) {
      const HistoryEntry& before = *s.entries[cp.index - 1];
      const HistoryEntry& after = *s.entries[cp.index];
      t.shifts.push_back({cp, before.commit, before.date, after.commit, after.date});
    }
    report.benchmarks.push_back(std::move(t));
  }
  return report;
}

}  // namespace perfgate::gate
