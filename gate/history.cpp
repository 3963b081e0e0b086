#include "gate/history.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "gate/json_reader.h"
#include "gate/timestamp.h"

namespace perfgate::gate {
namespace {

using nlohmann::json;
using ojson = nlohmann::ordered_json;

std::expected<HistoryEntry, std::string> parse_entry(const json& j) {
  if (!j.is_object()) return std::unexpected("must be a JSON object");
  for (const auto& [key, v] : j.items())
    if (key != "schema" && key != "date" && key != "commit" && key != "ref" && key != "benchmarks")
      return std::unexpected(fmt::format("unknown field '{}'", excerpt(key)));
  const auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_string()) return std::unexpected("missing field 'schema'");
  if (*schema != kHistorySchema)
    return std::unexpected(
        fmt::format("schema '{}' is not {}", schema->get<std::string>(), kHistorySchema));
  HistoryEntry e;
  for (auto [key, out] : {std::pair{"date", &e.date}, {"commit", &e.commit}}) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string() || it->get<std::string>().empty())
      return std::unexpected(fmt::format("'{}' must be a non-empty string", key));
    *out = it->get<std::string>();
  }
  // The trend orders the nights by these instants.
  if (auto when = parse_timestamp(e.date); !when)
    return std::unexpected(fmt::format("date '{}' {}", excerpt(e.date), when.error()));
  if (const auto why = unprintable(e.commit)) return std::unexpected("commit holds " + *why);
  if (const auto ref = j.find("ref"); ref != j.end()) {
    if (!ref->is_string()) return std::unexpected("'ref' must be a string");
    e.ref = ref->get<std::string>();
  }
  const auto benchmarks = j.find("benchmarks");
  if (benchmarks == j.end() || !benchmarks->is_object())
    return std::unexpected("'benchmarks' must be an object");
  for (const auto& [name, b] : benchmarks->items()) {
    if (const auto why = unprintable(name))
      return std::unexpected("a benchmark name in 'benchmarks' holds " + *why);
    if (!b.is_object())
      return std::unexpected(
          fmt::format("benchmarks.{}: must be an object of p99, unit and repetitions", name));
    for (const auto& [key, v] : b.items())
      if (key != "p99" && key != "unit" && key != "repetitions")
        return std::unexpected(
            fmt::format("benchmarks.{}: unknown field '{}'", name, excerpt(key)));
    const auto p99 = b.find("p99");
    const auto unit = b.find("unit");
    if (p99 == b.end() || !p99->is_number() || !std::isfinite(p99->get<double>()) ||
        p99->get<double>() <= 0)
      return std::unexpected(fmt::format("benchmarks.{}.p99: must be a finite number > 0", name));
    if (unit == b.end() || !unit->is_string() || unit->get<std::string>().empty())
      return std::unexpected(fmt::format("benchmarks.{}.unit: must be a non-empty string", name));
    HistoryValue v{.p99 = p99->get<double>(), .unit = unit->get<std::string>()};
    if (const auto reps = b.find("repetitions"); reps != b.end()) {
      const auto n = as_count(*reps);
      if (!n)
        return std::unexpected(
            fmt::format("benchmarks.{}.repetitions: must be an integer >= 0", name));
      v.repetitions = *n;
    }
    e.benchmarks.emplace(name, v);
  }
  return e;
}

// Parses each non-blank line of a history file in turn and hands it to
// `on_entry(entry, line number, offset just past the line)`; stops at the
// first line that is not a valid entry (bad_input naming `origin:line`) or
// the first error `on_entry` returns.
template <typename OnEntry>
std::expected<void, Error> for_each_entry(std::string_view text, std::string_view origin,
                                          OnEntry&& on_entry) {
  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = std::min(end + 1, text.size());
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const auto j = parse_json(line);
    if (!j)
      return std::unexpected(Error::bad_input(
          j.error().duplicate_key
              ? fmt::format("{}:{}: {}", origin, line_no, j.error().message)
              : fmt::format("{}:{}: not valid JSON (one entry per line)", origin, line_no)));
    auto entry = parse_entry(*j);
    if (!entry)
      return std::unexpected(
          Error::bad_input(fmt::format("{}:{}: {}", origin, line_no, entry.error())));
    if (auto ok = on_entry(std::move(*entry), line_no, pos); !ok) return ok;
  }
  return {};
}

}  // namespace

std::string history_entry_to_json(const HistoryEntry& e) {
  ojson benchmarks = ojson::object();
  for (const auto& [name, v] : e.benchmarks)
    benchmarks[name] = {{"p99", v.p99}, {"unit", v.unit}, {"repetitions", v.repetitions}};
  const ojson j = {{"schema", kHistorySchema},
                   {"date", e.date},
                   {"commit", e.commit},
                   {"ref", e.ref},
                   {"benchmarks", benchmarks}};
  return j.dump();  // dump() without indent: one line, as JSON Lines requires
}

std::expected<History, Error> history_from_jsonl(std::string_view text, std::string_view origin) {
  History history;
  auto ok = for_each_entry(text, origin, [&](HistoryEntry&& e, std::size_t, std::size_t) {
    history.push_back(std::move(e));
    return std::expected<void, Error>{};
  });
  if (!ok) return std::unexpected(ok.error());
  return history;
}

std::expected<HistoryInsertion, Error> insert_history_entry(std::string_view text,
                                                            std::string_view origin,
                                                            const HistoryEntry& entry) {
  const auto when = parse_timestamp(entry.date);
  if (!when)
    return std::unexpected(
        Error::bad_input(fmt::format("date '{}' {}", excerpt(entry.date), when.error())));
  std::size_t insert_at = 0;  // just past the line the new night follows
  std::size_t before = 0;     // nights up to and including that line
  std::size_t nights = 0;
  auto ok =
      for_each_entry(text, origin,
                     [&](HistoryEntry&& e, std::size_t line_no,
                         std::size_t line_end) -> std::expected<void, Error> {
                       ++nights;
                       const Timestamp t = *parse_timestamp(e.date);  // parse_entry checked it
                       if (t == *when && e.commit == entry.commit)
                         return std::unexpected(Error::bad_input(fmt::format(
                             "{}:{}: already holds {} at {}; a night is appended once (remove "
                             "that line to replace it)",
                             origin, line_no, e.commit, e.date)));
                       if (t <= *when) {
                         insert_at = line_end;
                         before = nights;
                       }
                       return {};
                     });
  if (!ok) return std::unexpected(ok.error());
  std::string out(text.substr(0, insert_at));
  if (!out.empty() && out.back() != '\n') out += '\n';  // a last line without its newline
  out += history_entry_to_json(entry) + "\n";
  out += text.substr(insert_at);
  return HistoryInsertion{.text = std::move(out), .night = before + 1, .nights = nights + 1};
}

std::expected<HistoryEntry, Error> history_entry_from_results(const Results& results,
                                                              std::string commit,
                                                              std::string date) {
  HistoryEntry e;
  e.commit = commit.empty() ? results.run.commit : std::move(commit);
  e.date = date.empty() ? results.run.started_at : std::move(date);
  e.ref = results.run.ref;
  if (e.commit.empty())
    return std::unexpected(
        Error::bad_input("the results name no commit; pass --commit (e.g. $GITHUB_SHA)"));
  if (const auto why = unprintable(e.commit))
    return std::unexpected(Error::bad_input(fmt::format(
        "commit holds {}; pass --commit as the commit's hash (e.g. $GITHUB_SHA)", *why)));
  if (e.date.empty())
    return std::unexpected(Error::bad_input("the results carry no start time; pass --date"));
  if (auto when = parse_timestamp(e.date); !when)
    return std::unexpected(Error::bad_input(
        fmt::format("date '{}' {}; pass --date as ISO 8601 UTC, e.g. 2026-11-29T03:12:00Z",
                    excerpt(e.date), when.error())));
  for (const auto& b : results.benchmarks) {
    if (b.status != "ok" || b.repetitions.empty()) continue;
    // The median of per-repetition p99s: one noisy repetition (a neighbour's
    // burst on a shared runner) must not move a night's point.
    std::vector<double> p99s;
    for (const auto& r : b.repetitions) p99s.push_back(r.stats.p99);
    std::sort(p99s.begin(), p99s.end());
    const std::size_t n = p99s.size();
    const double median = n % 2 == 1 ? p99s[n / 2] : (p99s[n / 2 - 1] + p99s[n / 2]) / 2;
    if (!(median > 0)) continue;  // a benchmark with no measurable time has no trend
    e.benchmarks.emplace(b.name, HistoryValue{.p99 = median, .unit = b.unit, .repetitions = n});
  }
  if (e.benchmarks.empty())
    return std::unexpected(
        Error::bad_input("the results hold no benchmark that ran ok; nothing to append"));
  return e;
}

}  // namespace perfgate::gate
