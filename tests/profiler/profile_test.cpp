// The pure profile model and folded stacks: no BPF, runs anywhere.
#include "profiler/profile.h"

#include <gtest/gtest.h>

#include "profiler/folded.h"

namespace perfgate::profiler {
namespace {

Profile sample_profile() {
  Profile p;
  const auto main_f = p.intern({"main", "app", "ab12", 0x1000, false, FrameKind::user});
  const auto hot = p.intern({"hot(int)", "app", "ab12", 0x1100, false, FrameKind::user});
  const auto inl = p.intern({"std::min<int>", "app", "ab12", 0x1104, true, FrameKind::user});
  const auto sys = p.intern({"clear_user", "[kernel.kallsyms]", "", 0xffffffff81000000, false, FrameKind::kernel});
  const std::uint32_t a[] = {main_f, hot, inl};
  const std::uint32_t b[] = {main_f, sys};
  const std::uint32_t c[] = {main_f, hot};
  p.add(a, 5);
  p.add(b, 3);
  p.add(c, 2);
  p.add(a, 1);
  return p;
}

TEST(Profile, InternsEqualFramesOnce) {
  Profile p;
  const Frame f{"f", "m", "", 1, false, FrameKind::user};
  EXPECT_EQ(p.intern(f), p.intern(f));
  EXPECT_EQ(p.frames().size(), 1u);
}

TEST(Profile, MergesEqualStacksAndCountsSelfAndInclusive) {
  const Profile p = sample_profile();
  EXPECT_EQ(p.stacks().size(), 3u);
  EXPECT_EQ(p.total(), 11u);
  EXPECT_EQ(p.self_by_function().at("hot(int)"), 8u);  // inlined frames count for their function
  EXPECT_FALSE(p.self_by_function().contains("std::min<int>"));
  EXPECT_EQ(p.inclusive("hot(int)"), 8u);
  EXPECT_EQ(p.inclusive("main"), 11u);
}

// Counting runs add up; from the second on, each is listed (the gate reads
// their spread); a function new in a later run starts its own count; a
// partial run makes the whole partial, and runs from different marks no mark.
TEST(Profile, CountingRunsAddUpAndAreListedFromTheSecondOn) {
  Profile p;
  add_counting_run(p, {{"f", "app", 100, 40}, {"g", "app", 7, 0}}, false);
  ASSERT_EQ(p.calls.size(), 2u);
  EXPECT_TRUE(p.calls[0].runs.empty());
  EXPECT_EQ(p.calls[0].per_run(), (std::vector<FunctionCalls::Run>{{100, 40}}));
  EXPECT_FALSE(p.calls_partial);
  add_counting_run(p, {{"f", "app", 120, 50}, {"g", "app", 8, 1}, {"h", "lib", 3, 3}}, true);
  add_counting_run(p, {{"f", "app", 110, 45}}, false);
  ASSERT_EQ(p.calls.size(), 3u);
  EXPECT_EQ(p.calls[0].calls, 330u);
  EXPECT_EQ(p.calls[0].self_samples, 135u);
  EXPECT_EQ(p.calls[0].runs, (std::vector<FunctionCalls::Run>{{100, 40}, {120, 50}, {110, 45}}));
  EXPECT_EQ(p.calls[1].runs, (std::vector<FunctionCalls::Run>{{7, 0}, {8, 1}}));
  EXPECT_EQ(p.calls[2].function, "h");
  EXPECT_TRUE(p.calls[2].runs.empty());
  EXPECT_TRUE(p.calls_partial);
  // Runs counted from the same mark keep it; a run from another point makes
  // the sums of no one window.
  Profile marked;
  add_counting_run(marked, {{"f", "app", 10, 4}}, true, "perfgate_operations_begin");
  add_counting_run(marked, {{"f", "app", 12, 5}}, true, "perfgate_operations_begin");
  EXPECT_EQ(marked.calls_from, "perfgate_operations_begin");
  add_counting_run(marked, {{"f", "app", 11, 4}}, true);
  EXPECT_EQ(marked.calls_from, "");
}

// Recordings of the same command add up: equal stacks merge whatever the
// frames' order of interning, counters and sampled time are summed, a
// warning is kept once — also when another run gave it other figures.
TEST(Profile, MergeAddsARecordingOfTheSameCommand) {
  Profile a = sample_profile();
  a.stats = {.samples = 11, .lost = 1, .truncated = 0, .missing_user_stacks = 2, .hz = 99, .duration_s = 0.5};
  a.warnings = {"module app has no frame pointers: 672 of 672 stacks"};
  Profile b;
  const auto other = b.intern({"other", "app", "ab12", 0x1200, false, FrameKind::user});  // index 0 here
  const auto hot = b.intern({"hot(int)", "app", "ab12", 0x1100, false, FrameKind::user});
  const auto main_f = b.intern({"main", "app", "ab12", 0x1000, false, FrameKind::user});
  const std::uint32_t c[] = {main_f, hot};
  const std::uint32_t d[] = {main_f, other};
  b.add(c, 4);
  b.add(d, 6);
  b.stats = {.samples = 10, .lost = 0, .truncated = 3, .missing_user_stacks = 0, .hz = 99, .duration_s = 0.25};
  b.warnings = {"module app has no frame pointers: 707 of 710 stacks", "another",
                "module lib has no frame pointers: 1 of 1 stacks"};
  a.merge(b);
  EXPECT_EQ(a.total(), 21u);
  EXPECT_EQ(a.stacks().size(), 4u);  // main;hot merged with a's, main;other new
  EXPECT_EQ(a.self_by_function().at("hot(int)"), 12u);
  EXPECT_EQ(a.self_by_function().at("other"), 6u);
  EXPECT_EQ(a.stats.samples, 21u);
  EXPECT_EQ(a.stats.lost, 1u);
  EXPECT_EQ(a.stats.truncated, 3u);
  EXPECT_EQ(a.stats.missing_user_stacks, 2u);
  EXPECT_DOUBLE_EQ(a.stats.duration_s, 0.75);
  EXPECT_EQ(a.stats.hz, 99u);
  EXPECT_EQ(a.warnings, (std::vector<std::string>{"module app has no frame pointers: 672 of 672 stacks", "another",
                                                  "module lib has no frame pointers: 1 of 1 stacks"}));

  // Recordings from the same mark keep it; one from another point (here the
  // start) leaves the merged profile without it.
  Profile marked, from_mark, from_start;
  marked.recorded_from = from_mark.recorded_from = "perfgate_operations_begin";
  marked.merge(from_mark);
  EXPECT_EQ(marked.recorded_from, "perfgate_operations_begin");
  marked.merge(from_start);
  EXPECT_EQ(marked.recorded_from, "");
}

TEST(Profile, DropRateIsLostOverSamples) {
  Profile p;
  p.stats.samples = 1000;
  p.stats.lost = 20;
  EXPECT_DOUBLE_EQ(p.stats.drop_rate(), 0.02);
}

TEST(Folded, WritesRootFirstSortedWithKernelAndInlineMarks) {
  EXPECT_EQ(to_folded(sample_profile()),
            "main;clear_user_[k] 3\n"
            "main;hot(int) 2\n"
            "main;hot(int);std::min<int>_[i] 6\n");
}

TEST(Folded, IsDeterministicWhateverTheInsertionOrder) {
  Profile a, b;
  const auto x = a.intern({"x", "", "", 0, false, FrameKind::user});
  const auto y = a.intern({"y", "", "", 0, false, FrameKind::user});
  const auto y2 = b.intern({"y", "", "", 0, false, FrameKind::user});
  const auto x2 = b.intern({"x", "", "", 0, false, FrameKind::user});
  const std::uint32_t s1[] = {x, y}, s2[] = {y};
  const std::uint32_t t1[] = {x2, y2}, t2[] = {y2};
  a.add(s1, 1);
  a.add(s2, 2);
  b.add(t2, 2);
  b.add(t1, 1);
  EXPECT_EQ(to_folded(a), to_folded(b));
}

TEST(Folded, RoundTripsThroughParse) {
  const std::string text = to_folded(sample_profile());
  auto parsed = parse_folded(text);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(to_folded(*parsed), text);
  EXPECT_EQ(parsed->total(), 11u);
  bool kernel = false, inlined = false;
  for (const auto& f : parsed->frames()) {
    kernel |= f.kind == FrameKind::kernel && f.function == "clear_user";
    inlined |= f.inlined && f.function == "std::min<int>";
  }
  EXPECT_TRUE(kernel);
  EXPECT_TRUE(inlined);
}

TEST(Folded, ParseNamesTheBadLine) {
  auto parsed = parse_folded("a;b 3\na;c x\n");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error(), "line 2: bad count 'x'");
}

// Counts that add up past 2^64 would wrap the total to a small number.
TEST(Folded, ParseRefusesCountsThatAddUpBeyond64Bits) {
  auto parsed = parse_folded("a;b 18446744073709551615\na;c 18446744073709551615\n");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error(), "line 2: the counts add up beyond 2^64");
}

TEST(Folded, ReplacesSemicolonsInNames) {
  EXPECT_EQ(folded_name({"a;b", "", "", 0, false, FrameKind::user}), "a:b");
}

}  // namespace
}  // namespace perfgate::profiler
