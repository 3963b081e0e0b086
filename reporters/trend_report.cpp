#include "reporters/trend_report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "reporters/markdown_escape.h"
#include "reporters/markdown_report.h"

namespace perfgate::reporters {
namespace {

std::string short_commit(const std::string& c) {
  return c.size() > 12 ? c.substr(0, 12) : c;
}

std::string method_line(const gate::TrendReport& r) {
  const auto& o = r.options;
  if (o.test == gate::SignificanceTest::permutation)
    return fmt::format(
        "E-Divisive with means (Matteson & James 2014), permutation test ({} permutations, seed "
        "{}), "
        "p ≤ {}, at least {} nights per segment",
        o.permutations, o.seed, o.max_p_value, o.min_segment);
  return fmt::format(
      "E-Divisive with means (Matteson & James 2014), Student's t-test as in Hunter/Otava, p ≤ {}, "
      "at least {} nights per segment",
      o.max_p_value, o.min_segment);
}

}  // namespace

std::string format_value(double value, std::string_view unit) {
  if (unit == "ns") return format_duration_ns(value);
  if (unit == "us") return format_duration_ns(value * 1e3);
  if (unit == "ms") return format_duration_ns(value * 1e6);
  if (unit == "s") return format_duration_ns(value * 1e9);
  return fmt::format("{:.4g} {}", value, unit);
}

std::string render_trend_markdown(const gate::TrendReport& r) {
  std::size_t shifts = 0;
  for (const auto& b : r.benchmarks) shifts += b.shifts.size();
  std::string out = fmt::format(
      "{}\n## {} perfgate trend: {} shift{} in {} benchmark{} over {} night{}\n\n", kTrendMarker,
      shifts == 0 ? "✅" : "📈", shifts, shifts == 1 ? "" : "s", r.benchmarks.size(),
      r.benchmarks.size() == 1 ? "" : "s", r.entries, r.entries == 1 ? "" : "s");
  if (r.entries > 0)
    out += fmt::format("History from {} to {}.\n\n", escape_markdown(r.first_date),
                       escape_markdown(r.last_date));
  if (shifts > 0) {
    out +=
        "| benchmark | between commits | nights | p99 before | p99 after | change | p-value |\n"
        "|---|---|---|---:|---:|---:|---:|\n";
    for (const auto& b : r.benchmarks)
      for (const auto& s : b.shifts)
        out += fmt::format("| {} | `{}` → `{}` | {} → {} | {} | {} | {:+.1f} % | {:.2g} |\n",
                           escape_markdown(b.name), escape_markdown(short_commit(s.commit_before)),
                           escape_markdown(short_commit(s.commit_after)),
                           escape_markdown(s.date_before), escape_markdown(s.date_after),
                           format_value(s.point.mean_before, b.unit),
                           format_value(s.point.mean_after, b.unit), 100 * s.point.relative_change,
                           s.point.p_value);
    out +=
        "\nA shift happened after the first commit and at or before the second: bisect that "
        "range.\n";
  }
  std::string steady;
  for (const auto& b : r.benchmarks)
    if (b.shifts.empty())
      steady += fmt::format("- {}: {} nights, last p99 {}\n", escape_markdown(b.name), b.points,
                            format_value(b.last_p99, b.unit));
  if (!steady.empty())
    out += fmt::format("\n<details><summary>Without a shift</summary>\n\n{}\n</details>\n", steady);
  out += fmt::format("\nMethod: {}.\n", method_line(r));
  return out;
}

std::string render_trend_json(const gate::TrendReport& r) {
  using ojson = nlohmann::ordered_json;
  ojson benchmarks = ojson::array();
  for (const auto& b : r.benchmarks) {
    ojson shifts = ojson::array();
    for (const auto& s : b.shifts)
      shifts.push_back({{"index", s.point.index},
                        {"commit_before", s.commit_before},
                        {"date_before", s.date_before},
                        {"commit_after", s.commit_after},
                        {"date_after", s.date_after},
                        {"mean_before", s.point.mean_before},
                        {"mean_after", s.point.mean_after},
                        {"relative_change", s.point.relative_change},
                        {"p_value", s.point.p_value},
                        {"q_hat", s.point.q_hat}});
    benchmarks.push_back({{"name", b.name},
                          {"unit", b.unit},
                          {"points", b.points},
                          {"last_p99", b.last_p99},
                          {"shifts", shifts}});
  }
  const auto& o = r.options;
  const ojson j = {{"schema", gate::kTrendSchema},
                   {"entries", r.entries},
                   {"first_date", r.first_date},
                   {"last_date", r.last_date},
                   {"method",
                    {{"name", "e-divisive-means"},
                     {"test", gate::to_string(o.test)},
                     {"max_p_value", o.max_p_value},
                     {"permutations", o.permutations},
                     {"seed", o.seed},
                     {"min_segment", o.min_segment},
                     {"min_relative_change", o.min_relative_change}}},
                   {"benchmarks", benchmarks}};
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace perfgate::reporters
