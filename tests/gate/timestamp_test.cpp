#include "gate/timestamp.h"

#include <gtest/gtest.h>

#include <string>

namespace perfgate::gate {
namespace {

Timestamp at(std::string_view text) {
  auto t = parse_timestamp(text);
  EXPECT_TRUE(t) << text << ": " << t.error();
  return t.value_or(Timestamp{});
}

TEST(Timestamp, ReadsEveryAcceptedFormAsOneInstant) {
  EXPECT_EQ(at("1970-01-01").seconds, 0);
  EXPECT_EQ(at("2026-11-29T03:12:00Z").seconds, 1795921920);
  EXPECT_EQ(at("2026-11-29T03:12Z"), at("2026-11-29T03:12:00Z"));
  EXPECT_EQ(at("2026-11-29T03:12:00"), at("2026-11-29T03:12:00Z")) << "no offset: UTC";
  EXPECT_EQ(at("2026-11-29T04:42:00+01:30"), at("2026-11-29T03:12:00Z"));
  EXPECT_EQ(at("2026-11-28T23:12:00-04:00"), at("2026-11-29T03:12:00Z"));
  EXPECT_EQ(at("2026-11-29"), at("2026-11-29T00:00:00Z"));
  EXPECT_EQ(at("2026-11-29T03:12:00.5Z").nanos, 500'000'000u);
  EXPECT_EQ(at("2026-11-29T03:12:00.000000001Z").nanos, 1u);
  EXPECT_EQ(at("2016-12-31T23:59:60Z"), at("2017-01-01T00:00:00Z")) << "a leap second";
  EXPECT_EQ(at("0001-01-01").seconds, -62135596800);
}

TEST(Timestamp, OrdersAsTimeDoes) {
  EXPECT_LT(at("2026-11-29T03:12:00Z"), at("2026-11-29T03:12:00.1Z"));
  EXPECT_LT(at("2026-11-29T03:12:00+01:00"), at("2026-11-29T03:00:00Z")) << "02:12 UTC";
  EXPECT_LT(at("2024-02-29T23:59:59Z"), at("2024-03-01"));
  EXPECT_LT(at("1969-12-31T23:59:59Z"), at("1970-01-01"));
}

TEST(Timestamp, RejectsWhatIsNotOnTheCalendarAndSaysWhy) {
  const std::pair<const char*, const char*> cases[] = {
      {"2026-13-45", "has month 13 (1 to 12)"},
      {"2026-00-01", "has month 0 (1 to 12)"},
      {"2026-02-29", "has day 29, but 2026-02 has 28 days"},
      {"2100-02-29", "has day 29, but 2100-02 has 28 days"},
      {"2026-04-31", "has day 31, but 2026-04 has 30 days"},
      {"2026-11-00", "has day 0, but 2026-11 has 30 days"},
      {"0000-01-01", "has year 0000 (0001 to 9999)"},
      {"2026-02-28T25:00Z", "has hour 25 (0 to 23)"},
      {"2026-02-28T23:61Z", "has minute 61 (0 to 59)"},
      {"2026-02-28T23:59:99Z", "has second 99 (0 to 60)"},
      {"2026-02-28T23:59:00+99:99", "has UTC offset +99:99, beyond ±14:00"},
      {"2026-02-28T23:59:00-14:01", "has UTC offset -14:01, beyond ±14:00"},
      {"2026-02-28T23:59:00+01:60", "has UTC offset +01:60, beyond ±14:00"},
      {"2026-02-28T23:59:00.1234567890Z", "has 10 digits of a second's fraction, more than 9"},
  };
  for (const auto& [text, why] : cases) {
    auto t = parse_timestamp(text);
    ASSERT_FALSE(t) << text;
    EXPECT_EQ(t.error(), why) << text;
  }
}

TEST(Timestamp, RejectsOtherShapes) {
  for (const char* text : {"",
                           "yesterday",
                           "2026",
                           "2026-11",
                           "2026-1-29",
                           "2026-11-9",
                           "26-11-29",
                           "+2026-11-29",
                           "2026/11/29",
                           "2026-11-29T",
                           "2026-11-29T03",
                           "2026-11-29T3:12",
                           "2026-11-29 03:12Z",
                           "2026-11-29t03:12Z",
                           "2026-11-29T03:12:0Z",
                           "2026-11-29T03:12:00.Z",
                           "2026-11-29T03:12:00,5Z",
                           "2026-11-29T03:12:00Zx",
                           "2026-11-29T03:12:00+01",
                           "2026-11-29T03:12:00+0100",
                           "2026-11-29T03:12:00z",
                           "2026-11-29Z",
                           " 2026-11-29",
                           "2026-11-29\n",
                           "٢٠٢٦-11-29"}) {
    auto t = parse_timestamp(text);
    ASSERT_FALSE(t) << text;
    EXPECT_EQ(t.error(), "is not ISO 8601 (2026-11-29 or 2026-11-29T03:12:00Z)") << text;
  }
}

// std::regex recursed once per character: a fraction of 40 000 digits
// overflowed the stack.
TEST(Timestamp, AVeryLongInputIsRejectedWithoutRecursion) {
  auto t = parse_timestamp("2026-01-01T00:00:00." + std::string(1'000'000, '1') + "Z");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error(), "has 1000000 digits of a second's fraction, more than 9");
  EXPECT_FALSE(parse_timestamp("2026-01-01" + std::string(1'000'000, 'Z')));
}

}  // namespace
}  // namespace perfgate::gate
