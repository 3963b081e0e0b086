#pragma once
// The ISO 8601 times perfgate accepts (a history's dates, `history append
// --date`, a results file's run.started_at — which its schema holds to the
// one form 2026-11-29T03:12:00Z): a calendar date, optionally with the time
// of day to the minute or second, a fraction of the second of up to 9
// digits, and `Z` or a UTC offset:
//
//   2026-11-29   2026-11-29T03:12Z   2026-11-29T03:12:00Z   2026-11-29T04:12:00.25+01:00
//
// Parsed by hand: libstdc++'s std::regex recurses once per character and
// overflows the stack on a long input. Pure; thread-safe.

#include <compare>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace perfgate::gate {

// An instant, comparable across the forms above.
struct Timestamp {
  std::int64_t seconds = 0;  // since 1970-01-01T00:00:00Z; a leap second (:60) is the next second
  std::uint32_t nanos = 0;   // 0 to 999'999'999, within the second
  auto operator<=>(const Timestamp&) const = default;
};

// A date alone is its midnight and a time without `Z` or offset is UTC, as
// perfgate writes times. Checks the calendar: month 1 to 12, the day within
// its month (leap years included), hour 0 to 23, minute 0 to 59, second 0 to
// 60, an offset within ±14:00; year 0001 to 9999. On error, what is wrong,
// to follow the quoted text (e.g. "has month 13 (1 to 12)").
std::expected<Timestamp, std::string> parse_timestamp(std::string_view text);

// The form perfgate writes its times in, and the only one a results file's
// run.started_at may take (its schema's pattern): UTC to the second,
// 2026-11-22T07:05:00Z. A year beyond 0001-9999 gives text without that
// shape.
std::string utc_second_text(std::int64_t seconds);
// Whether text has that form's shape (20 characters, `T` and `Z` in place);
// parse_timestamp checks the rest.
bool has_utc_second_shape(std::string_view text);

}  // namespace perfgate::gate
