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

}  // namespace
}  // namespace perfgate::gate
