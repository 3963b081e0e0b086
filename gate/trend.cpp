#include "gate/trend.h"

#include <fmt/format.h>

#include <map>

namespace perfgate::gate {

std::string_view to_string(SignificanceTest test) {
  return test == SignificanceTest::permutation ? "permutation" : "student_t";
}

std::expected<TrendReport, Error> analyze_trend(const History& history,
                                                const ChangePointOptions& options) {
  TrendReport report;
  report.entries = history.size();
  report.options = options;
  if (!history.empty()) {
    report.first_date = history.front().date;
    report.last_date = history.back().date;
  }
  struct Series {
    std::string unit;
    std::vector<double> values;
    std::vector<const HistoryEntry*> entries;  // the night each value came from
  };
  std::map<std::string, Series> series;
  for (std::size_t i = 0; i < history.size(); ++i)
    for (const auto& [name, v] : history[i].benchmarks) {
      Series& s = series[name];
      if (!s.values.empty() && s.unit != v.unit)
        return std::unexpected(
            Error::bad_input(fmt::format("benchmark '{}' changes unit from {} to {} at entry {} "
                                         "({}); its values are not comparable",
                                         name, s.unit, v.unit, i + 1, history[i].date)));
      s.unit = v.unit;
      s.values.push_back(v.p99);
      s.entries.push_back(&history[i]);
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
