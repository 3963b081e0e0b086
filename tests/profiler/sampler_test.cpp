// The BPF sampler's loader on its own, against the real kernel. Needs root or
// CAP_BPF+CAP_PERFMON: elsewhere every test here skips, saying what is missing.
#include "profiler/sampler.h"

#include <spawn.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <algorithm>

#include "profiler/recorder.h"

extern char** environ;

namespace perfgate::profiler {
namespace {

TEST(CoverCodeRanges, JoinsOverlappingAndTouchingRangesInOrder) {
  const auto out = cover_code_ranges({{0x5000, 0x6000}, {0x1000, 0x2000}, {0x2000, 0x3000}, {0x5800, 0x7000},
                                      {0x9000, 0x9000}},
                                     32);
  EXPECT_EQ(out, (std::vector<CodeRange>{{0x1000, 0x3000}, {0x5000, 0x7000}}));
}

TEST(CoverCodeRanges, MergesTheClosestNeighboursUntilFewEnoughAndCoversEveryInput) {
  // 40 ranges of 1 page, gaps growing with the index except one tiny gap
  // near the end, which must be the first to go.
  std::vector<CodeRange> in;
  std::uint64_t at = 0x400000;
  for (std::uint64_t i = 0; i < 40; ++i) {
    in.emplace_back(at, at + 0x1000);
    at += 0x1000 + (i == 35 ? 0x10 : 0x100000 * (i + 1));
  }
  const auto one_less = cover_code_ranges(in, 39);
  ASSERT_EQ(one_less.size(), 39u);
  EXPECT_EQ(one_less[35], (CodeRange{in[35].first, in[36].second}));

  const auto out = cover_code_ranges(in, 32);
  ASSERT_EQ(out.size(), 32u);
  for (std::size_t i = 0; i + 1 < out.size(); ++i) EXPECT_LT(out[i].second, out[i + 1].first);
  for (const auto& r : in)
    EXPECT_TRUE(std::any_of(out.begin(), out.end(), [&](const CodeRange& c) {
      return c.first <= r.first && r.second <= c.second;
    })) << std::hex << r.first;
}

TEST(Sampler, ProgramStatsTimeEveryRunOfTheLoadedPrograms) {
  if (auto ok = check_available(); !ok) GTEST_SKIP() << "needs root or CAP_BPF+CAP_PERFMON: " << ok.error().message;
  auto sampler = Sampler::create({.mode = Mode::cpu, .hz = 999, .program_stats = true});
  ASSERT_TRUE(sampler) << sampler.error().message;
  ASSERT_TRUE(sampler->start());
  pid_t pid = 0;
  char arg0[] = PG_TARGET_COST_SPLIT;
  char arg1[] = "0.4";
  char* argv[] = {arg0, arg1, nullptr};
  ASSERT_EQ(posix_spawn(&pid, arg0, nullptr, nullptr, argv, environ), 0);
  ASSERT_TRUE(sampler->add_target(pid));
  waitpid(pid, nullptr, 0);
  sampler->stop();

  const std::uint64_t samples = sampler->read_counters().samples;
  EXPECT_GT(samples, 100u);
  const auto stats = sampler->program_stats();
  auto find = [&](std::string_view name) {
    return std::find_if(stats.begin(), stats.end(), [&](const auto& p) { return p.name == name; });
  };
  const auto sample = find("pg_sample");
  ASSERT_NE(sample, stats.end());
  // Every target sample is a run; runs for other processes come on top.
  EXPECT_GE(sample->runs, samples);
  EXPECT_GT(sample->run_time_ns, 0u);
  // The tree hooks are loaded in every mode, the off-CPU hook only in its own.
  EXPECT_NE(find("pg_fork"), stats.end());
  EXPECT_NE(find("pg_exit"), stats.end());
  EXPECT_EQ(find("pg_switch"), stats.end());
}

}  // namespace
}  // namespace perfgate::profiler
