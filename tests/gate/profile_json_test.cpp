#include "gate/profile_json.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace perfgate::gate {
namespace {

profiler::Profile two_stacks() {
  profiler::Profile p;
  const auto main_id = p.intern(
      profiler::Frame{.function = "main", .module = "app", .build_id = "ab01", .offset = 16});
  const auto work_id =
      p.intern(profiler::Frame{.function = "work", .module = "app", .symbol_size = 64});
  const auto kernel_id = p.intern(profiler::Frame{.function = "do_syscall_64",
                                                  .module = "[kernel.kallsyms]",
                                                  .kind = profiler::FrameKind::kernel});
  p.add(std::vector<std::uint32_t>{main_id, work_id}, 7);
  p.add(std::vector<std::uint32_t>{main_id, kernel_id}, 3);
  p.stats.samples = 10;
  p.stats.hz = 999;
  p.stats.duration_s = 0.01;
  p.calls = {profiler::FunctionCalls{"work", "app", 1000, 7, {{600, 4}, {400, 3}}}};
  p.calls_partial = true;
  p.calls_from = "perfgate_operations_begin";
  p.recorded_from = "perfgate_operations_begin";
  return p;
}

TEST(ProfileJson, RoundTripsWhatItWrites) {
  const profiler::Profile p = two_stacks();
  auto back = profile_from_json(profile_to_json(p));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(profile_to_json(*back), profile_to_json(p));
  EXPECT_EQ(back->total(), 10u);
  EXPECT_TRUE(back->calls_partial);
  EXPECT_EQ(back->calls_from, "perfgate_operations_begin");
  EXPECT_EQ(back->recorded_from, "perfgate_operations_begin");
}

// Names from file names and symbols are bytes: one that is not UTF-8 used to
// fail the dump and lose the whole recording.
TEST(ProfileJson, NamesThatAreNotUtf8AreWrittenWithReplacementCharacters) {
  profiler::Profile p;
  p.add(std::vector<std::uint32_t>{p.intern(
            profiler::Frame{.function = "f\xff", .module = "cs\xffx"})},
        1);
  auto back = profile_from_json(profile_to_json(p));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->frames()[0].module, "cs\xef\xbf\xbdx");
}

// Each used to be read without a word: a negative hz wrapped to 4294967291,
// a fractional index was truncated, 2^64 + 5 became frame 0, a stack without
// frames put its samples on the root, and a misspelt key was ignored. Or it
// failed in nlohmann's words, without the field ("cannot use at() with
// number").
TEST(ProfileJson, RejectsWhatTheSchemaForbidsNamingTheField) {
  const std::string good = profile_to_json(two_stacks());
  ASSERT_TRUE(profile_from_json(good));
  auto edited = [&](auto change) {
    nlohmann::json doc = nlohmann::json::parse(good);
    change(doc);
    return doc.dump();
  };
  using J = nlohmann::json;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {edited([](J& d) { d["stats"]["hz"] = -5; }),
       "stats.hz: must be an integer from 0 to 1000000, got -5"},
      {edited([](J& d) { d["stats"]["hz"] = 5'000'000'000; }),
       "stats.hz: must be an integer from 0 to 1000000, got 5000000000"},
      {edited([](J& d) { d["stacks"][0]["frames"][0] = 0.5; }),
       "stacks[0].frames[0]: must be an integer >= 0, got 0.5"},
      {edited([](J& d) { d["stacks"][0]["frames"][0] = 9; }),
       "stacks[0].frames[0]: refers to frame 9 of 3"},
      {edited([](J& d) { d["stacks"][0]["frames"] = nullptr; }),
       "stacks[0].frames: must be a non-empty array of frame indices, got null"},
      {edited([](J& d) { d["stacks"][0]["frames"] = J::array(); }),
       "stacks[0].frames: must be a non-empty array of frame indices, got an array"},
      {edited([](J& d) { d["stacks"][0]["count"] = 0; }),
       "stacks[0].count: must be an integer >= 1, got 0"},
      {edited([](J& d) { d["mode"] = 3; }), "mode: must be one of \"cpu\", \"offcpu\", got 3"},
      {edited([](J& d) { d["unit"] = "ns"; }), "unit: must be \"samples\" in cpu mode, got \"ns\""},
      {edited([](J& d) { d["total"] = 11; }), "total: 11, but the stacks' counts add up to 10"},
      {edited([](J& d) { d["frames"][2]["kind"] = "hypervisor"; }),
       "frames[2].kind: must be one of \"user\", \"kernel\", got \"hypervisor\""},
      {edited([](J& d) { d["frames"][0]["build_id"] = "AB01"; }),
       "frames[0].build_id: must be lower-case hex, got \"AB01\""},
      {edited([](J& d) { d["frames"][0]["function"] = 5; }),
       "frames[0].function: must be a string, got 5"},
      {edited([](J& d) { d["frames"][0].erase("module"); }), "frames[0]: missing field 'module'"},
      {edited([](J& d) { d["frames"][0]["fucntion"] = "x"; }),
       "frames[0]: unknown field 'fucntion'"},
      {edited([](J& d) { d["stats"]["duration_s"] = -1; }),
       "stats.duration_s: must be a finite number >= 0, got -1"},
      {edited([](J& d) { d["stats"]["extra"] = 1; }), "stats: unknown field 'extra'"},
      {edited([](J& d) { d["calls_partial"] = 1; }), "calls_partial: must be true or false, got 1"},
      {edited([](J& d) { d["calls_from"] = ""; }),
       "calls_from: must be a non-empty string, got \"\""},
      {edited([](J& d) { d["recorded_from"] = 1; }), "recorded_from: must be a string, got 1"},
      {edited([](J& d) { d["calls"][0]["runs"][0]["selfsamples"] = 4; }),
       "calls[0].runs[0]: unknown field 'selfsamples'"},
      {edited([](J& d) { d["x"] = 1; }), "profile: unknown field 'x'"},
      {edited([](J& d) { d.erase("stacks"); }), "profile: missing field 'stacks'"},
  };
  for (const auto& [text, message] : cases) {
    auto r = profile_from_json(text);
    ASSERT_FALSE(r) << message;
    EXPECT_EQ(r.error().code, ExitCode::bad_input);
    EXPECT_NE(r.error().message.find(message), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.rfind("profile: ", 0), 0u) << r.error().message;
  }
  // An index past 2^64 is not a whole number JSON can hold: read as a double.
  std::string huge = good;
  huge.replace(huge.find("\"count\": 7"), 10, "\"count\": 18446744073709551621");
  auto r = profile_from_json(huge);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(
                "stacks[0].count: must be an integer >= 1, got 1.8446744073709552e+19"),
            std::string::npos)
      << r.error().message;
  // offcpu mode has no sampling frequency.
  profiler::Profile off(profiler::Mode::offcpu);
  off.add(
      std::vector<std::uint32_t>{off.intern(profiler::Frame{.function = "wait", .module = "app"})},
      5000);
  off.stats.hz = 99;
  r = profile_from_json(profile_to_json(off));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("stats.hz: must be 0 in offcpu mode, got 99"), std::string::npos)
      << r.error().message;
}

// JSON Schema (draft 2020-12) counts 7.0 as an integer: a profile the schema
// passes is read, whole floats as the counts they are; 0.5 stays refused
// (above).
TEST(ProfileJson, ReadsACountWrittenAsAWholeFloat) {
  nlohmann::json doc = nlohmann::json::parse(profile_to_json(two_stacks()));
  doc["stats"]["hz"] = 999.0;
  doc["stacks"][0]["frames"][0] = 0.0;
  doc["stacks"][0]["count"] = 7.0;
  doc["total"] = 10.0;
  auto back = profile_from_json(doc.dump());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(profile_to_json(*back), profile_to_json(two_stacks()));
  doc["total"] = 11.0;
  auto r = profile_from_json(doc.dump());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "profile: total: 11, but the stacks' counts add up to 10");
}

// A profile made by hand or by another tool needs only what the graph
// needs; the rest takes its defaults.
TEST(ProfileJson, AcceptsAHandMadeProfileWithoutTheOptionalFields) {
  auto p = profile_from_json(R"({"schema": "perfgate.profile/v1", "mode": "cpu",
      "stats": {"samples": 3, "lost": 0, "truncated": 0, "missing_user_stacks": 0, "hz": 99, "duration_s": 1},
      "frames": [{"function": "main", "module": "app"}], "stacks": [{"frames": [0], "count": 3}]})");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->total(), 3u);
  EXPECT_EQ(p->frames()[0].kind, profiler::FrameKind::user);
}

TEST(ProfileJson, RejectsAKeyGivenTwice) {
  std::string text = profile_to_json(two_stacks());
  text.insert(text.find("\"mode\":"), "\"mode\": \"offcpu\", ");
  auto p = profile_from_json(text);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, ExitCode::bad_input);
  EXPECT_EQ(p.error().message, "profile: duplicate key 'mode'");
}

}  // namespace
}  // namespace perfgate::gate
