#include "gate/history.h"

#include <gtest/gtest.h>

namespace perfgate::gate {
namespace {

Results results_with(std::vector<std::pair<std::string, std::vector<double>>> p99s) {
  Results r;
  r.run.commit = "c0ffee";
  r.run.started_at = "2026-11-29T03:00:00Z";
  r.run.ref = "refs/heads/main";
  for (const auto& [name, values] : p99s) {
    BenchmarkResult b;
    b.name = name;
    for (double v : values) {
      Repetition rep;
      rep.stats.p99 = v;
      b.repetitions.push_back(rep);
    }
    r.benchmarks.push_back(b);
  }
  return r;
}

TEST(History, EntryFromResultsTakesTheMedianRepetitionP99) {
  Results r = results_with({{"lru", {100, 900, 110}}, {"even", {10, 20, 30, 40}}, {"broken", {5}}});
  r.benchmarks[2].status = "failed";
  auto e = history_entry_from_results(r);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->commit, "c0ffee");
  EXPECT_EQ(e->date, "2026-11-29T03:00:00Z");
  ASSERT_EQ(e->benchmarks.size(), 2u) << "a failed benchmark contributes nothing";
  EXPECT_EQ(e->benchmarks.at("lru").p99, 110) << "median, not the 900 outlier";
  EXPECT_EQ(e->benchmarks.at("even").p99, 25);
  EXPECT_EQ(e->benchmarks.at("lru").repetitions, 3u);
  auto overridden = history_entry_from_results(r, "abc", "2026-12-01T00:00:00Z");
  ASSERT_TRUE(overridden);
  EXPECT_EQ(overridden->commit, "abc");
  EXPECT_EQ(overridden->date, "2026-12-01T00:00:00Z");
}

TEST(History, EntryFromResultsWithoutCommitOrOkBenchmarksIsBadInput) {
  Results r = results_with({{"lru", {100}}});
  r.run.commit = "";
  EXPECT_EQ(history_entry_from_results(r).error().code, ExitCode::bad_input);
  r = results_with({{"lru", {100}}});
  r.benchmarks[0].status = "failed";
  EXPECT_EQ(history_entry_from_results(r).error().code, ExitCode::bad_input);
}

TEST(History, RoundTripsThroughJsonLines) {
  auto e = history_entry_from_results(results_with({{"lru", {100, 120, 110}}}));
  ASSERT_TRUE(e);
  const std::string line = history_entry_to_json(*e);
  EXPECT_EQ(line.find('\n'), std::string::npos) << "one entry, one line";
  auto h = history_from_jsonl(line + "\n\n" + line + "\n", "h.jsonl");
  ASSERT_TRUE(h) << h.error().message;
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[1].benchmarks.at("lru").p99, 110);
  EXPECT_EQ((*h)[1].benchmarks.at("lru").unit, "ns");
}

TEST(History, MalformedLinesNameTheLineAndTheField) {
  const std::string good =
      R"({"schema":"perfgate.history/v1","date":"2026-11-29","commit":"c","benchmarks":{"a":{"p99":1,"unit":"ns"}}})";
  auto h = history_from_jsonl(good + "\n{not json\n", "h.jsonl");
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message, "h.jsonl:2: not valid JSON (one entry per line)");
  // json::parse kept the last of the two.
  h = history_from_jsonl(
      good + "\n" +
          R"({"schema":"perfgate.history/v1","date":"2026-11-30","commit":"c","benchmarks":{"a":{"p99":1,"unit":"ns","p99":9}}})",
      "h.jsonl");
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message, "h.jsonl:2: benchmarks.a: duplicate key 'p99'");
  h = history_from_jsonl(
      R"({"schema":"perfgate.history/v1","date":"2026-11-29","commit":"c","benchmarks":{"a":{"p99":-1,"unit":"ns"}}})",
      "h");
  ASSERT_FALSE(h);
  EXPECT_NE(h.error().message.find("h:1: benchmarks.a.p99: must be a finite number > 0"),
            std::string::npos);
  h = history_from_jsonl(
      R"({"schema":"perfgate.history/v2","date":"2026-11-29","commit":"c","benchmarks":{}})", "h");
  ASSERT_FALSE(h);
  EXPECT_NE(h.error().message.find("perfgate.history/v2"), std::string::npos);
  h = history_from_jsonl(
      R"({"schema":"perfgate.history/v1","date":"2026-11-29","commit":"c","benchmarks":{},"x":1})",
      "h");
  ASSERT_FALSE(h);
  EXPECT_NE(h.error().message.find("unknown field 'x'"), std::string::npos);
}

// JSON Schema (draft 2020-12) counts 3.0 as an integer: a line the schema
// passes is read; 2.5 is none.
TEST(History, ReadsRepetitionsWrittenAsAWholeFloat) {
  auto h = history_from_jsonl(
      R"({"schema":"perfgate.history/v1","date":"2026-11-29","commit":"c","benchmarks":{"a":{"p99":1,"unit":"ns","repetitions":3.0}}})",
      "h");
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ((*h)[0].benchmarks.at("a").repetitions, 3u);
  h = history_from_jsonl(
      R"({"schema":"perfgate.history/v1","date":"2026-11-29","commit":"c","benchmarks":{"a":{"p99":1,"unit":"ns","repetitions":2.5}}})",
      "h");
  ASSERT_FALSE(h);
  EXPECT_NE(h.error().message.find("h:1: benchmarks.a.repetitions: must be an integer >= 0"),
            std::string::npos)
      << h.error().message;
}

// std::regex_match recursed once per character of the date: 40 000 digits of
// a fraction overflowed the stack (exit 139), from --date and from
// run.started_at alike.
TEST(History, AVeryLongDateIsBadInputNotACrash) {
  const std::string date = "2026-01-01T00:00:00." + std::string(40000, '1') + "Z";
  Results r = results_with({{"lru", {100}}});
  auto e = history_entry_from_results(r, "", date);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, ExitCode::bad_input);
  EXPECT_LT(e.error().message.size(), 200u) << "quotes the date's start, not all of it";
  r.run.started_at = date;
  e = history_entry_from_results(r);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, ExitCode::bad_input);
}

TEST(History, ADateMustBeOnTheCalendar) {
  const Results r = results_with({{"lru", {100}}});
  for (const char* date : {"2026-13-45",
                           "2026-02-30T25:61:99Z",
                           "0000-00-00",
                           "2026-11-29T03:12:00+99:99",
                           "2026-02-29",
                           "1900-02-29",
                           "2026-04-31",
                           "2026-00-10",
                           "2026-11-00",
                           "2026-11-29T24:00Z",
                           "2026-11-29T03:60Z",
                           "2026-11-29T03:12:61Z",
                           "2026-11-29T03:12:00+14:01",
                           "2026-11-29T03:12:00-03:60",
                           "2026-11-29T03:12:00.Z",
                           "2026-1-01",
                           "2026-11-29T03:12:00Zx",
                           "2026-11-29 03:12:00Z",
                           "2026-11-29T03",
                           "-2026-11-29",
                           "２026-11-29"}) {
    SCOPED_TRACE(date);
    auto e = history_entry_from_results(r, "", date);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, ExitCode::bad_input);
    EXPECT_EQ(e.error().message.find('\n'), std::string::npos);
  }
  EXPECT_NE(history_entry_from_results(r, "", "2026-13-45").error().message.find("month 13"),
            std::string::npos);
  EXPECT_NE(history_entry_from_results(r, "", "2026-02-29").error().message.find("28 days"),
            std::string::npos);
  for (const char* date :
       {"2026-11-29", "2024-02-29", "2000-02-29T00:00Z", "2026-12-31T23:59:60Z",
        "2026-11-29T03:12:00.123456789-12:00", "2026-11-29T03:12+14:00", "2026-11-29T03:12:00"}) {
    SCOPED_TRACE(date);
    auto e = history_entry_from_results(r, "", date);
    EXPECT_TRUE(e) << e.error().message;
  }
}

std::string line_dated(const std::string& date, const std::string& commit = "c") {
  return R"({"schema":"perfgate.history/v1","date":")" + date + R"(","commit":")" + commit +
         R"(","benchmarks":{"a":{"p99":1,"unit":"ns"}}})";
}

TEST(History, AHistoryLineWithADateNotOnTheCalendarIsBadInput) {
  for (const char* date : {"yesterday", "2026-02-30T00:00:00Z", "d"}) {
    SCOPED_TRACE(date);
    auto h = history_from_jsonl(line_dated("2026-11-28T03:00:00Z") + "\n" + line_dated(date) + "\n",
                                "h.jsonl");
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error().code, ExitCode::bad_input);
    EXPECT_EQ(h.error().message.rfind("h.jsonl:2: date '", 0), 0u) << h.error().message;
  }
}

TEST(History, AnUnknownKeyInABenchmarkIsBadInput) {
  auto h = history_from_jsonl(
      R"({"schema":"perfgate.history/v1","date":"2026-11-29","commit":"c","benchmarks":{"a":{"p99":1,"unit":"ns","p50":1}}})",
      "h");
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, ExitCode::bad_input);
  EXPECT_NE(h.error().message.find("h:1: benchmarks.a: unknown field 'p50'"), std::string::npos)
      << h.error().message;
}

// A commit reaches the terminal, trend.md and the JSON of the history: a byte
// that is not UTF-8 made nlohmann::json throw when the line was written
// (exit 3), and a line break would forge a line of output.
TEST(History, ACommitMustBePrintableUtf8) {
  const Results r = results_with({{"lru", {100}}});
  for (const char* commit : {"ab\xff"
                             "cd",
                             "ab\xc3", "ab\ncd", "ab\x1b[31m", "\xed\xa0\x80",
                             "ab\xc2\x9b"
                             "cd",
                             "\xc0\xaf"}) {
    SCOPED_TRACE(commit);
    auto e = history_entry_from_results(r, commit);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, ExitCode::bad_input);
    EXPECT_EQ(e.error().message.find(commit), std::string::npos) << "never echoes the bytes";
  }
  EXPECT_TRUE(history_entry_from_results(r, "f00d-é"));
  auto h = history_from_jsonl(line_dated("2026-11-29", "ab\\ncd"), "h");
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message, "h:1: commit holds a control character (at byte 2)");
  // Benchmark names are printed too, as they are from a results file.
  h = history_from_jsonl(
      R"({"schema":"perfgate.history/v1","date":"2026-11-29","commit":"c","benchmarks":{"a\n::error::x":{"p99":1,"unit":"ns"}}})",
      "h");
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message,
            "h:1: a benchmark name in 'benchmarks' holds a control character (at byte 1)");
}

HistoryEntry night_of(const std::string& date, const std::string& commit) {
  return {
      .date = date, .commit = commit, .ref = "", .benchmarks = {{"a", {.p99 = 1, .unit = "ns"}}}};
}

TEST(History, InsertGoesAfterTheLastNightDatedAtOrBeforeIt) {
  // Hand-written lines (spaces, a blank line, no final newline) stay as they are.
  const std::string text = line_dated("2026-11-01", "c1") + "\n\n" +
                           line_dated("2026-11-03T00:00:00+01:00", "c3") + "\n" +
                           line_dated("2026-11-05", "c5");
  auto at_end = insert_history_entry(text, "h", night_of("2026-11-06", "c6"));
  ASSERT_TRUE(at_end) << at_end.error().message;
  EXPECT_EQ(at_end->text, text + "\n" + history_entry_to_json(night_of("2026-11-06", "c6")) + "\n");
  EXPECT_EQ(at_end->night, 4u);
  EXPECT_EQ(at_end->nights, 4u);

  auto late = insert_history_entry(text, "h", night_of("2026-11-02T23:30:00Z", "c2"));
  ASSERT_TRUE(late) << late.error().message;
  EXPECT_EQ(late->text, line_dated("2026-11-01", "c1") + "\n\n" +
                            line_dated("2026-11-03T00:00:00+01:00", "c3") + "\n" +
                            history_entry_to_json(night_of("2026-11-02T23:30:00Z", "c2")) + "\n" +
                            line_dated("2026-11-05", "c5"))
      << "c3 is 2026-11-02T23:00:00Z, before c2";
  EXPECT_EQ(late->night, 3u);
  EXPECT_EQ(late->nights, 4u);

  auto first = insert_history_entry(text, "h", night_of("2026-10-31", "c0"));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->text, history_entry_to_json(night_of("2026-10-31", "c0")) + "\n" + text);
  EXPECT_EQ(first->night, 1u);

  // Same instant, another commit: after the night already there.
  auto same_time = insert_history_entry(text, "h", night_of("2026-11-01T00:00:00Z", "c1b"));
  ASSERT_TRUE(same_time);
  EXPECT_EQ(same_time->night, 2u);

  auto empty = insert_history_entry("", "h", night_of("2026-11-01", "c1"));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->text, history_entry_to_json(night_of("2026-11-01", "c1")) + "\n");
  EXPECT_EQ(empty->nights, 1u);
}

TEST(History, InsertRefusesTheSameNightTwice) {
  const std::string text =
      line_dated("2026-11-01", "c1") + "\n" + line_dated("2026-11-03T03:00:00Z", "c3") + "\n";
  for (const char* date : {"2026-11-03T03:00:00Z", "2026-11-03T04:00:00+01:00"}) {
    auto again = insert_history_entry(text, "h.jsonl", night_of(date, "c3"));
    ASSERT_FALSE(again) << date;
    EXPECT_EQ(again.error().code, ExitCode::bad_input);
    EXPECT_EQ(again.error().message.rfind("h.jsonl:2: already holds c3 at 2026-11-03T03:00:00Z", 0),
              0u)
        << again.error().message;
  }
  // The same commit on another night (nothing merged in between) is a night.
  EXPECT_TRUE(insert_history_entry(text, "h", night_of("2026-11-04", "c3")));
  EXPECT_FALSE(insert_history_entry(text + "{\n", "h", night_of("2026-11-04", "c4")));
}

}  // namespace
}  // namespace perfgate::gate
