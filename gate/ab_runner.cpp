#include "gate/ab_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "gate/process.h"

namespace perfgate::gate {
namespace {

// The paired verdict of one benchmark on its own (no Holm): drives adaptivity.
Verdict paired_verdict(const std::vector<BenchmarkResult>& base, const std::vector<BenchmarkResult>& head,
                       const CompareOptions& options) {
  Results b, h;
  b.benchmarks = base;
  h.benchmarks = head;
  auto report = compare_results(b, h, options);
  if (!report) return Verdict::failed;
  Verdict worst = Verdict::pass;
  for (const auto& v : report->benchmarks)
    if (v.verdict == Verdict::inconclusive) worst = Verdict::inconclusive;
  return worst;
}

// Counts the calls of both sides' hot functions (head's first, then base's
// others: the same functions on both sides, so their time per call compares)
// in count_runs rounds, the sides alternating base-head, head-base, … so a
// slow spell of the machine does not fall on one side's runs only.
void count_calls_alternately(const BenchmarkResult& b, const BenchmarkSpec& bs, const RunnerOptions& base,
                             const BenchmarkResult& h, const BenchmarkSpec& hs, const RunnerOptions& head) {
  auto functions = functions_to_count(h, head);
  for (auto& f : functions_to_count(b, base))
    if (std::ranges::find(functions, f) == functions.end()) functions.push_back(std::move(f));
  const unsigned runs = std::min(base.count_runs, head.count_runs);
  for (unsigned run = 0; run < runs && !functions.empty(); ++run) {
    const bool base_first = run % 2 == 0;
    const bool ok = base_first ? count_calls_once(b, bs, base, functions) && count_calls_once(h, hs, head, functions)
                               : count_calls_once(h, hs, head, functions) && count_calls_once(b, bs, base, functions);
    if (!ok) break;
  }
}

}  // namespace

std::expected<AbOutcome, Error> run_ab(const AbSide& base, const AbSide& head, const AbOptions& options) {
  auto base_specs = select_benchmarks(base.suite, base.runner);
  if (!base_specs) return std::unexpected(base_specs.error());
  auto head_specs = select_benchmarks(head.suite, head.runner);
  if (!head_specs) return std::unexpected(head_specs.error());
  if (base_specs->size() != head_specs->size())
    return std::unexpected(Error::bad_input("base and head suites hold different benchmarks"));
  for (std::size_t i = 0; i < base_specs->size(); ++i)
    if ((*base_specs)[i].name != (*head_specs)[i].name)
      return std::unexpected(Error::bad_input(fmt::format("base has '{}' where head has '{}'", (*base_specs)[i].name,
                                                          (*head_specs)[i].name)));
  std::vector<ScratchDirectory> scratch_dirs;
  for (const AbSide* side : {&base, &head}) {
    auto dir = ScratchDirectory::create(side->runner.work_dir / ".scratch");
    if (!dir) return std::unexpected(dir.error());
    scratch_dirs.push_back(std::move(*dir));
  }

  AbOutcome out;
  out.base.run = start_metadata(base.suite.name);
  out.head.run = start_metadata(head.suite.name);
  const auto start = std::chrono::steady_clock::now();
  const auto& progress = head.runner.progress;
  for (std::size_t i = 0; i < base_specs->size(); ++i) {
    const BenchmarkSpec& bs = (*base_specs)[i];
    const BenchmarkSpec& hs = (*head_specs)[i];
    progress(fmt::format("[{}/{}] {} (A/B)", i + 1, base_specs->size(), bs.name));
    ResultCollector base_collector(bs), head_collector(hs);
    std::vector<BenchmarkResult> base_done, head_done;
    unsigned pairs = 0, target = std::max(2u, options.pairs);
    for (;;) {
      for (; pairs < target; ++pairs) {
        const bool base_first = pairs % 2 == 0;  // AB, BA, AB, BA, ...
        auto run_side = [&](bool is_base) {
          return is_base ? base_collector.add(measure_once(bs, base.runner, pairs))
                         : head_collector.add(measure_once(hs, head.runner, pairs));
        };
        const bool ok_first = run_side(base_first);
        const bool ok_second = ok_first && run_side(!base_first);
        if (!ok_second) break;
        progress(fmt::format("  {} pair {}", bs.name, pairs + 1));
      }
      const bool failed = base_collector.failed() || head_collector.failed();
      // Collectors are consumed by finish(); snapshot copies to decide on more pairs.
      ResultCollector base_copy = base_collector, head_copy = head_collector;
      base_done = base_copy.finish();
      head_done = head_copy.finish();
      if (failed || pairs >= options.max_pairs ||
          paired_verdict(base_done, head_done, options.compare) != Verdict::inconclusive)
        break;
      target = std::min(options.max_pairs, pairs + 2);
      progress(fmt::format("  {}: inconclusive after {} pairs, measuring more", bs.name, pairs));
    }
    // The side whose process ran first in a pair failed, so the other side
    // measured nothing of it: it is "failed" there too, saying why, and the
    // benchmark is reported failed (exit 3) rather than missing from one
    // side (a suite mismatch, exit 2).
    auto unmeasured = [](const std::vector<BenchmarkResult>& done, std::vector<BenchmarkResult>& other,
                         const BenchmarkSpec& other_spec, std::string_view side) {
      for (const auto& d : done)
        if (d.status != "ok" && std::ranges::find(other, d.name, &BenchmarkResult::name) == other.end()) {
          BenchmarkResult r{.name = d.name, .unit = d.unit, .source = other_spec.source, .status = "failed"};
          r.error = fmt::format("not measured: the {} side failed first ({})", side, d.error);
          other.push_back(std::move(r));
        }
    };
    unmeasured(base_done, head_done, hs, "base");
    unmeasured(head_done, base_done, bs, "head");
    for (auto& b : base_done) {
      auto h = std::ranges::find(head_done, b.name, &BenchmarkResult::name);
      if (h == head_done.end())
        record_profile_if_asked(b, bs, base.runner);
      else
        record_profiles_alternately(b, bs, base.runner, *h, hs, head.runner);
    }
    for (auto& h : head_done)
      if (std::ranges::find(base_done, h.name, &BenchmarkResult::name) == base_done.end())
        record_profile_if_asked(h, hs, head.runner);
    for (const auto& b : base_done)
      for (const auto& h : head_done)
        if (b.name == h.name) count_calls_alternately(b, bs, base.runner, h, hs, head.runner);
    for (auto& b : base_done) out.base.benchmarks.push_back(std::move(b));
    for (auto& h : head_done) out.head.benchmarks.push_back(std::move(h));
  }
  const double duration = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.base.run.duration_s = out.head.run.duration_s = duration;
  scratch_dirs.clear();
  auto report = compare_results(out.base, out.head, options.compare);
  if (!report) return std::unexpected(report.error());
  out.report = std::move(*report);
  return out;
}

}  // namespace perfgate::gate
