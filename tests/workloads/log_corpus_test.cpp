#include "workloads/compression/log_corpus.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace perfgate::workloads::compression {
namespace {

TEST(LogCorpus, IsDeterministicForASeedAndDiffersAcrossSeeds) {
  EXPECT_EQ(LogCorpus::generate(1, 64 * 1024).text(), LogCorpus::generate(1, 64 * 1024).text());
  EXPECT_NE(LogCorpus::generate(1, 64 * 1024).text(), LogCorpus::generate(2, 64 * 1024).text());
}

TEST(LogCorpus, ReachesTheRequestedSizeInWholeLines) {
  const auto c = LogCorpus::generate(3, 100'000);
  EXPECT_GE(c.size_bytes(), 100'000u);
  EXPECT_LT(c.size_bytes(), 100'000u + 2048);
  EXPECT_EQ(c.text().back(), '\n');
}

TEST(LogCorpus, LinesLookLikeServiceLogs) {
  const auto c = LogCorpus::generate(4, 200'000);
  const std::regex event(
      R"(^2026-11-22T\d\d:\d\d:\d\d\.\d{6}Z (INFO |DEBUG|WARN |ERROR) \[[a-z-]+\] req=[0-9a-f]{16} .+)");
  const std::regex frame(R"(^    at [\w.$/]+\([\w.]+:\d+\)$)");
  std::istringstream in(c.text());
  std::size_t lines = 0, errors = 0, frames = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    if (std::regex_match(line, frame)) {
      ++frames;
      continue;
    }
    ASSERT_TRUE(std::regex_match(line, event)) << line;
    errors += line.find(" ERROR ") != std::string::npos ? 1 : 0;
  }
  EXPECT_GT(lines, 1000u);
  EXPECT_GT(errors, 0u);
  EXPECT_GT(frames, errors);  // every error carries a stack trace
}

}  // namespace
}  // namespace perfgate::workloads::compression
