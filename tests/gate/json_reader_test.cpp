#include "gate/json_reader.h"

#include <gtest/gtest.h>

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
