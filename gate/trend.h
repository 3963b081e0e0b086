#pragma once
// The long-term trend of a history (DESIGN §10): for each benchmark, the
// change points of its nightly p99 series (gate/change_points.h) with the
// commit range in which each shift happened. Pure: a History in, a
// TrendReport out; rendering is in reporters/trend_*.h.

#include <expected>
#include <string>
#include <vector>

#include "gate/change_points.h"
#include "gate/error.h"
#include "gate/history.h"

namespace perfgate::gate {

inline constexpr std::string_view kTrendSchema = "perfgate.trend/v1";

struct TrendShift {
  ChangePoint point;          // index into this benchmark's series
  std::string commit_before;  // last commit measured before the shift
  std::string date_before;
  std::string commit_after;  // first commit measured after it: the shift is in (before, after]
  std::string date_after;
};

struct BenchmarkTrend {
  std::string name;
  std::string unit;
  std::size_t points = 0;  // nights with a value for this benchmark
  double last_p99 = 0;
  std::vector<TrendShift> shifts;
};

struct TrendReport {
  std::size_t entries = 0;
  std::string first_date, last_date;  // of the earliest and the latest night
  ChangePointOptions options;
  std::vector<BenchmarkTrend> benchmarks;  // by name
};

// The nights are taken in date order (gate/timestamp.h), not in the order of
// `history`; nights of the same instant keep their order. bad_input when a
// date is not a timestamp or a benchmark changes its unit within the history
// (its values would not be comparable). An empty history gives an empty
// report.
std::expected<TrendReport, Error> analyze_trend(const History& history,
                                                const ChangePointOptions& options);

std::string_view to_string(SignificanceTest test);

}  // namespace perfgate::gate
