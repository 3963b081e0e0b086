#include "gate/runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "gate/atomic_file.h"
#include "gate/gbench_json.h"
#include "gate/host_info.h"
#include "gate/process.h"
#include "gate/version.h"
#include "gate/workload_run_json.h"

namespace perfgate::gate {
namespace {

std::string safe_file_name(std::string_view name) {
  std::string out;
  for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return out;
}

std::string last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  const auto nl = text.find_last_of('\n');
  return std::string(nl == std::string_view::npos ? text : text.substr(nl + 1));
}

std::string failure_message(const ProcessResult& p) {
  const std::string tail = last_line(p.stderr_tail);
  return tail.empty() ? p.describe() : fmt::format("{}: {}", p.describe(), tail);
}

Repetition make_repetition(std::uint64_t index, const std::vector<double>& samples, double measured_s,
                           const ProcessResult& p) {
  Repetition r;
  r.index = index;
  r.stats = summarize(samples, measured_s);
  r.samples = bounded_sample(samples, kMaxStoredSamples);
  r.samples_truncated = r.samples.size() != samples.size();
  r.wall_s = p.wall_s;
  r.cpu_percent = p.wall_s > 0 ? 100.0 * (p.user_s + p.system_s) / p.wall_s : 0.0;
  r.peak_rss_bytes = p.peak_rss_bytes;
  r.exit_code = p.status_code();
  return r;
}

BenchmarkResult skeleton(const BenchmarkSpec& spec) {
  BenchmarkResult b;
  b.name = spec.name;
  b.description = spec.description;
  b.category = spec.category;
  b.source = spec.source;
  b.targets = spec.targets;
  b.regression = spec.regression;
  return b;
}

// Pooled statistics and resource figures over the repetitions.
void finish(BenchmarkResult& b, const std::vector<double>& all_samples, double measured_s) {
  b.stats = summarize(all_samples, measured_s);
  if (b.repetitions.empty()) return;
  double cpu = 0;
  for (const auto& r : b.repetitions) {
    cpu += r.cpu_percent;
    b.peak_rss_bytes = std::max(b.peak_rss_bytes, r.peak_rss_bytes);
  }
  b.cpu_percent = cpu / static_cast<double>(b.repetitions.size());
}

std::vector<std::string> workload_argv(const RunnerOptions& o, const BenchmarkSource& s,
                                       const std::filesystem::path& json_out) {
  std::vector<std::string> argv = {o.self_exe.string(), "--quiet", "workloads", "run", s.workload,
                                   "--size", s.size, "--seed", std::to_string(s.seed)};
  if (!s.variant.empty()) argv.insert(argv.end(), {"--variant", s.variant});
  if (s.slowdown_percent > 0) argv.insert(argv.end(), {"--slowdown", fmt::format("{}", s.slowdown_percent)});
  if (s.ops > 0) argv.insert(argv.end(), {"--ops", std::to_string(s.ops)});
  if (!json_out.empty()) argv.insert(argv.end(), {"--json", json_out.string()});
  return argv;
}

unsigned repetitions_of(const BenchmarkSpec& spec, const RunnerOptions& o) {
  return o.repetitions > 0 ? o.repetitions : spec.repetitions;
}

void maybe_profile(BenchmarkResult& b, const BenchmarkSpec& spec, const RunnerOptions& o,
                   const std::vector<std::string>& argv) {
  if (!(o.profile || spec.profiling.enabled) || b.status != "ok") return;
  if (!o.profile_repetition) {
    b.profile = ProfileRef{"missing", "", "no profiler in this build"};
    return;
  }
  const unsigned hz = o.hz > 0 ? o.hz : spec.profiling.sample_rate_hz;
  const std::filesystem::path rel = std::filesystem::path("profiles") / (safe_file_name(b.name) + ".json");
  o.progress(fmt::format("  {}: profiled repetition at {} Hz", b.name, hz));
  ProfileRef ref = o.profile_repetition(argv, o.work_dir / rel, hz);
  if (ref.status == "ok") ref.path = rel.string();
  b.profile = std::move(ref);
}

BenchmarkResult run_workload(const BenchmarkSpec& spec, const RunnerOptions& o) {
  BenchmarkResult b = skeleton(spec);
  std::vector<double> all;
  double measured_s = 0;
  std::map<std::string, double> metric_sums;
  const unsigned reps = repetitions_of(spec, o);
  for (unsigned rep = 0; rep < reps; ++rep) {
    const auto json_path = o.work_dir / ".scratch" / fmt::format("{}-{}.json", safe_file_name(spec.name), rep);
    auto proc = run_process({.argv = workload_argv(o, spec.source, json_path), .timeout_s = spec.timeout_s});
    if (!proc) {
      b.status = "failed";
      b.error = proc.error().message;
      break;
    }
    // A broken invariant exits 3 but still writes its report: prefer that message.
    auto text = read_file(json_path);
    std::error_code ec;
    std::filesystem::remove(json_path, ec);
    auto run = text ? workload_run_from_json(*text) : std::unexpected(text.error());
    if (run) {
      for (const auto& inv : run->invariants) {
        auto it = std::ranges::find(b.invariants, inv.name, &workloads::Invariant::name);
        if (it == b.invariants.end()) b.invariants.push_back(inv);
        else if (it->passed && !inv.passed) *it = inv;  // keep the first failure's detail
      }
    }
    if (!proc->ok() || !run) {
      b.status = "failed";
      b.error = fmt::format("repetition {}: {}", rep + 1,
                            !proc->ok() ? failure_message(*proc) : run.error().message);
      break;
    }
    std::vector<double> samples(run->latencies_ns.begin(), run->latencies_ns.end());
    b.repetitions.push_back(make_repetition(rep, samples, run->measured_seconds, *proc));
    all.insert(all.end(), samples.begin(), samples.end());
    measured_s += run->measured_seconds;
    for (const auto& [k, v] : run->metrics) metric_sums[k] += v;
    o.progress(fmt::format("  {} {}/{}: p99 {:.1f} us", spec.name, rep + 1, reps, b.repetitions.back().stats.p99 / 1e3));
  }
  for (const auto& [k, v] : metric_sums) b.metrics[k] = v / static_cast<double>(b.repetitions.size());
  finish(b, all, measured_s);
  maybe_profile(b, spec, o, workload_argv(o, spec.source, {}));
  return b;
}

BenchmarkResult run_command(const BenchmarkSpec& spec, const RunnerOptions& o) {
  BenchmarkResult b = skeleton(spec);
  std::vector<double> all;
  double measured_s = 0;
  const unsigned reps = repetitions_of(spec, o);
  for (unsigned rep = 0; rep < reps && b.status == "ok"; ++rep) {
    std::vector<double> samples;
    ProcessResult total;
    for (unsigned it = 0; it < spec.iterations; ++it) {
      auto proc = run_process({.argv = spec.source.command, .timeout_s = spec.timeout_s});
      if (!proc || !proc->ok()) {
        b.status = "failed";
        b.error = proc ? fmt::format("repetition {}, run {}: {}", rep + 1, it + 1, failure_message(*proc))
                       : proc.error().message;
        break;
      }
      samples.push_back(proc->wall_s * 1e9);
      total.wall_s += proc->wall_s;
      total.user_s += proc->user_s;
      total.system_s += proc->system_s;
      total.peak_rss_bytes = std::max(total.peak_rss_bytes, proc->peak_rss_bytes);
    }
    if (b.status != "ok") break;
    b.repetitions.push_back(make_repetition(rep, samples, total.wall_s, total));
    all.insert(all.end(), samples.begin(), samples.end());
    measured_s += total.wall_s;
    o.progress(fmt::format("  {} {}/{}: p99 {:.3f} ms", spec.name, rep + 1, reps, b.repetitions.back().stats.p99 / 1e6));
  }
  finish(b, all, measured_s);
  maybe_profile(b, spec, o, spec.source.command);
  return b;
}

std::vector<BenchmarkResult> run_gbench(const BenchmarkSpec& spec, const RunnerOptions& o) {
  std::map<std::string, BenchmarkResult> by_name;
  std::map<std::string, std::vector<double>> all;
  std::vector<std::string> order;
  std::string failure;
  const unsigned reps = repetitions_of(spec, o);
  for (unsigned rep = 0; rep < reps && failure.empty(); ++rep) {
    const auto out = o.work_dir / ".scratch" / fmt::format("{}-{}.gbench.json", safe_file_name(spec.name), rep);
    std::vector<std::string> argv = spec.source.command;
    argv.push_back("--benchmark_out=" + out.string());
    argv.push_back("--benchmark_out_format=json");
    argv.push_back(fmt::format("--benchmark_repetitions={}", spec.gbench_repetitions));
    if (!spec.gbench_filter.empty()) argv.push_back("--benchmark_filter=" + spec.gbench_filter);
    std::error_code ec;
    std::filesystem::create_directories(out.parent_path(), ec);
    auto proc = run_process({.argv = argv, .timeout_s = spec.timeout_s});
    auto text = read_file(out);
    std::filesystem::remove(out, ec);
    if (!proc || !proc->ok() || !text) {
      failure = !proc ? proc.error().message
                      : !proc->ok() ? fmt::format("repetition {}: {}", rep + 1, failure_message(*proc))
                                    : text.error().message;
      break;
    }
    auto parsed = parse_gbench_json(*text, spec.source.command.front());
    if (!parsed) {
      failure = parsed.error().message;
      break;
    }
    for (const GbenchBenchmark& g : *parsed) {
      const std::string name = spec.name + "/" + g.name;
      auto [it, fresh] = by_name.try_emplace(name, skeleton(spec));
      if (fresh) {
        it->second.name = name;
        it->second.source.gbench_name = g.name;
        order.push_back(name);
      }
      BenchmarkResult& b = it->second;
      if (!g.error.empty()) {
        b.status = "failed";
        b.error = g.error;
        continue;
      }
      double sum = 0;
      for (double v : g.real_ns) sum += v;
      b.repetitions.push_back(make_repetition(rep, g.real_ns, 0, *proc));
      all[name].insert(all[name].end(), g.real_ns.begin(), g.real_ns.end());
    }
  }
  std::vector<BenchmarkResult> out;
  if (!failure.empty() && order.empty()) {
    BenchmarkResult b = skeleton(spec);
    b.status = "failed";
    b.error = failure;
    out.push_back(std::move(b));
    return out;
  }
  for (const auto& name : order) {
    BenchmarkResult& b = by_name.at(name);
    if (!failure.empty()) {
      b.status = "failed";
      b.error = failure;
    }
    finish(b, all[name], 0);
    out.push_back(std::move(b));
  }
  return out;
}

bool selected_by_only(std::string_view name, const std::vector<std::string>& only) {
  if (only.empty()) return true;
  return std::ranges::any_of(only, [&](const std::string& o) {
    return name == o || (name.starts_with(o) && name.size() > o.size() && name[o.size()] == '/');
  });
}

}  // namespace

std::vector<double> bounded_sample(const std::vector<double>& samples, std::size_t limit) {
  if (samples.size() <= limit) return samples;
  std::vector<double> out;
  out.reserve(limit);
  const double step = static_cast<double>(samples.size()) / static_cast<double>(limit);
  for (std::size_t i = 0; i < limit; ++i) out.push_back(samples[static_cast<std::size_t>(static_cast<double>(i) * step)]);
  return out;
}

std::expected<std::vector<BenchmarkSpec>, Error> select_benchmarks(const SuiteConfig& suite,
                                                                   const RunnerOptions& options) {
  for (const auto& o : options.only)
    if (std::ranges::none_of(suite.benchmarks, [&](const auto& b) { return selected_by_only(b.name, {o}); }))
      return std::unexpected(Error::bad_input(fmt::format("--only: no benchmark named '{}' in {}", o, suite.origin)));
  if (options.shard_count == 0 || options.shard_index >= options.shard_count)
    return std::unexpected(Error::bad_input(
        fmt::format("--shard {}/{}: need 1 <= i <= n", options.shard_index + 1, options.shard_count)));
  std::vector<BenchmarkSpec> out;
  std::size_t i = 0;
  for (const auto& b : suite.benchmarks) {
    if (!selected_by_only(b.name, options.only)) continue;
    if (i++ % options.shard_count == options.shard_index) out.push_back(b);
  }
  return out;
}

std::expected<Results, Error> run_suite(const SuiteConfig& suite, const RunnerOptions& options) {
  auto selected = select_benchmarks(suite, options);
  if (!selected) return std::unexpected(selected.error());
  std::error_code ec;
  std::filesystem::create_directories(options.work_dir / ".scratch", ec);
  if (ec)
    return std::unexpected(Error::environment(
        fmt::format("cannot create '{}': {}", (options.work_dir / ".scratch").string(), ec.message())));

  Results results;
  results.run.started_at = utc_now_iso8601();
  results.run.commit = detect_commit();
  results.run.ref = detect_ref();
  results.run.perfgate_version = kVersion;
  results.run.build = {kBuildType, kCompiler, kBuildFlags};
  results.run.host = read_host_info();
  results.run.suite = suite.name;
  const auto start = std::chrono::steady_clock::now();
  std::size_t n = 0;
  for (const BenchmarkSpec& spec : *selected) {
    options.progress(fmt::format("[{}/{}] {}", ++n, selected->size(), spec.name));
    if (spec.source.kind == "workload") {
      results.benchmarks.push_back(run_workload(spec, options));
    } else if (spec.source.kind == "command") {
      results.benchmarks.push_back(run_command(spec, options));
    } else {
      for (auto& b : run_gbench(spec, options)) results.benchmarks.push_back(std::move(b));
    }
  }
  results.run.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::filesystem::remove_all(options.work_dir / ".scratch", ec);
  return results;
}

}  // namespace perfgate::gate
