#pragma once
// The nightly history (`perfgate.history/v1`, DESIGN §10): one entry per night
// with main's p99 per benchmark, the commit and the date. Stored as JSON Lines
// — one self-contained JSON object per line, in date order (a night appended
// late goes where its date puts it) — so a night adds one line and a reader
// never needs the whole file in one JSON value. Schema of a line:
// docs/schema/history.schema.json. Pure: parse/serialize strings; the CLI
// reads and writes the file (atomically, like every output).

#include <expected>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gate/error.h"
#include "gate/results.h"

namespace perfgate::gate {

inline constexpr std::string_view kHistorySchema = "perfgate.history/v1";

struct HistoryValue {
  double p99 = 0;           // median over the night's repetitions of each repetition's p99
  std::string unit = "ns";  // of p99
  std::size_t repetitions = 0;
};

struct HistoryEntry {
  std::string date;    // ISO 8601 UTC of the run, e.g. "2026-11-29T03:12:00Z"
  std::string commit;  // main's commit the night measured
  std::string ref;     // e.g. "refs/heads/main"; may be empty
  std::map<std::string, HistoryValue> benchmarks;
};

using History = std::vector<HistoryEntry>;

// One JSON line (no trailing newline).
std::string history_entry_to_json(const HistoryEntry& entry);

// Parses a whole history file. Blank lines are skipped; anything else that is
// not a valid entry is bad_input naming `origin:line` and the field.
std::expected<History, Error> history_from_jsonl(std::string_view text, std::string_view origin);

struct HistoryInsertion {
  std::string text;        // the whole new history file
  std::size_t night = 0;   // the new night's position among the nights, from 1
  std::size_t nights = 0;  // nights in the new file
};

// A history file's text with `entry` as one more line, right after the last
// night dated at or before it (by instant, gate/timestamp.h): at the end for
// the usual newest night, so a file in date order stays in date order. The
// other lines are kept byte for byte. bad_input when a line is not a valid
// entry (as history_from_jsonl), `entry`'s date is not a timestamp, or the
// history already holds the same commit at the same instant (naming that
// line): a night is appended once.
std::expected<HistoryInsertion, Error> insert_history_entry(std::string_view text,
                                                            std::string_view origin,
                                                            const HistoryEntry& entry);

// The entry a results file contributes: its run's commit, ref and start time,
// and for every benchmark that ran ok the median of its repetitions' p99.
// `commit` / `date` override the run's when non-empty. bad_input when no
// benchmark ran ok, no commit or date is known, or the date is not one
// parse_timestamp (gate/timestamp.h) accepts.
std::expected<HistoryEntry, Error> history_entry_from_results(const Results& results,
                                                              std::string commit = "",
                                                              std::string date = "");

}  // namespace perfgate::gate
