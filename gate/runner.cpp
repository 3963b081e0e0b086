#include "gate/runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "gate/atomic_file.h"
#include "gate/gbench_json.h"
#include "gate/host_info.h"
#include "gate/hotspots.h"
#include "gate/machine_noise.h"
#include "gate/process.h"
#include "gate/version.h"
#include "gate/workload_run_json.h"

namespace perfgate::gate {
std::string safe_file_name(std::string_view name) {
  std::string out;
  for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return out;
}

namespace {

std::string last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  const auto nl = text.find_last_of('\n');
  return std::string(nl == std::string_view::npos ? text : text.substr(nl + 1));
}

std::string failure_message(const ProcessResult& p) {
  const std::string tail = last_line(p.stderr_tail);
  return tail.empty() ? p.describe() : fmt::format("{}: {}", p.describe(), tail);
}

Measurement measured(std::string name, unsigned rep, std::vector<double> samples, double measured_s,
                     const ProcessResult& p) {
  Measurement m;
  m.name = std::move(name);
  m.measured_s = measured_s;
  Repetition& r = m.repetition;
  r.index = rep;
  r.stats = summarize(samples, measured_s);
  r.samples = bounded_sample(samples, kMaxStoredSamples);
  r.samples_truncated = r.samples.size() != samples.size();
  r.slice_medians = slice_medians(samples);
  r.tail = tail_samples(samples, r.stats.p99);
  r.wall_s = p.wall_s;
  r.cpu_percent = p.wall_s > 0 ? 100.0 * (p.user_s + p.system_s) / p.wall_s : 0.0;
  r.peak_rss_bytes = p.peak_rss_bytes;
  r.exit_code = p.status_code();
  m.samples = std::move(samples);
  return m;
}

std::vector<Measurement> failure(const BenchmarkSpec& spec, unsigned rep, std::string what) {
  Measurement m;
  m.name = spec.name;
  m.error = fmt::format("repetition {}: {}", rep + 1, what);
  return {std::move(m)};
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

std::filesystem::path scratch(const RunnerOptions& o, const BenchmarkSpec& spec, unsigned rep, std::string_view ext) {
  // The pid keeps concurrent runs (A/B sides) apart.
  return o.work_dir / ".scratch" / fmt::format("{}-{}-{}{}", safe_file_name(spec.name), ::getpid(), rep, ext);
}

std::vector<Measurement> measure_workload(const BenchmarkSpec& spec, const RunnerOptions& o, unsigned rep) {
  const auto json_path = scratch(o, spec, rep, ".json");
  auto proc = run_process({.argv = workload_argv(o, spec.source, json_path), .timeout_s = spec.timeout_s});
  if (!proc) return failure(spec, rep, proc.error().message);
  // A broken invariant exits 3 but still writes its file: keep what it says.
  auto text = read_file(json_path);
  std::error_code ec;
  std::filesystem::remove(json_path, ec);
  auto run = text ? workload_run_from_json(*text) : std::unexpected(text.error());
  if (!proc->ok() || !run) {
    auto f = failure(spec, rep, !proc->ok() ? failure_message(*proc) : run.error().message);
    if (run) f.front().invariants = run->invariants;
    return f;
  }
  Measurement m = measured(spec.name, rep, std::vector<double>(run->latencies_ns.begin(), run->latencies_ns.end()),
                           run->measured_seconds, *proc);
  m.invariants = run->invariants;
  m.metrics = run->metrics;
  return {std::move(m)};
}

std::vector<Measurement> measure_command(const BenchmarkSpec& spec, const RunnerOptions& o, unsigned rep) {
  std::vector<double> samples;
  ProcessResult total;
  for (unsigned it = 0; it < spec.iterations; ++it) {
    auto proc = run_process({.argv = spec.source.command, .timeout_s = spec.timeout_s});
    if (!proc) return failure(spec, rep, proc.error().message);
    if (!proc->ok()) return failure(spec, rep, fmt::format("run {}: {}", it + 1, failure_message(*proc)));
    samples.push_back(proc->wall_s * 1e9);
    total.wall_s += proc->wall_s;
    total.user_s += proc->user_s;
    total.system_s += proc->system_s;
    total.peak_rss_bytes = std::max(total.peak_rss_bytes, proc->peak_rss_bytes);
  }
  (void)o;
  return {measured(spec.name, rep, std::move(samples), total.wall_s, total)};
}

std::vector<Measurement> measure_gbench(const BenchmarkSpec& spec, const RunnerOptions& o, unsigned rep) {
  const auto out = scratch(o, spec, rep, ".gbench.json");
  std::vector<std::string> argv = spec.source.command;
  argv.push_back("--benchmark_out=" + out.string());
  argv.push_back("--benchmark_out_format=json");
  argv.push_back(fmt::format("--benchmark_repetitions={}", spec.gbench_repetitions));
  if (!spec.gbench_filter.empty()) argv.push_back("--benchmark_filter=" + spec.gbench_filter);
  if (spec.gbench_min_time_s > 0) argv.push_back(fmt::format("--benchmark_min_time={}", spec.gbench_min_time_s));
  auto proc = run_process({.argv = argv, .timeout_s = spec.timeout_s});
  auto text = read_file(out);
  std::error_code ec;
  std::filesystem::remove(out, ec);
  if (!proc) return failure(spec, rep, proc.error().message);
  if (!proc->ok()) return failure(spec, rep, failure_message(*proc));
  if (!text) return failure(spec, rep, text.error().message);
  auto parsed = parse_gbench_json(*text, spec.source.command.front());
  if (!parsed) return failure(spec, rep, parsed.error().message);
  std::vector<Measurement> out_m;
  for (const GbenchBenchmark& g : parsed->benchmarks) {
    const std::string name = spec.name + "/" + g.name;
    if (!g.error.empty()) {
      Measurement m;
      m.name = name;
      m.error = fmt::format("repetition {}: {}", rep + 1, g.error);
      out_m.push_back(std::move(m));
      continue;
    }
    out_m.push_back(measured(name, rep, g.real_ns, 0, *proc));
  }
  return out_m;
}

bool selected_by_only(std::string_view name, const std::vector<std::string>& only) {
  if (only.empty()) return true;
  return std::ranges::any_of(only, [&](const std::string& o) {
    return name == o || (name.starts_with(o) && name.size() > o.size() && name[o.size()] == '/');
  });
}

}  // namespace

std::vector<Measurement> measure_once(const BenchmarkSpec& spec, const RunnerOptions& options, unsigned repetition) {
  if (spec.source.kind == "workload") return measure_workload(spec, options, repetition);
  if (spec.source.kind == "command") return measure_command(spec, options, repetition);
  return measure_gbench(spec, options, repetition);
}

bool ResultCollector::add(std::vector<Measurement> measurements) {
  for (Measurement& m : measurements) {
    auto it = std::ranges::find(entries_, m.name, [](const Entry& e) { return e.result.name; });
    if (it == entries_.end()) {
      Entry e;
      BenchmarkResult& b = e.result;
      b.name = m.name;
      b.description = spec_.description;
      b.category = spec_.category;
      b.source = spec_.source;
      if (spec_.source.kind == "gbench" && m.name.size() > spec_.name.size())
        b.source.gbench_name = m.name.substr(spec_.name.size() + 1);
      b.targets = spec_.targets;
      b.regression = spec_.regression;
      b.hotspots = spec_.hotspots;
      entries_.push_back(std::move(e));
      it = entries_.end() - 1;
    }
    BenchmarkResult& b = it->result;
    for (const auto& inv : m.invariants) {
      auto known = std::ranges::find(b.invariants, inv.name, &workloads::Invariant::name);
      if (known == b.invariants.end()) b.invariants.push_back(inv);
      else if (known->passed && !inv.passed) *known = inv;  // keep the first failure's detail
    }
    if (!m.error.empty()) {
      if (b.status == "ok") {
        b.status = "failed";
        b.error = m.error;
      }
      failed_ = true;
      continue;
    }
    b.repetitions.push_back(std::move(m.repetition));
    it->all_samples.insert(it->all_samples.end(), m.samples.begin(), m.samples.end());
    it->measured_s += m.measured_s;
    for (const auto& [k, v] : m.metrics) it->metric_sums[k] += v;
  }
  return !failed_;
}

std::vector<BenchmarkResult> ResultCollector::finish() {
  std::vector<BenchmarkResult> out;
  for (Entry& e : entries_) {
    BenchmarkResult& b = e.result;
    b.stats = summarize(e.all_samples, e.measured_s);
    double cpu = 0;
    for (const auto& r : b.repetitions) {
      cpu += r.cpu_percent;
      b.peak_rss_bytes = std::max(b.peak_rss_bytes, r.peak_rss_bytes);
    }
    if (!b.repetitions.empty()) {
      b.cpu_percent = cpu / static_cast<double>(b.repetitions.size());
      for (const auto& [k, v] : e.metric_sums) b.metrics[k] = v / static_cast<double>(b.repetitions.size());
    }
    out.push_back(std::move(b));
  }
  entries_.clear();
  return out;
}

namespace {

unsigned profile_hz(const BenchmarkSpec& spec, const RunnerOptions& o) {
  return o.hz > 0 ? o.hz : spec.profiling.sample_rate_hz;
}

// Runs `run` with the argv of one profiled (or counting) run of spec. A
// workload writes its samples like a measured one (so the profile shows the
// same process), to a scratch file that is then dropped; without --json it
// would print its summary on perfgate's stdout.
template <class Run>
auto with_profiled_argv(const BenchmarkSpec& spec, const RunnerOptions& o, Run run) {
  const auto json_path = scratch(o, spec, 0, "-profiled.json");
  const auto argv = spec.source.kind == "workload" ? workload_argv(o, spec.source, json_path) : spec.source.command;
  auto out = run(argv);
  std::error_code ec;
  std::filesystem::remove(json_path, ec);
  return out;
}

// One benchmark's profiled runs: the first, then more merged into it while
// fewer than profiling.duration seconds were sampled (at most
// kMaxProfiledRuns, and none after a run that failed or exited uncleanly).
class ProfiledRuns {
 public:
  ProfiledRuns(BenchmarkResult& b, const BenchmarkSpec& spec, const RunnerOptions& o) : b_(b), spec_(spec), o_(o) {
    asked_ = (o.profile || spec.profiling.enabled) && b.status == "ok" && spec.source.kind != "gbench";
    if (asked_ && !o.profile_repetition) {
      b.profile = ProfileRef{"missing", "", "no profiler in this build"};
      asked_ = false;
    }
  }

  bool wants_more() const {
    if (!asked_) return false;
    if (runs_ == 0) return true;
    return ok_ && runs_ < kMaxProfiledRuns && sampled_s_ < spec_.profiling.duration_s;
  }

  void record() {
    const unsigned hz = profile_hz(spec_, o_);
    const std::filesystem::path rel = std::filesystem::path("profiles") / (safe_file_name(b_.name) + ".json");
    if (runs_ == 0)
      o_.progress(fmt::format("  {}: profiled repetition at {} Hz", b_.name, hz));
    else
      o_.progress(fmt::format("  {}: profiled run {} ({:.2f} of {:g} s sampled)", b_.name, runs_ + 1, sampled_s_,
                              spec_.profiling.duration_s));
    ProfiledRun run = with_profiled_argv(spec_, o_, [&](const std::vector<std::string>& argv) {
      return o_.profile_repetition(argv, o_.work_dir / rel, hz, runs_ > 0);
    });
    ++runs_;
    ok_ = run.ref.status == "ok" && run.ref.reason.empty();
    sampled_s_ = run.sampled_s;
    if (run.ref.status == "ok") run.ref.path = rel.string();
    b_.profile = std::move(run.ref);
  }

 private:
  BenchmarkResult& b_;
  const BenchmarkSpec& spec_;
  const RunnerOptions& o_;
  bool asked_ = false;
  bool ok_ = true;
  unsigned runs_ = 0;
  double sampled_s_ = 0;
};

}  // namespace

void record_profile_if_asked(BenchmarkResult& b, const BenchmarkSpec& spec, const RunnerOptions& o) {
  ProfiledRuns runs(b, spec, o);
  while (runs.wants_more()) runs.record();
}

void record_profiles_alternately(BenchmarkResult& base, const BenchmarkSpec& base_spec,
                                 const RunnerOptions& base_options, BenchmarkResult& head,
                                 const BenchmarkSpec& head_spec, const RunnerOptions& head_options) {
  ProfiledRuns b(base, base_spec, base_options), h(head, head_spec, head_options);
  for (unsigned round = 0; b.wants_more() || h.wants_more(); ++round) {
    ProfiledRuns& first = round % 2 == 0 ? b : h;
    ProfiledRuns& second = round % 2 == 0 ? h : b;
    if (first.wants_more()) first.record();
    if (second.wants_more()) second.record();
  }
}

std::vector<std::pair<std::string, std::string>> functions_to_count(const BenchmarkResult& b, const RunnerOptions& o) {
  if (o.count_runs == 0 || !o.count_calls) return {};
  // A profiled run that failed is not counted again.
  if (!b.profile || b.profile->status != "ok" || !b.profile->reason.empty()) return {};
  auto profile = load_profile(b.profile, o.work_dir);
  if (!profile || profile->mode() != profiler::Mode::cpu) return {};
  return countable_hot_functions(*profile);
}

bool count_calls_once(const BenchmarkResult& b, const BenchmarkSpec& spec, const RunnerOptions& o,
                      const std::vector<std::pair<std::string, std::string>>& functions) {
  if (functions.empty() || !o.count_calls || !b.profile || b.profile->status != "ok") return false;
  o.progress(fmt::format("  {}: counting the calls of {} functions", b.name, functions.size()));
  const std::string error = with_profiled_argv(spec, o, [&](const std::vector<std::string>& argv) {
    return o.count_calls(argv, o.work_dir / b.profile->path, profile_hz(spec, o), functions);
  });
  return error.empty();  // the hook says why not
}

void profile_if_asked(BenchmarkResult& b, const BenchmarkSpec& spec, const RunnerOptions& o) {
  record_profile_if_asked(b, spec, o);
  const auto functions = functions_to_count(b, o);
  for (unsigned run = 0; run < o.count_runs && !functions.empty(); ++run)
    if (!count_calls_once(b, spec, o, functions)) break;
}

RunMetadata start_metadata(std::string suite_name) {
  RunMetadata m;
  m.started_at = utc_now_iso8601();
  m.commit = detect_commit();
  m.ref = detect_ref();
  m.perfgate_version = kVersion;
  m.build = {kBuildType, kCompiler, kBuildFlags};
  m.host = read_host_info();
  m.suite = std::move(suite_name);
  return m;
}

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

namespace {

unsigned configured_repetitions(const BenchmarkSpec& spec, const RunnerOptions& o) {
  return o.repetitions > 0 ? o.repetitions : spec.repetitions;
}

// Each benchmark's repetitions back to back, with adaptive extra ones.
void run_in_order(const std::vector<BenchmarkSpec>& specs, const RunnerOptions& options, Results& results) {
  std::size_t n = 0;
  for (const BenchmarkSpec& spec : specs) {
    options.progress(fmt::format("[{}/{}] {}", ++n, specs.size(), spec.name));
    ResultCollector collector(spec);
    unsigned reps = configured_repetitions(spec, options);
    for (unsigned rep = 0; rep < reps; ++rep) {
      if (!collector.add(measure_once(spec, options, rep))) break;
      options.progress(fmt::format("  {} {}/{}", spec.name, rep + 1, reps));
      if (rep + 1 == reps && reps < options.max_repetitions && options.wants_more) {
        // finish() consumes a collector: decide on a copy.
        if (options.wants_more(ResultCollector(collector).finish())) {
          reps = std::min(options.max_repetitions, reps + 2);
          options.progress(fmt::format("  {}: inconclusive after {} repetitions, measuring more", spec.name, rep + 1));
        }
      }
    }
    for (BenchmarkResult& b : collector.finish()) {
      profile_if_asked(b, spec, options);
      results.benchmarks.push_back(std::move(b));
    }
  }
}

// Round-robin (RunnerOptions::interleave): repetition r of every benchmark
// before repetition r + 1 of any. Round r starts at benchmark r mod n, so no
// benchmark always runs first (after a pause) or right after the same one.
void run_interleaved(const std::vector<BenchmarkSpec>& specs, const RunnerOptions& options, Results& results) {
  std::vector<ResultCollector> collectors;
  std::vector<bool> stopped(specs.size(), false);
  unsigned most = 0;
  for (const BenchmarkSpec& spec : specs) {
    collectors.emplace_back(spec);
    most = std::max(most, configured_repetitions(spec, options));
  }
  for (unsigned rep = 0; rep < most; ++rep) {
    options.progress(fmt::format("round {}/{}", rep + 1, most));
    for (std::size_t k = 0; k < specs.size(); ++k) {
      const std::size_t i = (k + rep) % specs.size();
      if (stopped[i] || rep >= configured_repetitions(specs[i], options)) continue;
      stopped[i] = !collectors[i].add(measure_once(specs[i], options, rep));
    }
  }
  for (std::size_t i = 0; i < specs.size(); ++i)
    for (BenchmarkResult& b : collectors[i].finish()) {
      profile_if_asked(b, specs[i], options);
      results.benchmarks.push_back(std::move(b));
    }
}

}  // namespace

std::expected<Results, Error> run_suite(const SuiteConfig& suite, const RunnerOptions& options) {
  auto selected = select_benchmarks(suite, options);
  if (!selected) return std::unexpected(selected.error());
  auto scratch_dir = ScratchDirectory::create(options.work_dir / ".scratch");
  if (!scratch_dir) return std::unexpected(scratch_dir.error());

  Results results;
  results.run = start_metadata(suite.name);
  const auto start = std::chrono::steady_clock::now();
  if (options.interleave) run_interleaved(*selected, options, results);
  else run_in_order(*selected, options, results);
  results.run.duration_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return results;
}

}  // namespace perfgate::gate
