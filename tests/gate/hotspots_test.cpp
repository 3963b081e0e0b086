#include "gate/hotspots.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "gate/profile_json.h"
#include "gate/statistics.h"

namespace perfgate::gate {
namespace {

using profiler::Frame;
using profiler::FrameKind;
using profiler::Profile;

// Adds one stack given as (function, symbol size) pairs, root first.
void add(Profile& p, std::vector<std::pair<std::string, std::uint64_t>> stack, std::uint64_t count,
         bool kernel_leaf = false) {
  std::vector<std::uint32_t> ids;
  for (const auto& [name, size] : stack)
    ids.push_back(p.intern(Frame{.function = name, .module = "app", .symbol_size = size}));
  if (kernel_leaf)
    ids.push_back(p.intern(Frame{.function = "copy_user_generic", .module = "[kernel.kallsyms]",
                                 .kind = FrameKind::kernel}));
  p.add(ids, count);
}

const Hotspot& find(const std::vector<Hotspot>& v, std::string_view f) {
  for (const auto& h : v)
    if (h.function == f) return h;
  ADD_FAILURE() << "no hotspot " << f;
  static Hotspot none;
  return none;
}

// The hotspots attach_hotspots gives a benchmark "b" that regressed from
// base to head, their profiles written to dir.
BenchmarkHotspots regression_hotspots(const Profile& base, const Profile& head, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "base.json") << profile_to_json(base);
  std::ofstream(dir / "head.json") << profile_to_json(head);
  Results b, h;
  BenchmarkResult r{.name = "b"};
  r.profile = ProfileRef{"ok", "base.json", ""};
  b.benchmarks = {r};
  r.profile = ProfileRef{"ok", "head.json", ""};
  h.benchmarks = {r};
  GateReport report;
  report.benchmarks = {BenchmarkVerdict{.name = "b", .verdict = Verdict::regression}};
  attach_hotspots(report, b, dir, h, dir);
  EXPECT_EQ(report.hotspots.size(), 1u);
  return report.hotspots.empty() ? BenchmarkHotspots{} : report.hotspots[0];
}

TEST(Hotspots, ComplexityGrowsWithTheLogOfCodeSize) {
  EXPECT_DOUBLE_EQ(complexity_from_size(256), 2.0);
  EXPECT_NEAR(complexity_from_size(64), 1.32, 0.01);
  EXPECT_NEAR(complexity_from_size(16 * 1024), 7.02, 0.01);
  EXPECT_EQ(complexity_from_size(0), kUnknownSizeComplexity);
}

TEST(Hotspots, RanksByScoreOverComplexityWithRenormalizedWeights) {
  Profile p;
  add(p, {{"main", 100}, {"big_loop", 4096}}, 70);
  add(p, {{"main", 100}, {"parse", 300}, {"small_leaf", 64}}, 30);
  const auto top = rank_hotspots(p, HotspotSettings{});
  // main and parse spend no time themselves: context, not hotspots.
  ASSERT_EQ(top.size(), 2u);
  const Hotspot& big = find(top, "big_loop");
  EXPECT_DOUBLE_EQ(big.self_percent, 70);
  EXPECT_DOUBLE_EQ(big.total_percent, 70);
  EXPECT_DOUBLE_EQ(big.score, 70);  // 0.5·70 + 0.5·70: no call counts
  EXPECT_FALSE(big.calls_percent.has_value());
  EXPECT_NEAR(big.complexity, 1 + std::log2(17.0), 1e-9);
  EXPECT_NEAR(big.roi, 70 / (1 + std::log2(17.0)), 1e-9);
  EXPECT_DOUBLE_EQ(big.impact, 140);  // 70 % × the default 2× speedup
  // The small leaf has less time but is far cheaper to change: higher ROI.
  EXPECT_EQ(top[0].function, "small_leaf");
  EXPECT_EQ(top[1].function, "big_loop");
}

// With the calls of every candidate counted, calls % is its share of them
// and the seed's weights apply: 0.4·self + 0.4·total + 0.2·calls. With
// fewer than two counted, every score is back on 0.5/0.5.
TEST(Hotspots, CountedCallsEnterTheScoreWithTwoCandidatesCounted) {
  Profile p;
  add(p, {{"main", 100}, {"big_loop", 4096}}, 70);
  add(p, {{"main", 100}, {"parse", 300}, {"small_leaf", 64}}, 30);
  p.calls = {{"big_loop", "app", 10}, {"small_leaf", "app", 990}, {"main", "app", 1}};
  auto top = rank_hotspots(p, HotspotSettings{});
  ASSERT_EQ(top.size(), 2u);
  const Hotspot& big = find(top, "big_loop");
  ASSERT_TRUE(big.calls_percent.has_value());
  EXPECT_DOUBLE_EQ(*big.calls_percent, 1.0);  // 10 of the candidates' 1000 (main is no candidate)
  EXPECT_DOUBLE_EQ(big.score, 0.4 * 70 + 0.4 * 70 + 0.2 * 1.0);
  const Hotspot& leaf = find(top, "small_leaf");
  EXPECT_DOUBLE_EQ(*leaf.calls_percent, 99.0);
  EXPECT_DOUBLE_EQ(leaf.score, 0.4 * 30 + 0.4 * 30 + 0.2 * 99.0);
  EXPECT_NEAR(leaf.roi, leaf.score / complexity_from_size(64), 1e-9);

  p.calls = {{"small_leaf", "app", 990}};
  top = rank_hotspots(p, HotspotSettings{});
  EXPECT_FALSE(find(top, "small_leaf").calls_percent.has_value());
  EXPECT_DOUBLE_EQ(find(top, "small_leaf").score, 30);
  EXPECT_DOUBLE_EQ(find(top, "big_loop").score, 70);
  // A count in another module is another function.
  p.calls = {{"big_loop", "other", 10}, {"small_leaf", "app", 990}};
  EXPECT_FALSE(rank_hotspots(p, HotspotSettings{})[0].calls_percent.has_value());
  // No call counted where the function ran (self samples in the counting
  // run): it ran in a process the probes did not follow — unknown, not 0 %.
  p.calls = {{"big_loop", "app", 0, 12}, {"small_leaf", "app", 990, 5}};
  EXPECT_FALSE(rank_hotspots(p, HotspotSettings{})[0].calls_percent.has_value());
  p.calls = {{"big_loop", "app", 0, 0}, {"small_leaf", "app", 990, 5}};  // counted, never ran: 0 %
  ASSERT_TRUE(find(rank_hotspots(p, HotspotSettings{}), "big_loop").calls_percent.has_value());
  EXPECT_DOUBLE_EQ(*find(rank_hotspots(p, HotspotSettings{}), "big_loop").calls_percent, 0.0);
  // Counted over the start of the run only: no calls % either.
  p.calls = {{"big_loop", "app", 10}, {"small_leaf", "app", 990}, {"main", "app", 1}};
  p.calls_partial = true;
  EXPECT_FALSE(rank_hotspots(p, HotspotSettings{})[0].calls_percent.has_value());
  // Counted from the program's mark of where its operations begin, until
  // the budget: the first operations, which stand for the rest.
  p.calls_from = "perfgate_operations_begin";
  top = rank_hotspots(p, HotspotSettings{});
  ASSERT_TRUE(find(top, "big_loop").calls_percent.has_value());
  EXPECT_DOUBLE_EQ(*find(top, "small_leaf").calls_percent, 99.0);
  // There, no call with self samples is a function entered before the mark
  // (the workload's run loop): 0 %, not unknown.
  p.calls = {{"big_loop", "app", 0, 12}, {"small_leaf", "app", 990, 5}};
  top = rank_hotspots(p, HotspotSettings{});
  ASSERT_TRUE(find(top, "big_loop").calls_percent.has_value());
  EXPECT_DOUBLE_EQ(*find(top, "big_loop").calls_percent, 0.0);
  EXPECT_DOUBLE_EQ(*find(top, "small_leaf").calls_percent, 100.0);
}

// A candidate without a count is scored 0.5·self + 0.5·total, which takes
// its calls % as the mean of the two; the counted ones share the rest of
// 100 % by their calls, so the calls not counted inflate no share.
TEST(Hotspots, CountedCandidatesShareWhatTheUncountedLeave) {
  Profile p;
  add(p, {{"main", 100}, {"big_loop", 4096}}, 60);
  add(p, {{"main", 100}, {"parse", 300}, {"small_leaf", 64}}, 30);
  add(p, {{"main", 100}, {"blob", 64}}, 10);
  p.calls = {{"big_loop", "app", 250}, {"small_leaf", "app", 750}};  // blob: no symbol, no count
  const auto top = rank_hotspots(p, HotspotSettings{});
  ASSERT_EQ(top.size(), 3u);
  const Hotspot& blob = find(top, "blob");
  EXPECT_FALSE(blob.calls_percent.has_value());
  EXPECT_DOUBLE_EQ(blob.score, 10);
  // blob takes (10 + 10) / 2 = 10 %; the counted share 90 % by 1 : 3.
  EXPECT_DOUBLE_EQ(*find(top, "big_loop").calls_percent, 22.5);
  EXPECT_DOUBLE_EQ(*find(top, "small_leaf").calls_percent, 67.5);
  EXPECT_DOUBLE_EQ(find(top, "small_leaf").score, 0.4 * 30 + 0.4 * 30 + 0.2 * 67.5);
  const auto dir =
      std::filesystem::temp_directory_path() / ("perfgate-uncounted-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "p.json") << profile_to_json(p);
  const BenchmarkHotspots roi =
      roi_hotspots(BenchmarkResult{.name = "b", .profile = ProfileRef{"ok", "p.json", ""}}, dir);
  std::filesystem::remove_all(dir);
  EXPECT_NE(roi.note.find("1 of these 3 has no count"), std::string::npos) << roi.note;
}

// A stripped library's internal functions have no symbol: each sampled
// address is its own "libz.so+0x…" frame. Ranked one address at a time, the
// library that takes most of the time would show as entries of a few % each;
// together they are one candidate, which differential hotspots compare too.
TEST(Hotspots, AddressesWithoutSymbolsCountTogetherAsTheirModule) {
  auto profile = [](std::uint64_t per_address) {
    Profile p;
    const auto main = p.intern(Frame{.function = "main", .module = "app", .symbol_size = 4096});
    const auto compress = p.intern(Frame{.function = "compress_all", .module = "app", .symbol_size = 64});
    for (const char* a : {"libz.so.1+0x1a0", "libz.so.1+0x2b4", "libz.so.1+0x3c8", "libz.so.1+0x4dc"})
      p.add(std::vector<std::uint32_t>{main, compress, p.intern(Frame{.function = a, .module = "libz.so.1"})},
            per_address);
    // An address of another module: its own group.
    p.add(std::vector<std::uint32_t>{main, p.intern(Frame{.function = "libm.so.6+0x10", .module = "libm.so.6"})}, 5);
    p.add(std::vector<std::uint32_t>{main, compress}, 15);
    return p;
  };
  const Profile base = profile(20);  // 80 of 100 samples in libz
  const auto top = rank_hotspots(base, HotspotSettings{});
  ASSERT_EQ(top.size(), 3u);
  const Hotspot& libz = find(top, "[libz.so.1: code without symbols]");
  EXPECT_EQ(libz.module, "libz.so.1");
  EXPECT_DOUBLE_EQ(libz.self_percent, 80.0);
  EXPECT_DOUBLE_EQ(libz.total_percent, 80.0);
  EXPECT_DOUBLE_EQ(libz.complexity, kUnknownSizeComplexity);
  EXPECT_DOUBLE_EQ(find(top, "[libm.so.6: code without symbols]").self_percent, 5.0);
  EXPECT_DOUBLE_EQ(find(top, "compress_all").self_percent, 15.0);
  for (const auto& h : top) EXPECT_EQ(h.function.find("+0x"), std::string::npos) << h.function;
  // No entry to probe, so never counted.
  for (const auto& [function, module] : countable_hot_functions(base))
    EXPECT_EQ(function.find("libz.so.1"), std::string::npos) << function;

  const auto diff = differential_hotspots(base, profile(40), 5);  // libz: 80 of 100 -> 160 of 180
  ASSERT_FALSE(diff.empty());
  EXPECT_EQ(diff[0].function, "[libz.so.1: code without symbols]");
  EXPECT_NEAR(diff[0].head_self_percent, 100.0 * 160 / 180, 1e-9);
}

TEST(Hotspots, ConfigPatternsOverrideComplexityAndSpeedup) {
  Profile p;
  add(p, {{"main", 100}, {"big_loop", 4096}}, 70);
  add(p, {{"main", 100}, {"parse", 300}, {"small_leaf", 64}}, 30);
  HotspotSettings s;
  s.functions = {{.pattern = "big_*", .complexity = 1.0, .max_speedup = 10.0}};
  const auto top = rank_hotspots(p, s);
  EXPECT_EQ(top[0].function, "big_loop");
  EXPECT_DOUBLE_EQ(top[0].complexity, 1.0);
  EXPECT_DOUBLE_EQ(top[0].impact, 700);
  s.top = 1;
  EXPECT_EQ(rank_hotspots(p, s).size(), 1u);
}

TEST(Hotspots, KernelTimeIsChargedToTheCallerAndInlinedFramesHaveNoSelf) {
  Profile p;
  // write_all spends its time in the kernel; fast_path is inlined into run.
  add(p, {{"main", 100}, {"write_all", 200}}, 40, /*kernel_leaf=*/true);
  std::vector<std::uint32_t> ids = {p.intern(Frame{.function = "main", .module = "app", .symbol_size = 100}),
                                    p.intern(Frame{.function = "run", .module = "app", .symbol_size = 500}),
                                    p.intern(Frame{.function = "fast_path", .module = "app", .inlined = true})};
  p.add(ids, 60);
  const auto top = rank_hotspots(p, HotspotSettings{});
  ASSERT_EQ(top.size(), 2u);
  EXPECT_DOUBLE_EQ(find(top, "write_all").self_percent, 40);
  EXPECT_DOUBLE_EQ(find(top, "run").self_percent, 60);
  for (const auto& h : top) EXPECT_NE(h.module, "[kernel.kallsyms]");
}

TEST(Hotspots, RecursionCountsOnceInTotal) {
  Profile p;
  add(p, {{"main", 100}, {"walk", 300}, {"walk", 300}, {"walk", 300}}, 10);
  const auto top = rank_hotspots(p, HotspotSettings{});
  ASSERT_EQ(top.size(), 1u);
  EXPECT_DOUBLE_EQ(top[0].total_percent, 100);
  EXPECT_DOUBLE_EQ(top[0].self_percent, 100);
}

TEST(Hotspots, DifferentialRanksTheFunctionWhoseOwnTimeGrewFirst) {
  // An injected slowdown in `ingest` (its self time) inside `serve`.
  Profile base, head;
  add(base, {{"main", 100}, {"serve", 300}, {"ingest", 500}}, 30);
  add(base, {{"main", 100}, {"serve", 300}, {"ingest", 500}, {"hash", 80}}, 50);
  add(base, {{"main", 100}, {"log", 90}}, 20);
  add(head, {{"main", 100}, {"serve", 300}, {"ingest", 500}}, 48);
  add(head, {{"main", 100}, {"serve", 300}, {"ingest", 500}, {"hash", 80}}, 40);
  add(head, {{"main", 100}, {"log", 90}}, 12);
  const auto d = differential_hotspots(base, head, 10);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].function, "ingest");  // Δself +18, Δtotal +8
  EXPECT_NEAR(d[0].growth, 26, 1e-9);
  EXPECT_NEAR(d[0].base_self_percent, 30, 1e-9);
  EXPECT_NEAR(d[0].head_self_percent, 48, 1e-9);
  // serve's total grew too, but it spends no time itself: context, not listed;
  // hash and log shrank: not listed.
}

TEST(Hotspots, DifferentialListsACallerThatSpendsTimeItselfAfterTheSlowedFunction) {
  Profile base, head;
  add(base, {{"main", 100}, {"serve", 300}}, 10);
  add(base, {{"main", 100}, {"serve", 300}, {"ingest", 500}}, 30);
  add(base, {{"main", 100}, {"log", 90}}, 60);
  add(head, {{"main", 100}, {"serve", 300}}, 10);
  add(head, {{"main", 100}, {"serve", 300}, {"ingest", 500}}, 50);
  add(head, {{"main", 100}, {"log", 90}}, 40);
  const auto d = differential_hotspots(base, head, 10);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].function, "ingest");  // +20 self, +20 total
  EXPECT_EQ(d[1].function, "serve");   // +0 self, +20 total
  EXPECT_NEAR(d[1].growth, 20, 1e-9);
}

TEST(Hotspots, GrowthWithinSamplingNoiseIsToldApartFromARealOne) {
  // batcher +30 % on 2026-12-06: the top "grower" moved by 0.2 points.
  const DifferentialHotspot flat{.base_self_percent = 3.9, .head_self_percent = 4.1,
                                 .base_total_percent = 3.9, .head_total_percent = 4.1};
  EXPECT_TRUE(within_sampling_noise(flat, 724, 738));
  // The same 0.2 points over a million samples a side is a real change.
  EXPECT_FALSE(within_sampling_noise(flat, 1'000'000, 1'000'000));
  // lru +15 % the same day: self 4.7 -> 10.8 %, ~4 standard errors.
  const DifferentialHotspot lru{.base_self_percent = 4.7, .head_self_percent = 10.8,
                                .base_total_percent = 29.0, .head_total_percent = 32.3};
  EXPECT_FALSE(within_sampling_noise(lru, 666, 619));
  // Only the total share grew clearly: enough.
  const DifferentialHotspot caller{.base_self_percent = 1.0, .head_self_percent = 1.0,
                                   .base_total_percent = 20.0, .head_total_percent = 40.0};
  EXPECT_FALSE(within_sampling_noise(caller, 500, 500));
  EXPECT_TRUE(within_sampling_noise(lru, 0, 619)) << "an empty profile shows nothing";
}

// The batcher's case with its calls counted: the model is 90 % of the CPU
// on both sides, so its share cannot grow, but 770 calls instead of 1000
// for about the same samples is +28 % per call, 5 standard errors; `sleep`'s +10 %
// on ~100 samples is under one.
TEST(Hotspots, TimePerCallNamesTheSlowedFunctionWhoseShareCouldNotGrow) {
  auto profile = [](std::uint64_t work, std::uint64_t sleep, std::uint64_t work_calls, std::uint64_t sleep_calls) {
    Profile p;
    add(p, {{"main", 100}, {"work", 500}}, work);
    add(p, {{"main", 100}, {"sleep", 500}}, sleep);
    p.stats.hz = 999;
    p.calls = {{"work", "app", work_calls, work}, {"sleep", "app", sleep_calls, sleep}};
    return p;
  };
  const Profile base = profile(900, 100, 1000, 2000), head = profile(890, 110, 770, 2000);
  const auto shares = differential_hotspots(base, head, 10);
  ASSERT_EQ(shares.size(), 1u);
  EXPECT_EQ(shares[0].function, "sleep");  // the only share that grew: +2 points, noise at 1000 samples
  EXPECT_TRUE(within_sampling_noise(shares[0], 1000, 1000));
  ASSERT_TRUE(shares[0].per_call_change_percent.has_value());
  EXPECT_NEAR(*shares[0].per_call_change_percent, 10.0, 1e-9);
  const auto per_call = per_call_hotspots(base, head, 10);
  ASSERT_EQ(per_call.size(), 2u);
  EXPECT_EQ(per_call[0].function, "work");
  EXPECT_NEAR(*per_call[0].per_call_change_percent, 100.0 * (890.0 / 770 / (900.0 / 1000) - 1), 1e-9);
  EXPECT_NEAR(per_call[0].per_call_z, std::log(890.0 / 770 / 0.9) / std::sqrt(1.0 / 900 + 1.0 / 890), 1e-9);
  EXPECT_GT(per_call[0].per_call_z, 5.0);
  EXPECT_LT(per_call[1].per_call_z, 1.0);
  // Per-call time scales with each side's rate: at half the rate a sample is twice the time.
  Profile slow_rate = head;
  slow_rate.stats.hz = 499;
  EXPECT_GT(per_call_hotspots(base, slow_rate, 10)[0].per_call_change_percent.value(), 150.0);
  // A function with a handful of samples has no per-call figure: 3 samples
  // over 185 calls against 5 over 5 would be "+6000 %".
  Profile few_base = base, few_head = head;
  few_base.calls.push_back({"wait", "app", 185, 3});
  few_head.calls.push_back({"wait", "app", 5, 5});
  EXPECT_EQ(per_call_hotspots(few_base, few_head, 10).size(), 2u);
  // Without counts on one side there is nothing to compare.
  Profile uncounted = base;
  uncounted.calls.clear();
  EXPECT_TRUE(per_call_hotspots(uncounted, head, 10).empty());
  EXPECT_FALSE(differential_hotspots(uncounted, head, 10)[0].per_call_change_percent.has_value());

  // attach_hotspots ranks by time per call where shares stayed within noise.
  const auto dir = std::filesystem::temp_directory_path() / ("perfgate-per-call-" + std::to_string(getpid()));
  const BenchmarkHotspots hotspots = regression_hotspots(base, head, dir);
  ASSERT_FALSE(hotspots.differential.empty());
  EXPECT_EQ(hotspots.differential[0].function, "work");
  EXPECT_NE(hotspots.note.find("but CPU time per call did: ranked by that (calls counted with "
                               "--count-calls), work at +28 % per call (z 5."),
            std::string::npos)
      << hotspots.note;
  // Every candidate counted: calls % enters the score, and the note says so.
  ASSERT_FALSE(hotspots.top.empty());
  EXPECT_TRUE(hotspots.top[0].calls_percent.has_value());
  EXPECT_NE(hotspots.note.find("score = 0.4·self % + 0.4·total % + 0.2·calls %"), std::string::npos);
  std::filesystem::remove_all(dir);
}

// Several counting runs a side (--count-runs): time per call is compared by
// the mean of each run's log; its error is the sampling error plus the
// variance between runs beyond it — the batcher's model took 126–246 µs a
// call in unslowed runs, far more than its ~600 samples' 4 %.
TEST(Hotspots, TimePerCallOverSeveralRunsCountsTheirSpread) {
  auto profile = [](std::vector<profiler::FunctionCalls::Run> runs) {
    Profile p;
    std::uint64_t self = 0, calls = 0;
    for (const auto& r : runs) self += r.self_samples, calls += r.calls;
    add(p, {{"main", 100}, {"work", 500}}, self);
    p.stats.hz = 1000;
    p.calls = {{"work", "app", calls, self, runs}};
    return p;
  };
  const auto z = [](const Profile& base, const Profile& head) {
    const auto d = per_call_hotspots(base, head, 10);
    return d.empty() ? -99.0 : d[0].per_call_z;
  };
  // +25 % a call, the runs within 1 % of each other (less than their
  // sampling error, ~3.5 %): nothing beyond sampling, the Poisson z.
  const Profile steady_base = profile({{1000, 800}, {1000, 808}, {1000, 792}});
  const Profile steady_head = profile({{1000, 1000}, {1000, 1010}, {1000, 990}});
  const double sampling = (1.0 / 800 + 1.0 / 808 + 1.0 / 792) / 9 + (1.0 / 1000 + 1.0 / 1010 + 1.0 / 990) / 9;
  EXPECT_NEAR(z(steady_base, steady_head), std::log(1.25) / std::sqrt(sampling), 1e-9);
  EXPECT_GT(z(steady_base, steady_head), 8.0);
  // The same means, the runs ±20 %: the spread decides, and +25 % is no
  // longer evidence (z < 2) although the sampling error alone would say 8.
  const Profile noisy_base = profile({{1000, 640}, {1000, 800}, {1000, 960}});
  const Profile noisy_head = profile({{1000, 800}, {1000, 1000}, {1000, 1200}});
  EXPECT_LT(z(noisy_base, noisy_head), 2.0);
  EXPECT_GT(z(noisy_base, noisy_head), 0.5);
  // Its figure: pooled variance of the logs less the sampling part, t on
  // the Welch–Satterthwaite degrees of freedom, on the z scale.
  std::vector<double> lb, lh;
  for (double x : {640.0, 800.0, 960.0}) lb.push_back(std::log(x / 1e6));
  for (double x : {800.0, 1000.0, 1200.0}) lh.push_back(std::log(x / 1e6));
  auto mean = [](const std::vector<double>& v) { return (v[0] + v[1] + v[2]) / 3; };
  double squares = 0;
  for (double x : lb) squares += (x - mean(lb)) * (x - mean(lb));
  for (double x : lh) squares += (x - mean(lh)) * (x - mean(lh));
  const double inv_b = 1.0 / 640 + 1.0 / 800 + 1.0 / 960, inv_h = 1.0 / 800 + 1.0 / 1000 + 1.0 / 1200;
  const double noisy_sampling = inv_b / 9 + inv_h / 9;
  const double between = (squares / 4 - (inv_b + inv_h) / 6) * (2.0 / 3);
  const double var = noisy_sampling + between;
  EXPECT_NEAR(z(noisy_base, noisy_head),
              z_of_t((mean(lh) - mean(lb)) / std::sqrt(var), 4 * (var / between) * (var / between)), 1e-9);
  // A run that counted nothing adds no log.
  Profile with_empty_run = noisy_head;
  with_empty_run.calls[0].runs.push_back({0, 0});
  EXPECT_NEAR(z(noisy_base, with_empty_run), z(noisy_base, noisy_head), 1e-12);
  // One run against three: the three's spread still counts.
  EXPECT_LT(z(profile({{1000, 800}}), noisy_head), 2.0);
}

// Shares and time per call both moved: the stronger evidence ranks. Here
// `sleep` grew 5 points of share (3.4 errors) while `work`, called 600
// times instead of 1000 for about the same samples, takes +57 % a call
// (9.5 errors): ranked by time per call, and the note says why.
TEST(Hotspots, TheStrongerOfShareGrowthAndTimePerCallRanks) {
  auto profile = [](std::uint64_t work, std::uint64_t sleep, std::uint64_t work_calls) {
    Profile p;
    add(p, {{"main", 100}, {"work", 500}}, work);
    add(p, {{"main", 100}, {"sleep", 500}}, sleep);
    p.stats.hz = 999;
    p.calls = {{"work", "app", work_calls, work}, {"sleep", "app", 1000, sleep}};
    return p;
  };
  const auto dir = std::filesystem::temp_directory_path() / ("perfgate-stronger-" + std::to_string(getpid()));
  auto first = [&](const Profile& base, const Profile& head) { return regression_hotspots(base, head, dir); };
  const Profile base = profile(900, 100, 1000);
  const auto by_call = first(base, profile(850, 150, 600));
  ASSERT_FALSE(by_call.differential.empty());
  EXPECT_EQ(by_call.differential[0].function, "work");
  EXPECT_NE(by_call.note.find("ranked by CPU time per call (calls counted with --count-calls): work at +57 % per "
                              "call (z 9.5) is stronger evidence than the largest share growth, sleep's (z 3.4)"),
            std::string::npos)
      << by_call.note;
  // The same share growth with `work` as fast a call as before: shares rank.
  const auto by_share = first(base, profile(850, 150, 944));
  ASSERT_FALSE(by_share.differential.empty());
  EXPECT_EQ(by_share.differential[0].function, "sleep");
  EXPECT_EQ(by_share.note.find("ranked by CPU time per call"), std::string::npos) << by_share.note;
  // `work` first by both (its share grew, and its time per call): the
  // shares keep their order and no note claims a change.
  const auto both = first(base, profile(950, 50, 600));
  ASSERT_FALSE(both.differential.empty());
  EXPECT_EQ(both.differential[0].function, "work");
  EXPECT_GT(both.differential[0].per_call_z, 5.0);
  EXPECT_EQ(both.note.find("ranked by CPU time per call"), std::string::npos) << both.note;
  // Neither moved beyond noise — shares as they were, `work` +5 % a call at
  // z 1.1: time per call ranks, as the stronger of two weak signals, and the
  // note says it is a guess.
  const auto weak = first(base, profile(900, 100, 950));
  ASSERT_FALSE(weak.differential.empty());
  EXPECT_EQ(weak.differential[0].function, "work");
  EXPECT_LT(weak.differential[0].per_call_z, 2.0);
  EXPECT_NE(weak.note.find("neither a CPU share nor a time per call grew beyond noise (1000 base, 1000 head "
                           "samples): ranked by time per call, the stronger of the two, work at +5 % per call (z 1.1)"
                           " — a guess"),
            std::string::npos)
      << weak.note;
  std::filesystem::remove_all(dir);
}

TEST(Hotspots, AttachReadsProfilesBesideTheResultsAndNotesMissingOnes) {
  const auto dir = std::filesystem::temp_directory_path() / ("perfgate-hotspots-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "profiles");
  // Writes a profile of main -> work and main -> `other` with these counts.
  auto write = [&](const std::string& file, const std::string& other, std::uint64_t work, std::uint64_t rest) {
    Profile p;
    add(p, {{"main", 100}, {"work", 500}}, work);
    add(p, {{"main", 100}, {other, 500}}, rest);
    std::ofstream(dir / "profiles" / file) << profile_to_json(p);
  };
  write("base.json", "other", 50, 50);
  write("head.json", "other", 80, 20);
  // A regression that left the CPU shares where they were (queueing).
  write("queued-base.json", "sleep", 90, 10);
  write("queued-head.json", "sleep", 89, 11);

  Results b, h;
  BenchmarkResult slow{.name = "slow"}, plain{.name = "plain"}, queued{.name = "queued"};
  slow.profile = ProfileRef{"ok", "profiles/base.json", ""};
  queued.profile = ProfileRef{"ok", "profiles/queued-base.json", ""};
  b.benchmarks = {slow, plain, queued};
  slow.profile = ProfileRef{"ok", "profiles/head.json", ""};
  plain.profile = ProfileRef{"missing", "", "no permission"};
  queued.profile = ProfileRef{"ok", "profiles/queued-head.json", ""};
  h.benchmarks = {slow, plain, queued};
  GateReport report;
  report.benchmarks = {BenchmarkVerdict{.name = "slow", .verdict = Verdict::regression},
                       BenchmarkVerdict{.name = "plain", .verdict = Verdict::pass},
                       BenchmarkVerdict{.name = "queued", .verdict = Verdict::regression}};
  attach_hotspots(report, b, dir, h, dir);
  ASSERT_EQ(report.hotspots.size(), 3u);
  EXPECT_EQ(report.hotspots[0].note.find("sampling noise"), std::string::npos) << report.hotspots[0].note;
  ASSERT_FALSE(report.hotspots[2].differential.empty());
  EXPECT_EQ(report.hotspots[2].differential[0].function, "sleep");  // +1 point: ranked, and flagged
  EXPECT_NE(report.hotspots[2].note.find("no function's CPU share grew beyond sampling noise (100 base, 100 head "
                                         "samples)"),
            std::string::npos)
      << report.hotspots[2].note;
  EXPECT_EQ(report.hotspots[0].benchmark, "slow");
  ASSERT_FALSE(report.hotspots[0].top.empty());
  EXPECT_EQ(report.hotspots[0].top[0].function, "work");
  ASSERT_FALSE(report.hotspots[0].differential.empty());
  EXPECT_EQ(report.hotspots[0].differential[0].function, "work");
  EXPECT_NE(report.hotspots[0].note.find("call counts are unknown"), std::string::npos);
  EXPECT_TRUE(report.hotspots[1].top.empty());
  EXPECT_NE(report.hotspots[1].note.find("no permission"), std::string::npos);

  // One run, nothing to compare (`run --profile`): the same ranking and notes
  // as the head's above, from that benchmark's profile alone.
  const BenchmarkHotspots alone = roi_hotspots(h.benchmarks[0], dir);
  EXPECT_EQ(alone.benchmark, "slow");
  ASSERT_EQ(alone.top.size(), report.hotspots[0].top.size());
  EXPECT_EQ(alone.top[0].function, "work");
  EXPECT_DOUBLE_EQ(alone.top[0].roi, report.hotspots[0].top[0].roi);
  EXPECT_TRUE(alone.differential.empty());
  EXPECT_EQ(alone.note,
            "the profile holds only 100 samples, so its shares are coarse: raise --hz or profiling.duration; call "
            "counts are unknown in a sampling profile (--count-calls counts them): score = 0.5·self % + 0.5·total %");
  const BenchmarkHotspots missing = roi_hotspots(h.benchmarks[1], dir);
  EXPECT_TRUE(missing.top.empty());
  EXPECT_NE(missing.note.find("no permission"), std::string::npos) << missing.note;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace perfgate::gate
