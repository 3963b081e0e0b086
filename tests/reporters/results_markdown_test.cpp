#include "reporters/results_markdown.h"

#include <gtest/gtest.h>

namespace perfgate::reporters {
namespace {

gate::BenchmarkResult benchmark(std::string name, std::optional<gate::ProfileRef> profile) {
  gate::BenchmarkResult b;
  b.name = std::move(name);
  b.status = "ok";
  b.profile = std::move(profile);
  return b;
}

// DESIGN §7: when the profiler cannot run, the benchmarks are still measured
// and the report says which profiles are missing and why.
TEST(ResultsMarkdown, SaysWhichProfilesAreMissingAndWhy) {
  gate::Results r;
  r.benchmarks.push_back(benchmark("lru", gate::ProfileRef{"ok", "profiles/lru.json", ""}));
  r.benchmarks.push_back(benchmark(
      "hll", gate::ProfileRef{"missing", "",
                              "cannot load the BPF sampler: permission denied — grant CAP_BPF"}));
  r.benchmarks.push_back(benchmark("plain", std::nullopt));
  const std::string md = render_results_markdown(r);
  EXPECT_NE(md.find("### Profiles and hotspots"), std::string::npos) << md;
  EXPECT_NE(md.find("| lru | ✅ <code>profiles/lru.json</code> | <code>profiles/lru.svg</code> |  |  |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| hll | ⚠️ missing |  |  | cannot load the BPF sampler: permission denied — grant "
                    "CAP\\_BPF |"),
            std::string::npos)
      << md;
  EXPECT_EQ(md.find("| plain |", md.find("### Profiles")), std::string::npos) << "not profiled, not listed";
  EXPECT_NE(md.find("the regression verdict needs a baseline: `perfgate compare BASE CURRENT`."), std::string::npos);
}

// Where the time goes without a comparison: each profiled benchmark's
// function first by ROI in the table, its ROI table folded below with the
// note on how the score was formed, outside strings escaped.
TEST(ResultsMarkdown, ShowsEachProfiledBenchmarksHotspotsByRoi) {
  gate::Results r;
  r.benchmarks.push_back(benchmark("lru", gate::ProfileRef{"ok", "profiles/lru.json", ""}));
  r.benchmarks.push_back(benchmark("tiny", gate::ProfileRef{"ok", "profiles/tiny.json", ""}));
  ResultsReportContext context;
  gate::BenchmarkHotspots lru{.benchmark = "lru", .note = "call counts are unknown"};
  lru.top.push_back({.function = "Cache::serve(int)", .self_percent = 41.25, .total_percent = 60.0, .score = 50.6,
                     .complexity = 2.2, .roi = 23.0, .impact = 120.0});
  lru.top.push_back({.function = "operator|<script>", .self_percent = 9.0, .total_percent = 9.0, .score = 9.0,
                     .complexity = 1.3, .roi = 6.9, .impact = 18.0});
  context.hotspots.push_back(lru);
  context.hotspots.push_back({.benchmark = "tiny", .note = "no function has 0.5 % of the samples"});
  context.next_step = "Next: store a baseline.";
  const std::string md = render_results_markdown(r, context);
  EXPECT_NE(md.find("| lru | ✅ <code>profiles/lru.json</code> | <code>profiles/lru.svg</code> | "
                    "<code>Cache::serve\\(int\\)</code> (self 41.2 %, total 60.0 %) |  |"),
            std::string::npos)
      << md;
  // Without a ranked function the row carries the ranking's note instead.
  EXPECT_NE(md.find("| tiny | ✅ <code>profiles/tiny.json</code> | <code>profiles/tiny.svg</code> |  | no function "
                    "has 0.5 % of the samples |"),
            std::string::npos)
      << md;
  const auto table = md.find("<summary>Hotspots of lru by ROI</summary>");
  ASSERT_NE(table, std::string::npos) << md;
  const auto first = md.find("| 1 | <code>Cache::serve\\(int\\)</code> | 41.2 | 60.0 | — | 50.6 | 2.20 | 23.00 | 120 % |", table);
  const auto second = md.find("| 2 | <code>operator&#124;&lt;script&gt;</code>", table);
  ASSERT_NE(second, std::string::npos) << md;
  EXPECT_LT(first, second) << md;
  EXPECT_EQ(md.find("<script>"), std::string::npos) << "escaped";
  EXPECT_NE(md.find("_call counts are unknown_", table), std::string::npos) << md;
  EXPECT_EQ(md.find("Hotspots of tiny by ROI"), std::string::npos) << "no table without hotspots";
  EXPECT_NE(md.find("\nNext: store a baseline.\n"), std::string::npos);
  EXPECT_EQ(md.find("perfgate compare BASE CURRENT"), std::string::npos);
}

TEST(ResultsMarkdown, HasNoProfilesSectionWithoutProfiling) {
  gate::Results r;
  r.benchmarks.push_back(benchmark("lru", std::nullopt));
  EXPECT_EQ(render_results_markdown(r).find("### Profiles"), std::string::npos);
}

// A merge of imported Google Benchmark output would have said only "fresh
// process each".
TEST(ResultsMarkdown, SaysWhichRepetitionsAreNotFreshProcesses) {
  gate::Results r;
  r.benchmarks.push_back(benchmark("lru", std::nullopt));
  const std::string own = render_results_markdown(r);
  EXPECT_EQ(own.find("Imported Google Benchmark output"), std::string::npos) << own;
  r.benchmarks.push_back(benchmark("BM_A", std::nullopt));
  r.benchmarks.back().source = {
      .kind = "gbench", .command = {"./bm"}, .gbench_name = "BM_A", .imported_from = "bm.json"};
  const std::string md = render_results_markdown(r);
  EXPECT_NE(md.find("\n_Imported Google Benchmark output (BM\\_A): "
                    "these repetitions are not fresh processes but the binary's own, "
                    "all run in one process._\n"),
            std::string::npos)
      << md;
  // gbench measured no process: no CPU share or peak RSS, where the
  // workload's own row has them.
  EXPECT_NE(md.find("| BM\\_A | "), std::string::npos) << md;
  EXPECT_NE(md.find("/s | — | — | ✅ |"), std::string::npos) << md;
  EXPECT_NE(md.find(" % | "), std::string::npos) << md;
  EXPECT_NE(md.find(" MiB | ✅ |"), std::string::npos) << md;
}

// Imported Google Benchmark output names no CPU model: the header showed an
// empty field between two dots. It says "unknown", as the comparison
// report's does; a model it has is escaped.
TEST(ResultsMarkdown, TheRunHeaderSaysACpuModelItLacksIsUnknown) {
  gate::Results r;
  r.run.commit = "4f1c2d";
  r.run.started_at = "2026-12-07T09:00:00Z";
  r.run.host.cores = 8;
  r.benchmarks.push_back(benchmark("BM_A", std::nullopt));
  const std::string md = render_results_markdown(r);
  EXPECT_NE(md.find("Commit <code>4f1c2d</code> · 2026-12-07T09:00:00Z · unknown · 8 cores · "),
            std::string::npos)
      << md;
  r.run.host.cpu_model = "AMD EPYC_7B13";
  const std::string known = render_results_markdown(r);
  EXPECT_NE(known.find(" · AMD EPYC\\_7B13 · 8 cores · "), std::string::npos) << known;
  // Nor "0 cores" for an import without num_cpus; and a commit is code, in
  // which a backslash escape would show (`my\_branch`), so it is HTML.
  r.run.host.cores = 0;
  r.run.commit = "my_tag*1";
  const std::string bare = render_results_markdown(r);
  EXPECT_NE(bare.find("Commit <code>my\\_tag\\*1</code> · "), std::string::npos) << bare;
  EXPECT_NE(bare.find(" · AMD EPYC\\_7B13 · cores unknown · "), std::string::npos) << bare;
}

}  // namespace
}  // namespace perfgate::reporters
