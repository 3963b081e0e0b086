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
  EXPECT_NE(md.find("### Profiles"), std::string::npos) << md;
  EXPECT_NE(md.find("| lru | ✅ profiles/lru.json |"), std::string::npos) << md;
  EXPECT_NE(md.find("| hll | ⚠️ missing | cannot load the BPF sampler: permission denied — grant "
                    "CAP\\_BPF |"),
            std::string::npos)
      << md;
  EXPECT_EQ(md.find("| plain | ✅"), std::string::npos) << md;
}

TEST(ResultsMarkdown, HasNoProfilesSectionWithoutProfiling) {
  gate::Results r;
  r.benchmarks.push_back(benchmark("lru", std::nullopt));
  EXPECT_EQ(render_results_markdown(r).find("### Profiles"), std::string::npos);
}

}  // namespace
}  // namespace perfgate::reporters
