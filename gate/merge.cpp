#include "gate/merge.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <set>
#include <tuple>

#include "gate/timestamp.h"
#include "gate/version.h"

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

Results results_from_gbench(const GbenchOutput& output, std::string_view file,
                            std::string_view imported_at) {
  Results out;
  const GbenchContext& c = output.context;
  RunMetadata& m = out.run;
  m.started_at = std::string(imported_at);
  if (const auto t = parse_timestamp(c.date)) {
    // An offset may carry the year out of 0001-9999.
    const std::string utc = utc_second_text(t->seconds);
    if (has_utc_second_shape(utc) && parse_timestamp(utc)) m.started_at = utc;
  }
  m.perfgate_version = kVersion;
  m.suite = fmt::format("gbench:{}", file);
  m.build.type = c.library_build_type;
  m.host.hostname = c.host_name;
  m.host.cores = static_cast<unsigned>(
      std::min<std::uint64_t>(c.num_cpus.value_or(0), std::numeric_limits<unsigned>::max()));
  if (c.load_avg.size() == 3) {
    m.host.load_avg_1m = c.load_avg[0];
    m.host.load_avg_5m = c.load_avg[1];
    m.host.load_avg_15m = c.load_avg[2];
  }
  for (const GbenchBenchmark& g : output.benchmarks) {
    BenchmarkResult b;
    b.name = g.name;
    b.source.kind = "gbench";
    b.source.command = {c.executable.empty() ? std::string(file) : c.executable};
    b.source.gbench_name = g.name;
    b.source.imported_from = std::string(file);
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
