#include "gate/compare.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "gate/permutation_statistics.h"

namespace perfgate::gate {
namespace {

// A workload benchmark whose repetitions have the given p99s (ns) and
// `count` samples each.
BenchmarkResult bench(std::string name, std::vector<double> p99s, std::uint64_t count = 10'000) {
  BenchmarkResult b;
  b.name = std::move(name);
  b.source.kind = "workload";
  b.source.workload = "lru";
  for (std::size_t i = 0; i < p99s.size(); ++i) {
    Repetition r;
    r.index = i;
    r.stats.count = count;
    r.stats.p99 = p99s[i];
    r.stats.mean = p99s[i] / 3;
    b.repetitions.push_back(r);
  }
  b.stats.mean = p99s.empty() ? 0 : p99s[0] / 3;
  return b;
}

Results run_of(std::vector<BenchmarkResult> b) {
  Results r;
  r.benchmarks = std::move(b);
  return r;
}

std::vector<double> scaled(const std::vector<double>& v, double f) {
  std::vector<double> out;
  for (double x : v) out.push_back(x * f);
  return out;
}

const std::vector<double> kBase{1000, 1010, 990, 1005, 995};

Verdict verdict_of(const std::vector<double>& base, const std::vector<double>& head, bool paired = false) {
  auto r = compare_results(run_of({bench("x", base)}), run_of({bench("x", head)}), {.paired = paired});
  EXPECT_TRUE(r) << r.error().message;
  return r->benchmarks.at(0).verdict;
}

TEST(Compare, FlagsRegressionAboveThreshold) {
  auto r = compare_results(run_of({bench("x", kBase)}), run_of({bench("x", scaled(kBase, 1.3))}), {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->benchmarks[0].verdict, Verdict::regression);
  EXPECT_EQ(r->overall, Verdict::regression);
  EXPECT_NEAR(r->benchmarks[0].estimate.ratio, 1.3, 0.01);
  EXPECT_GT(r->benchmarks[0].estimate.lower, 1.0);
}

// The report says what a repetition was: imported Google Benchmark output
// on either side ran its repetitions in one process.
TEST(Compare, KnowsWhichRepetitionsShareOneProcess) {
  // The suite runs a gbench binary once per repetition; an import holds
  // the binary's own repetitions of one process.
  auto gbench = [](std::string imported_from) {
    BenchmarkResult b = bench("x", kBase);
    b.source = {.kind = "gbench",
                .command = {"./bm"},
                .gbench_name = "x",
                .imported_from = std::move(imported_from)};
    return b;
  };
  for (const auto& [base, head, shared] :
       {std::tuple{gbench(""), gbench(""), false}, std::tuple{gbench("bm.json"), gbench(""), true},
        std::tuple{gbench(""), gbench("bm.json"), true}}) {
    auto r = compare_results(run_of({base}), run_of({head}), {});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->benchmarks[0].repetitions_share_a_process, shared);
  }
}

TEST(Compare, SmallSlowdownBelowThresholdPasses) {
  EXPECT_EQ(verdict_of(kBase, scaled(kBase, 1.05)), Verdict::pass);
  EXPECT_EQ(verdict_of(kBase, kBase), Verdict::pass);
}

TEST(Compare, LargeSpeedupIsAnImprovement) {
  EXPECT_EQ(verdict_of(kBase, scaled(kBase, 0.7)), Verdict::improvement);
}

TEST(Compare, NoisyChangeNearTheThresholdIsInconclusive) {
  const std::vector<double> noisy_base{1000, 1300, 800, 1150, 900};
  const std::vector<double> noisy_head{1250, 1000, 1400, 1100, 1300};
  EXPECT_EQ(verdict_of(noisy_base, noisy_head), Verdict::inconclusive);
}

TEST(Compare, TooFewTailSamplesAreNotGated) {
  auto r = compare_results(run_of({bench("x", kBase, 9'999)}), run_of({bench("x", scaled(kBase, 2), 9'999)}), {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->benchmarks[0].verdict, Verdict::insufficient_samples);
  EXPECT_NE(r->benchmarks[0].note.find("99 samples above its p99, needs 100"), std::string::npos)
      << r->benchmarks[0].note;
  EXPECT_EQ(r->overall, Verdict::pass) << "not gated, but warned";
  EXPECT_FALSE(r->warnings.empty());
}

TEST(Compare, TooFewRepetitionsAreNotGated) {
  EXPECT_EQ(verdict_of({1000, 1001}, {2000, 2001}), Verdict::insufficient_samples);  // min_iterations 3
}

TEST(Compare, PairingCancelsMachineDriftThatHidesARegressionUnpaired) {
  // Each pair ran at a different machine speed; within a pair head is 15 % slower.
  const std::vector<double> base{1000, 1400, 800, 1200, 950, 1100};
  const std::vector<double> head = scaled(base, 1.15);
  std::vector<double> jittered = head;
  jittered[1] *= 1.01;
  jittered[4] *= 0.99;
  EXPECT_EQ(verdict_of(base, jittered, /*paired=*/true), Verdict::regression);
  EXPECT_NE(verdict_of(base, jittered, /*paired=*/false), Verdict::regression);
}

TEST(Compare, HolmAdjustsAcrossTheSuite) {
  // Twenty benchmarks, each a borderline slowdown: unadjusted p < 0.05 would
  // alarm, but the family-wise correction does not.
  std::vector<BenchmarkResult> base, head;
  const std::vector<double> b{1000, 1100, 900, 1050, 950};
  const std::vector<double> h{1150, 1300, 1080, 1250, 1060};
  for (int i = 0; i < 20; ++i) {
    base.push_back(bench(fmt::format("b{}", i), b));
    head.push_back(bench(fmt::format("b{}", i), h));
  }
  // DESIGN §8's literal rule (interval bound above 1), so that the data
  // alone is a regression.
  auto r = compare_results(run_of(base), run_of(head), {.margin_fraction = 0});
  ASSERT_TRUE(r);
  const auto& v = r->benchmarks[0];
  EXPECT_LT(v.estimate.p_slower, 0.05) << "unadjusted it would alarm";
  EXPECT_GE(v.p_adjusted, 0.05);
  EXPECT_EQ(v.verdict, Verdict::inconclusive);
  // Its own interval clears the margin, so the note says what held it back.
  EXPECT_EQ(v.note.rfind("alone it would be a regression (p ", 0), 0u) << v.note;
  EXPECT_NE(v.note.find("), but not among the 20 gated benchmarks (Holm: "), std::string::npos)
      << v.note;
  // Alone, the same data is a regression.
  auto single = compare_results(run_of({bench("b0", b)}), run_of({bench("b0", h)}), {.margin_fraction = 0});
  EXPECT_EQ(single->benchmarks[0].verdict, Verdict::regression);
}

TEST(Compare, PerBenchmarkThresholdAndOverride) {
  auto base = bench("x", kBase), head = bench("x", scaled(kBase, 1.15));
  head.regression.threshold_percent = 20;
  EXPECT_EQ(compare_results(run_of({base}), run_of({head}), {})->benchmarks[0].verdict, Verdict::pass)
      << "a tight +15 % is below a 20 % threshold";
  EXPECT_EQ(compare_results(run_of({base}), run_of({head}), {.threshold_percent = 5})->benchmarks[0].verdict,
            Verdict::regression);
}

// A p99 that undisturbed processes all reach (fixed work) and processes the
// machine slowed by 10-80 %: +15 % on the floor, with 7 of 15 processes slow
// on the base side and 5 of 15 on the head side.
TEST(Compare, ABenchmarksPermutationMethodComparesTheFastestRepetitions) {
  const std::vector<double> base{1000, 1001, 1350, 1000, 1720, 1002, 1210, 1001,
                                 1590, 1000, 1130, 1450, 1001, 1800, 1270};
  const std::vector<double> head{1150, 1380, 1151, 1150, 1960, 1152, 1150, 1520,
                                 1151, 1150, 1700, 1151, 1150, 1152, 1150};
  BenchmarkResult b = bench("sketches", base), h = bench("sketches", head);
  h.regression.method = Method::permutation;  // the head run's settings decide, as for the threshold
  auto r = compare_results(run_of({b}), run_of({h}), {});
  ASSERT_TRUE(r) << r.error().message;
  const BenchmarkVerdict& v = r->benchmarks[0];
  EXPECT_EQ(v.method, Method::permutation);
  ASSERT_EQ(v.location, Location::minimum);
  EXPECT_NEAR(v.estimate.ratio, 1.15, 1e-9);
  EXPECT_EQ(v.base_value, 1000);  // the values the estimate compares
  EXPECT_EQ(v.head_value, 1150);
  EXPECT_EQ(v.verdict, Verdict::regression);
  EXPECT_LT(v.noise_floor_percent, 1) << "the fastest repetitions agree within 0.2 %";
  // The same repetitions by t: the slow processes hide it (more slow ones on
  // the base side: the means differ by 5 %).
  auto t = compare_results(run_of({b}), run_of({h}), {.method = Method::t});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->benchmarks[0].method, Method::t);
  EXPECT_FALSE(t->benchmarks[0].location);
  EXPECT_NE(t->benchmarks[0].verdict, Verdict::regression);
  EXPECT_LT(t->benchmarks[0].estimate.ratio, 1.08);
  EXPECT_GT(t->benchmarks[0].noise_floor_percent, 10);
}

// 3 against 3 repetitions have 20 relabellings: no p-value below 0.05, so
// the permutation method could only ever say "inconclusive" — a clean 2×
// slowdown passed `compare` with a warning. It is "insufficient samples",
// with how many it needs; 4 a side decide. Paired: 5 pairs have 32 sign
// patterns (1/32 is above 0.025), 6 decide. Adaptive repetitions may still
// add them before the final look.
TEST(Compare, APermutationTestOfTooFewRepetitionsIsNotGated) {
  auto verdict_of = [](std::size_t n, bool paired, unsigned final_repetitions = 0) {
    std::vector<double> base, head;
    for (std::size_t i = 0; i < n; ++i) {
      base.push_back(1000 + 3.0 * static_cast<double>(i));
      head.push_back(2000 + 5.0 * static_cast<double>(i));
    }
    BenchmarkResult b = bench("sketches", base), h = bench("sketches", head);
    h.regression.method = Method::permutation;
    auto r = compare_results(run_of({b}), run_of({h}),
                             {.paired = paired,
                              .looks = final_repetitions ? 3u : 1u,
                              .final_repetitions = final_repetitions});
    EXPECT_TRUE(r) << r.error().message;
    return r->benchmarks[0];
  };
  const BenchmarkVerdict three = verdict_of(3, false);
  EXPECT_EQ(three.verdict, Verdict::insufficient_samples);
  EXPECT_EQ(three.note,
            "3 against 3 repetitions: the permutation method's smallest p-value is 0.05 (1 in 20 "
            "relabellings), not below the 0.025 a regression needs, so it can never decide; 4 a "
            "side can (or --method trimmed)");
  EXPECT_EQ(verdict_of(4, false).verdict, Verdict::regression);
  const BenchmarkVerdict five_pairs = verdict_of(5, true);
  EXPECT_EQ(five_pairs.verdict, Verdict::insufficient_samples);
  EXPECT_NE(five_pairs.note.find("5 pairs: "), std::string::npos) << five_pairs.note;
  EXPECT_NE(five_pairs.note.find("; 6 pairs can"), std::string::npos) << five_pairs.note;
  EXPECT_EQ(verdict_of(6, true).verdict, Verdict::regression);
  // Before the final look it stays open for more repetitions.
  EXPECT_EQ(verdict_of(3, false, 9).verdict, Verdict::inconclusive);
}

TEST(Compare, DifferentBenchmarkSetsAreBadInput) {
  auto r = compare_results(run_of({bench("x", kBase)}), run_of({bench("y", kBase)}), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ExitCode::bad_input);
  EXPECT_NE(r.error().message.find("only in base: [x]"), std::string::npos) << r.error().message;
}

TEST(Compare, DifferentUnitsAreBadInput) {
  auto h = bench("x", kBase);
  h.unit = "ms";
  EXPECT_FALSE(compare_results(run_of({bench("x", kBase)}), run_of({h}), {}));
}

// A benchmark that became a command under the same name was compared by a
// workload's p99 against a command's mean: +34 % "regression" either way.
TEST(Compare, ABenchmarkOfAnotherKindWorkloadOrSizeIsBadInput) {
  // The message comparing lru's benchmark "x" with `head` gives, or "".
  auto refusal = [](const BenchmarkResult& head) -> std::string {
    auto r = compare_results(run_of({bench("x", kBase)}), run_of({head}), {});
    if (r) return "";
    EXPECT_EQ(r.error().code, ExitCode::bad_input);
    return r.error().message;
  };
  auto command = bench("x", kBase);
  command.source = {.kind = "command", .command = {"/bin/true"}};
  EXPECT_EQ(refusal(command),
            "benchmark 'x' is a workload in base but a command in current: they measure different "
            "things; run both with the same suite");
  auto other = bench("x", kBase);
  other.source.workload = "sketches";
  EXPECT_NE(refusal(other).find("workload lru in base but sketches in current"), std::string::npos);
  auto nightly = bench("x", kBase);
  nightly.source.size = "nightly";
  EXPECT_NE(refusal(nightly).find("of size 'ci' in base but 'nightly' in current"),
            std::string::npos);
  // What an A/B comparison varies is comparable: a variant, a slowdown.
  auto variant = bench("x", kBase);
  variant.source.variant = "sha256-key";
  variant.source.slowdown_percent = 15;
  EXPECT_EQ(refusal(variant), "");
}

TEST(Compare, FailedBenchmarkIsReportedNotGated) {
  auto h = bench("x", {});
  h.status = "failed";
  h.error = "killed by signal 11";
  auto r = compare_results(run_of({bench("x", kBase)}), run_of({h}), {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->benchmarks[0].verdict, Verdict::failed);
  EXPECT_NE(r->benchmarks[0].note.find("signal 11"), std::string::npos);
  EXPECT_EQ(r->overall, Verdict::failed) << "no verdict is not a pass";
  auto both = compare_results(run_of({bench("x", kBase), bench("y", kBase)}),
                              run_of({h, bench("y", scaled(kBase, 1.5))}), {});
  ASSERT_TRUE(both);
  // The run failed (exit 3) even with a regression elsewhere, which its
  // verdict still shows.
  EXPECT_EQ(both->overall, Verdict::failed);
  EXPECT_EQ(both->benchmarks[1].verdict, Verdict::regression);
}

TEST(Compare, NoiseFloorGrowsWithTheBaseSpread) {
  auto tight = compare_results(run_of({bench("x", kBase)}), run_of({bench("x", kBase)}), {});
  auto loose = compare_results(run_of({bench("x", {1000, 1300, 800, 1150, 900})}), run_of({bench("x", kBase)}), {});
  EXPECT_GT(tight->benchmarks[0].noise_floor_percent, 0.0);
  EXPECT_GT(loose->benchmarks[0].noise_floor_percent, 5 * tight->benchmarks[0].noise_floor_percent);
}

}  // namespace
}  // namespace perfgate::gate

namespace perfgate::gate {
namespace {

TEST(Compare, AlphaIsSpentHaybittlePetoOverAdaptiveLooks) {
  EXPECT_EQ(adaptive_looks(5, 15), 6u);  // at 5, 7, 9, 11, 13, 15
  EXPECT_EQ(adaptive_looks(5, 6), 2u);
  EXPECT_EQ(adaptive_looks(5, 5), 1u);
  EXPECT_DOUBLE_EQ(look_alpha(0.05, 1, false), 0.05);
  EXPECT_DOUBLE_EQ(look_alpha(0.05, 6, false), 0.001);
  EXPECT_DOUBLE_EQ(look_alpha(0.05, 6, true), 0.045);
  EXPECT_DOUBLE_EQ(look_alpha(0.05, 100, false), 0.00025);  // α / (2 · looks) once that is below 0.001
  EXPECT_NEAR(look_alpha(0.05, 100, true) + 99 * look_alpha(0.05, 100, false), 0.05, 1e-12);
  // Noisy repetitions, head ~20 % slower: enough for the final look's α, not
  // for an interim look's.
  const std::vector<double> base{1000, 1080, 930, 1040, 960}, head{1150, 1290, 1120, 1250, 1190};
  const Results b = run_of({bench("x", base)}), h = run_of({bench("x", head)});
  auto single = compare_results(b, h, {.margin_fraction = 0});
  auto interim = compare_results(b, h, {.looks = 6, .final_repetitions = 15, .margin_fraction = 0});
  auto last = compare_results(b, h, {.looks = 6, .final_repetitions = 5, .margin_fraction = 0});
  ASSERT_TRUE(single && interim && last);
  EXPECT_EQ(single->benchmarks[0].verdict, Verdict::regression);
  EXPECT_FALSE(interim->benchmarks[0].final_look);
  EXPECT_EQ(interim->benchmarks[0].verdict, Verdict::inconclusive);
  EXPECT_TRUE(last->benchmarks[0].final_look);
  EXPECT_EQ(last->benchmarks[0].verdict, Verdict::regression);
  EXPECT_EQ(interim->looks, 6u);
  EXPECT_DOUBLE_EQ(interim->interim_alpha, 0.001);
  EXPECT_DOUBLE_EQ(interim->final_alpha, 0.045);
  // Same evidence, priced by the look: p · α / α_look, where an interim
  // look of baseline mode takes the larger of its own and the exact
  // permutation test's p (5 against 5: at least 1 / 252).
  const double exact = permutation_p_slower(base, head, false);
  EXPECT_GT(exact, single->benchmarks[0].p_margin);
  EXPECT_NEAR(interim->benchmarks[0].p_adjusted, std::min(1.0, exact * 0.05 / 0.001), 1e-12);
  EXPECT_NEAR(last->benchmarks[0].p_adjusted, single->benchmarks[0].p_adjusted * 0.05 / 0.045, 1e-12);
}

}  // namespace
}  // namespace perfgate::gate

namespace perfgate::gate {
namespace {

TEST(Compare, ARegressionMustClearHalfTheThresholdNotOnlyOne) {
  // θ ≈ 1.14 with an interval of about [1.04, 1.26]: its lower bound clears 1
  // (DESIGN §8's literal rule) but not 1.05, so with the default margin of
  // T/2 a change this close to the "+5 %" side is not called a regression.
  const std::vector<double> base{1000, 1060, 950, 1030, 980}, head{1180, 1050, 1250, 1060, 1200};
  const Results b = run_of({bench("x", base)}), h = run_of({bench("x", head)});
  auto literal = compare_results(b, h, {.margin_fraction = 0});
  auto with_margin = compare_results(b, h, {});
  ASSERT_TRUE(literal && with_margin);
  const BenchmarkVerdict& v = with_margin->benchmarks[0];
  EXPECT_GT(v.estimate.ratio, 1.10);
  EXPECT_GT(v.estimate.lower, 1.0);
  EXPECT_LT(v.estimate.lower, 1.05);
  EXPECT_EQ(literal->benchmarks[0].verdict, Verdict::regression);
  EXPECT_EQ(v.verdict, Verdict::inconclusive);
  EXPECT_NEAR(v.margin_percent, 5.0, 1e-9);
  EXPECT_GT(v.p_margin, v.estimate.p_slower);
  EXPECT_DOUBLE_EQ(literal->benchmarks[0].p_margin, literal->benchmarks[0].estimate.p_slower);
}

// An inconclusive verdict says when the machine widened the interval: two of
// the current side's five repetitions ran 1.5x slower throughout.
TEST(Compare, InconclusiveVerdictNamesTheMachinesSlowSlices) {
  const std::vector<double> wide{1000, 1300, 800, 1200, 900};
  auto with_samples = [](BenchmarkResult b, std::set<std::size_t> slow) {
    for (std::size_t i = 0; i < b.repetitions.size(); ++i)
      for (int k = 0; k < 2000; ++k) b.repetitions[i].samples.push_back((100 + k % 7) * (slow.contains(i) ? 1.5 : 1.0));
    return b;
  };
  auto r = compare_results(run_of({with_samples(bench("x", wide), {})}),
                           run_of({with_samples(bench("x", scaled(wide, 1.1)), {1, 3})}), {});
  ASSERT_TRUE(r);
  const auto& v = r->benchmarks[0];
  ASSERT_EQ(v.verdict, Verdict::inconclusive);
  EXPECT_DOUBLE_EQ(v.base_slow_slices_percent.value_or(-1), 0.0);
  EXPECT_DOUBLE_EQ(v.head_slow_slices_percent.value_or(-1), 40.0);
  EXPECT_NE(v.note.find("0 % of base and 40 % of current time slices"), std::string::npos) << v.note;
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("the machine's speed varied"), std::string::npos) << r->warnings[0];

  // A steady machine: the same verdict, no such note.
  auto quiet = compare_results(run_of({with_samples(bench("x", wide), {})}),
                               run_of({with_samples(bench("x", scaled(wide, 1.1)), {})}), {});
  ASSERT_TRUE(quiet);
  EXPECT_EQ(quiet->benchmarks[0].verdict, Verdict::inconclusive);
  EXPECT_EQ(quiet->benchmarks[0].note, "");
  // Without samples there is no diagnosis.
  auto bare = compare_results(run_of({bench("x", wide)}), run_of({bench("x", scaled(wide, 1.1))}), {});
  ASSERT_TRUE(bare);
  EXPECT_FALSE(bare->benchmarks[0].head_slow_slices_percent);
}

// ... and when interruptions set the p99: in two of the current side's five
// repetitions most samples above the p99 are operations that take 5000 ns in
// the others (20 of them, the workload's own long ones, listed by all), the
// rest of the tail (60 each) operations that no other repetition lists,
// at 10x. From the stored tails alone, as compare reads results.
TEST(Compare, InconclusiveVerdictNamesInterruptionsInTheTail) {
  const std::vector<double> wide{1000, 1300, 800, 1200, 900};
  auto with_tails = [](BenchmarkResult b, std::set<std::size_t> interrupted) {
    for (std::size_t i = 0; i < b.repetitions.size(); ++i) {
      auto& tail = b.repetitions[i].tail;
      for (std::uint64_t k = 0; k < 20; ++k) tail.emplace_back(k * 97, 5000.0);
      if (interrupted.contains(i))
        for (std::uint64_t k = 0; k < 60; ++k) tail.emplace_back(5000 + 100 * i + k, 50'000.0);
    }
    return b;
  };
  auto r = compare_results(run_of({with_tails(bench("x", wide), {})}),
                           run_of({with_tails(bench("x", scaled(wide, 1.1)), {1, 3})}), {});
  ASSERT_TRUE(r);
  const auto& v = r->benchmarks[0];
  ASSERT_EQ(v.verdict, Verdict::inconclusive);
  EXPECT_DOUBLE_EQ(v.base_interrupted_tail_percent.value_or(-1), 0.0);
  EXPECT_DOUBLE_EQ(v.head_interrupted_tail_percent.value_or(-1), 100.0 * 120 / 220);
  EXPECT_NE(v.note.find("0 % of base and 55 % of current samples above the p99"), std::string::npos) << v.note;
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("the machine interrupted the tail"), std::string::npos) << r->warnings[0];
  // Fewer interruptions (60 of 160 listings, one repetition) are in the
  // report, not in the verdict's note.
  auto few = compare_results(run_of({with_tails(bench("x", wide), {})}),
                             run_of({with_tails(bench("x", scaled(wide, 1.1)), {2})}), {});
  ASSERT_TRUE(few);
  EXPECT_NEAR(few->benchmarks[0].head_interrupted_tail_percent.value_or(-1), 100.0 * 60 / 160, 1e-9);
  EXPECT_EQ(few->benchmarks[0].note, "");
}

}  // namespace
}  // namespace perfgate::gate

namespace perfgate::gate {
namespace {

// The draw behind compression's one "+5 %" call in validation's fifteenth
// run (docs/gate.md): p99s in ns, 11 a side, from a pool whose whole "+5 %"
// pool measured 1.044 against the clean one. In that noisy hour the rounds'
// speeds were bimodal; base drew mostly fast rounds and head mostly slow
// ones, so each side looks tight: against the margin (θ <= 1.05) Yuen's t
// reads p = 1.2e-4, the exact permutation test 0.0025. An interim look
// (level 0.001) must not call it; the final look, at its own level, and
// A/B pairs read t.
TEST(Compare, AnInterimLookOfBaselineModeNeedsTheExactTestToRejectToo) {
  const std::vector<double> base{455868, 448338, 510164, 482888, 458075, 432279,
                                 509742, 438016, 498759, 453462, 484430};
  const std::vector<double> head{533276, 496753, 614280, 614620, 652973, 515389,
                                 571077, 578334, 618970, 607884, 561590};
  const Results b = run_of({bench("x", base)}), h = run_of({bench("x", head)});
  const CompareOptions interim_look{.method = Method::trimmed, .looks = 14, .final_repetitions = 31};
  auto interim = compare_results(b, h, interim_look);
  ASSERT_TRUE(interim);
  const BenchmarkVerdict& v = interim->benchmarks[0];
  EXPECT_FALSE(v.final_look);
  EXPECT_GT(v.estimate.ratio, 1.15);
  EXPECT_LT(v.estimate.p_slower, 1e-4) << "the t reading is confident";
  EXPECT_GT(v.p_margin, 0.001) << "the exact test is not";
  EXPECT_DOUBLE_EQ(v.p_margin, permutation_p_slower(base, scaled(head, 1 / 1.05), false));
  EXPECT_EQ(v.verdict, Verdict::inconclusive);
  // The same data at the final look, and as A/B pairs at an interim look:
  // the t reading decides.
  auto last = compare_results(b, h, {.method = Method::trimmed, .looks = 14, .final_repetitions = 11});
  auto paired = compare_results(b, h, {.paired = true, .method = Method::trimmed, .looks = 14, .final_repetitions = 31});
  ASSERT_TRUE(last && paired);
  EXPECT_EQ(last->benchmarks[0].verdict, Verdict::regression);
  EXPECT_LT(paired->benchmarks[0].p_margin, 0.001);
  // A clear regression is still called at an interim look from 7 against 7:
  // all 3 432 relabellings are counted, and only the observed one is as
  // extreme (1 / 3 432, below the look's one-sided 0.0005). At 5 against 5
  // (1 / 252) it waits for more repetitions.
  const std::vector<double> b7(base.begin(), base.begin() + 7);
  const std::vector<double> h7 = scaled(b7, 1.4), b5(b7.begin(), b7.begin() + 5), h5(h7.begin(), h7.begin() + 5);
  auto clear7 = compare_results(run_of({bench("x", b7)}), run_of({bench("x", h7)}), interim_look);
  auto clear5 = compare_results(run_of({bench("x", b5)}), run_of({bench("x", h5)}), interim_look);
  ASSERT_TRUE(clear7 && clear5);
  EXPECT_DOUBLE_EQ(clear7->benchmarks[0].p_margin, 1.0 / 3432);
  EXPECT_EQ(clear7->benchmarks[0].verdict, Verdict::regression);
  EXPECT_DOUBLE_EQ(clear5->benchmarks[0].p_margin, 1.0 / 252);
  EXPECT_EQ(clear5->benchmarks[0].verdict, Verdict::inconclusive);
}

}  // namespace
}  // namespace perfgate::gate
