#pragma once
// Renderers of a trend report (`perfgate trend`, DESIGN §10). Pure.
//
// Markdown: one headline with the number of shifts, then per benchmark with a
// shift a table row per change point (commit range, mean before → after,
// relative change, p-value); benchmarks without shifts are listed in one
// folded line. Outside strings (names, commits, dates) are escaped.
// JSON (`perfgate.trend/v1`, docs/schema/trend.schema.json): the same content.

#include <string>

#include "gate/trend.h"

namespace perfgate::reporters {

// Hidden marker, like the gate report's, so a bot can find the comment again.
inline constexpr std::string_view kTrendMarker = "<!-- perfgate:trend -->";

std::string render_trend_markdown(const gate::TrendReport& report);
std::string render_trend_json(const gate::TrendReport& report);

// "1.23 ms" for time units (ns, us, ms, s), "12.3 unit" otherwise.
std::string format_value(double value, std::string_view unit);

}  // namespace perfgate::reporters
