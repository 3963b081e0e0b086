#include "gate/merge.h"

#include <fmt/format.h>

#include <set>
#include <tuple>

namespace perfgate::gate {

std::expected<Results, Error> merge_results(std::vector<Results> parts) {
  if (parts.empty()) return std::unexpected(Error::bad_input("nothing to merge"));
  Results out;
  out.run = parts.front().run;
  out.run.duration_s = 0;
  std::set<std::string> names;
  for (Results& p : parts) {
    // Shards of one run: the same commit and suite. Anything else would be
    // reported under the first file's commit.
    for (const auto& [what, first, mine] : {std::tuple{"commits", &out.run.commit, &p.run.commit},
                                            std::tuple{"suites", &out.run.suite, &p.run.suite}})
      if (*first != *mine)
        return std::unexpected(Error::bad_input(fmt::format(
            "the files come from different {} ('{}' and '{}'); shards of one run share them", what,
            *first, *mine)));
    out.run.duration_s += p.run.duration_s;
    for (BenchmarkResult& b : p.benchmarks) {
      if (!names.insert(b.name).second)
        return std::unexpected(Error::bad_input(
            fmt::format("benchmark '{}' appears in more than one file; shards must be disjoint", b.name)));
      out.benchmarks.push_back(std::move(b));
    }
  }
  return out;
}

Results results_from_gbench(const std::vector<GbenchBenchmark>& benchmarks, std::string_view binary,
                            const RunMetadata& metadata) {
  Results out;
  out.run = metadata;
  for (const GbenchBenchmark& g : benchmarks) {
    BenchmarkResult b;
    b.name = g.name;
    b.source.kind = "gbench";
    b.source.command = {std::string(binary)};
    b.source.gbench_name = g.name;
    if (!g.error.empty()) {
      b.status = "failed";
      b.error = g.error;
    }
    for (std::size_t i = 0; i < g.real_ns.size(); ++i) {
      Repetition r;
      r.index = i;
      r.samples = {g.real_ns[i]};
      r.stats = summarize(r.samples, 0);
      b.repetitions.push_back(std::move(r));
    }
    b.stats = summarize(g.real_ns, 0);
    out.benchmarks.push_back(std::move(b));
  }
  return out;
}

}  // namespace perfgate::gate
