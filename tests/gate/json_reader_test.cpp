#include "gate/json_reader.h"

#include <gtest/gtest.h>

#include <limits>

namespace perfgate::gate {
namespace {

using nlohmann::json;

// The message a reader's accessor throws, or "" when it read the value.
template <typename F>
std::string message_of(F&& read) {
  try {
    read();
  } catch (const JsonFieldError& e) {
    return e.message;
  }
  return "";
}

TEST(JsonReader, NamesTheInputThenThePathToTheFieldAndWhatItGot) {
  const json j = json::parse(R"({"run": {"cores": -2, "host": "h"}, "list": [{"x": "5"}]})");
  const JsonReader root(j, "r.json");
  EXPECT_EQ(message_of([&] { root.child("run").count("cores"); }),
            "r.json: run.cores: must be an integer >= 0, got -2");
  EXPECT_EQ(message_of([&] { root.each("list", [](const JsonReader& e) { e.number("x"); }); }),
            "r.json: list[0].x: must be a finite number, got \"5\"");
  EXPECT_EQ(message_of([&] { root.child("run").child("host"); }),
            "r.json: run.host: must be an object, got \"h\"");
  EXPECT_EQ(message_of([&] { root.child("run").str("kernel"); }),
            "r.json: run: missing field 'kernel'");
  EXPECT_EQ(message_of([&] { root.str("run"); }), "r.json: run: must be a string, got an object");
  EXPECT_EQ(message_of([&] { root.fail("holds no benchmarks"); }), "r.json: holds no benchmarks");
}

TEST(JsonReader, CutsALongValueShortInTheMessage) {
  const json j = {{"name", std::string(1000, 'a')}};
  const std::string message = message_of([&] { JsonReader(j, "r.json").number("name"); });
  EXPECT_LT(message.size(), 100u) << message;
  EXPECT_NE(message.find("aaa..."), std::string::npos) << message;
}

// JSON Schema (draft 2020-12) counts 12000.0 as an integer, so a file the
// schema passes may hold one; 12000.5 is none.
TEST(JsonReader, ReadsAFloatWithoutAFractionAsTheIntegerItIs) {
  const json j = json::parse(
      R"({"whole": 12000.0, "half": 12000.5, "negative": -3.0, "huge": 1e20, "zero": -0.0})");
  const JsonReader r(j, "r.json");
  EXPECT_EQ(r.count("whole"), 12000u);
  EXPECT_EQ(r.count("zero"), 0u);
  EXPECT_EQ(r.count_in("whole", 1, 12000), 12000u);
  EXPECT_EQ(message_of([&] { r.count("half"); }),
            "r.json: half: must be an integer >= 0, got 12000.5");
  EXPECT_EQ(message_of([&] { r.count("negative"); }),
            "r.json: negative: must be an integer >= 0, got -3.0");
  EXPECT_EQ(message_of([&] { r.count("huge"); }),
            "r.json: huge: must be an integer >= 0, got 1e+20");
  EXPECT_EQ(message_of([&] { r.count_in("whole", 0, 11999); }),
            "r.json: whole: must be an integer from 0 to 11999, got 12000.0");
  EXPECT_EQ(message_of([&] { r.count_in("half", 0, 20000); }),
            "r.json: half: must be an integer from 0 to 20000, got 12000.5");
}

TEST(JsonReader, AsCountAndAsIntegerTakeWholeFloatsThatFit) {
  EXPECT_EQ(as_count(json(12000.0)), 12000u);
  EXPECT_EQ(as_count(json(0x1p63)), std::uint64_t{1} << 63);
  EXPECT_EQ(as_count(json(0x1p64)), std::nullopt) << "2^64 does not fit";
  EXPECT_EQ(as_count(json(-1.0)), std::nullopt);
  EXPECT_EQ(as_count(json(-1)), std::nullopt);
  EXPECT_EQ(as_count(json(0.5)), std::nullopt);
  EXPECT_EQ(as_count(json("5")), std::nullopt);
  EXPECT_EQ(as_integer(json(-9.0)), -9);
  EXPECT_EQ(as_integer(json(-0x1p63)), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(as_integer(json(0x1p63)), std::nullopt) << "2^63 does not fit";
  EXPECT_EQ(as_integer(json(std::uint64_t{1} << 63)), std::nullopt);
  EXPECT_EQ(as_integer(json(-9.5)), std::nullopt);
  EXPECT_EQ(as_integer(json(true)), std::nullopt);
}

TEST(ParseJson, BuildsWhatJsonParseBuilds) {
  const std::string text =
      R"({"s": "x\u00e9", "n": [1, -2, 3.5, 18446744073709551615, true, null, {}, []],
          "o": {"a": {"b": [[{"c": 1}]]}}, "e": ""})";
  auto j = parse_json(text);
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ(*j, json::parse(text));
  EXPECT_EQ(*parse_json("7"), json(7));
}

// json::parse keeps the last of two equal keys: {"unit": "us", "unit": "ns"}
// was read as ns.
TEST(ParseJson, RefusesAKeyGivenTwiceInOneObjectNamingWhere) {
  auto j = parse_json(R"({"a": 1, "b": 2, "a": 3})");
  ASSERT_FALSE(j);
  EXPECT_TRUE(j.error().duplicate_key);
  EXPECT_EQ(j.error().message, "duplicate key 'a'");
  j = parse_json(R"({"list": [{"x": 1}, {"x": 1, "y": {"z": 1, "z": 2}}]})");
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().message, "list[1].y: duplicate key 'z'");
  j = parse_json(R"([[1], [2, {"k": [], "k": []}]])");
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().message, "[1][1]: duplicate key 'k'");
  // The same key in different objects is no repetition.
  EXPECT_TRUE(parse_json(R"({"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 3}, {"x": 4}]})"));
}

TEST(ParseJson, SaysWhyTextIsNotJson) {
  for (const char* text : {"", "{\"a\": }", "{} x", "[1e400]", "{\"a\": 1,}"}) {
    SCOPED_TRACE(text);
    auto j = parse_json(text);
    ASSERT_FALSE(j);
    EXPECT_FALSE(j.error().duplicate_key);
    EXPECT_EQ(j.error().message.find("[json.exception"), std::string::npos) << j.error().message;
    EXPECT_FALSE(j.error().message.empty());
  }
  EXPECT_NE(parse_json("[1e400]").error().message.find("number overflow"), std::string::npos);
}

}  // namespace
}  // namespace perfgate::gate
