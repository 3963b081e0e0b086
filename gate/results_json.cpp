#include "gate/results_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "gate/json_reader.h"
#include "gate/machine_noise.h"
#include "gate/timestamp.h"

namespace perfgate::gate {

std::string_view to_string(Method m) {
  switch (m) {
    case Method::t: return "t";
    case Method::permutation: return "permutation";
    case Method::rank: return "rank";
    case Method::trimmed: return "trimmed";
  }
  return "?";
}

std::optional<Method> parse_method(std::string_view name) {
  for (Method m : kMethods)
    if (to_string(m) == name) return m;
  return std::nullopt;
}

using nlohmann::json;
// Output keeps fields in the documented order (schema first) for people reading it.
using ojson = nlohmann::ordered_json;

namespace {

ojson summary_json(const Summary& s) {
  return {{"count", s.count}, {"mean", s.mean}, {"stddev", s.stddev}, {"min", s.min},
          {"p50", s.p50},     {"p90", s.p90},   {"p95", s.p95},       {"p99", s.p99},
          {"p999", s.p999},   {"max", s.max},   {"throughput_per_s", s.throughput_per_s}};
}

ojson source_json(const BenchmarkSource& s) {
  ojson j = {{"kind", s.kind}};
  if (s.kind == "workload") {
    j["workload"] = s.workload;
    j["variant"] = s.variant;
    j["slowdown_percent"] = s.slowdown_percent;
    j["ops"] = s.ops;
    j["size"] = s.size;
    j["seed"] = s.seed;
  } else {
    j["command"] = s.command;
    if (s.kind == "gbench") j["gbench_name"] = s.gbench_name;
    if (s.kind == "gbench" && !s.imported_from.empty()) j["imported_from"] = s.imported_from;
  }
  return j;
}

// In front of JsonDomBuilder when the samples are skipped: every
// benchmarks[b].repetitions[r].samples array reaches the DOM empty, and is
// counted here instead — the samples are most of a large file, and building
// them into the DOM would be most of the time spent reading it. Forwards
// everything else as it comes.
class SampleCounter {
 public:
  // What one skipped samples array held.
  struct Tally {
    std::size_t count = 0;                 // its elements
    std::optional<std::size_t> first_bad;  // the first that is not a number >= 0
  };

  explicit SampleCounter(JsonDomBuilder& dom) : dom_(dom) {}

  // The tally of benchmarks[b].repetitions[r].samples, if it was an array.
  const Tally* tally(std::size_t b, std::size_t r) const {
    return b < tallies_.size() && r < tallies_[b].size() && tallies_[b][r] ? &*tallies_[b][r]
                                                                           : nullptr;
  }

  bool null() { return value(false) || dom_.null(); }
  bool boolean(bool v) { return value(false) || dom_.boolean(v); }
  bool number_integer(std::int64_t v) { return value(v >= 0) || dom_.number_integer(v); }
  bool number_unsigned(std::uint64_t v) { return value(true) || dom_.number_unsigned(v); }
  bool number_float(double v, const std::string& s) {
    return value(v >= 0) || dom_.number_float(v, s);
  }
  bool string(std::string& v) { return value(false) || dom_.string(v); }
  bool binary(json::binary_t& v) { return value(false) || dom_.binary(v); }
  bool start_object(std::size_t n) {
    if (open_container()) return true;
    samples_next_ = false;
    if (depth_ == 2 && key_is(1, "benchmarks")) tallies_.emplace_back();
    if (depth_ == 4 && key_is(1, "benchmarks") && key_is(3, "repetitions"))
      tallies_.back().emplace_back();
    enter();
    return dom_.start_object(n);
  }
  bool key(std::string& k) {
    if (nested_ > 0) return true;  // in a container inside samples: skipped whole
    if (depth_ < kKeyDepths) keys_[depth_] = k;
    samples_next_ =
        depth_ == 5 && k == "samples" && key_is(1, "benchmarks") && key_is(3, "repetitions");
    return dom_.key(k);
  }
  bool end_object() {
    if (close_container()) return true;
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t n) {
    if (open_container()) return true;
    if (samples_next_) {
      samples_next_ = false;
      nested_ = 0;
      tally_ = {};
      return dom_.start_array(n);
    }
    enter();
    return dom_.start_array(n);
  }
  bool end_array() {
    if (close_container()) return true;
    if (nested_ == 0) {  // the end of a samples array
      nested_ = -1;
      tallies_.back().back() = tally_;
      return dom_.end_array();
    }
    --depth_;
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& e) {
    return dom_.parse_error(position, last_token, e);
  }

 private:
  // Depths whose last key is kept: the root object is 1, benchmarks[b] 3,
  // benchmarks[b].repetitions[r] 5.
  static constexpr int kKeyDepths = 6;

  bool key_is(int depth, std::string_view key) const { return keys_[depth] == key; }
  // A container opens: its depth has no key yet (an array never has one).
  void enter() {
    if (++depth_ < kKeyDepths) keys_[depth_].clear();
  }
  // A scalar: true when it was a sample (counted, not forwarded).
  bool value(bool nonneg_number) {
    samples_next_ = false;
    if (nested_ < 0) return false;
    if (nested_ == 0) count(nonneg_number);
    return true;
  }
  void count(bool nonneg_number) {
    if (!nonneg_number && !tally_.first_bad) tally_.first_bad = tally_.count;
    ++tally_.count;
  }
  // An array or object: true when it is inside a samples array (skipped whole).
  bool open_container() {
    if (nested_ < 0) return false;
    if (nested_ == 0) count(false);
    ++nested_;
    return true;
  }
  bool close_container() {
    if (nested_ <= 0) return false;
    --nested_;
    return true;
  }

  JsonDomBuilder& dom_;
  int depth_ = 0;                 // open arrays and objects outside samples
  std::string keys_[kKeyDepths];  // the last key read at each depth
  bool samples_next_ = false;     // the key just read was a repetition's "samples"
  int nested_ = -1;               // -1: not in samples; else containers open inside them
  Tally tally_;                   // of the samples array being read
  std::vector<std::vector<std::optional<Tally>>> tallies_;  // [benchmark][repetition]
};

Summary read_summary(const JsonReader& r) {
  r.only({"count", "mean", "stddev", "min", "p50", "p90", "p95", "p99", "p999", "max",
          "throughput_per_s"});
  Summary s;
  s.count = r.count("count");
  s.mean = r.nonneg("mean");
  s.stddev = r.nonneg("stddev");
  s.min = r.nonneg("min");
  s.p50 = r.nonneg("p50");
  s.p90 = r.nonneg("p90");
  s.p95 = r.nonneg("p95");
  s.p99 = r.nonneg("p99");
  s.p999 = r.nonneg("p999");
  s.max = r.nonneg("max");
  s.throughput_per_s = r.nonneg("throughput_per_s");
  if (!(s.min <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.p95 && s.p95 <= s.p99 && s.p99 <= s.p999 &&
        s.p999 <= s.max))
    r.fail("quantiles must be ordered min <= p50 <= p90 <= p95 <= p99 <= p999 <= max");
  return s;
}

BenchmarkSource read_source(const JsonReader& r) {
  BenchmarkSource s;
  s.kind = r.one_of("kind", {"workload", "command", "gbench"});
  if (s.kind == "workload") {
    r.only({"kind", "workload", "variant", "slowdown_percent", "ops", "size", "seed"});
    s.workload = r.str("workload");
    s.variant = r.str("variant");
    s.slowdown_percent = r.number_in("slowdown_percent", 0, 1000);
    s.ops = r.count("ops");
    s.size = r.one_of("size", {"ci", "nightly"});
    s.seed = r.count("seed");
  } else {
    if (s.kind == "command") r.only({"kind", "command"});
    if (s.kind == "gbench") r.only({"kind", "command", "gbench_name", "imported_from"});
    r.each("command", [&](const JsonReader& c) {
      if (!c.value().is_string()) c.fail("must be a string" + JsonReader::got(c.value()));
      s.command.push_back(c.value().get<std::string>());
    });
    if (s.command.empty()) r.fail_at("command", "must name the program to run, got []");
    if (s.kind == "gbench") {
      s.gbench_name = r.str("gbench_name");
      s.imported_from = r.str_or("imported_from", "");
      if (r.has("imported_from") && s.imported_from.empty())
        r.fail_at("imported_from", "must name the file, got \"\"");
    }
  }
  return s;
}

// The array r[key] of finite numbers >= 0.
std::vector<double> nonneg_numbers(const JsonReader& r, std::string_view key) {
  std::vector<double> out;
  r.each(key, [&](const JsonReader& s) {
    const json& v = s.value();
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
      s.fail("must be a finite number >= 0" + JsonReader::got(v));
    out.push_back(v.get<double>());
  });
  return out;
}

// benchmarks[index]; its samples are read into the repetitions, or, with a
// counter, were counted while parsing.
BenchmarkResult read_benchmark(const JsonReader& r, std::size_t index,
                               const SampleCounter* counted) {
  r.only({"name", "description", "category", "unit", "source", "status", "error", "repetitions",
          "stats", "cpu_percent", "peak_rss_bytes", "invariants", "metrics", "targets",
          "regression", "hotspots", "profile"});
  BenchmarkResult b;
  b.name = r.str("name");
  if (b.name.empty()) r.fail("name must not be empty");
  if (has_control_character(b.name))
    r.fail(fmt::format("name {} holds a control character", json(b.name).dump()));
  b.description = r.str("description");
  b.category = r.str("category");
  // Times of another unit were read as ns: the schema allows ns only.
  b.unit = r.one_of("unit", {"ns"});
  b.source = read_source(r.child("source"));
  b.status = r.one_of("status", {"ok", "failed"});
  // What happened is the report's reason; without it a failure says nothing.
  b.error = b.status == "failed" ? r.str("error") : r.str_or("error", "");
  std::vector<std::size_t> stored;  // samples each repetition holds
  r.each("repetitions", [&](const JsonReader& rr) {
    rr.only({"index", "stats", "samples", "samples_truncated", "slice_medians", "tail", "wall_s",
             "cpu_percent", "peak_rss_bytes", "exit_code"});
    Repetition rep;
    rep.index = rr.count("index");
    rep.stats = read_summary(rr.child("stats"));
    rep.samples_truncated = rr.boolean("samples_truncated");
    const json& kept = rr.at("samples");
    if (!kept.is_array()) rr.fail_at("samples", "must be an array" + JsonReader::got(kept));
    std::size_t n = kept.size();
    if (!counted) {
      if (n <= kMaxStoredSamples) rep.samples = nonneg_numbers(rr, "samples");
    } else if (const SampleCounter::Tally* tally = counted->tally(index, stored.size())) {
      // (The counter saw every samples array at this path.)
      n = tally->count;
      if (tally->first_bad)
        rr.fail_at(fmt::format("samples[{}]", *tally->first_bad), "must be a finite number >= 0");
    }
    if (n > kMaxStoredSamples)
      rr.fail_at("samples", fmt::format("holds {} samples, more than the {} a repetition stores", n,
                                        kMaxStoredSamples));
    if (n > rep.stats.count) rr.fail("holds more samples than stats.count says were measured");
    if (!rep.samples_truncated && n != rep.stats.count)
      rr.fail("samples_truncated is false but samples and stats.count differ");
    stored.push_back(n);
    if (rr.has("slice_medians")) {  // optional: files written before it existed
      rep.slice_medians = nonneg_numbers(rr, "slice_medians");
      if (!rep.slice_medians.empty() && rep.slice_medians.size() != kSlices)
        rr.fail(fmt::format("slice_medians must hold {} medians or none", kSlices));
    }
    if (rr.has("tail")) {  // optional: files written before it existed
      const json& t = rr.at("tail");
      if (!t.is_array() || t.size() > kMaxTailSamples)
        rr.fail(fmt::format("tail must be an array of at most {} [index, ns] pairs", kMaxTailSamples));
      for (const json& e : t) {
        const auto at = e.is_array() && e.size() == 2 ? as_count(e[0]) : std::nullopt;
        if (!at || *at >= rep.stats.count || !e[1].is_number() || e[1].get<double>() < 0)
          rr.fail("tail entries must be [index < stats.count, ns >= 0]");
        rep.tail.emplace_back(*at, e[1].get<double>());
      }
    }
    rep.wall_s = rr.nonneg("wall_s");
    rep.cpu_percent = rr.nonneg("cpu_percent");
    rep.peak_rss_bytes = rr.count("peak_rss_bytes");
    const json& ec = rr.at("exit_code");
    const auto exit_code = as_integer(ec);
    if (!exit_code || *exit_code < std::numeric_limits<int>::min() ||
        *exit_code > std::numeric_limits<int>::max())
      rr.fail_at("exit_code", "must be an integer (-N: killed by signal N)" + JsonReader::got(ec));
    rep.exit_code = static_cast<int>(*exit_code);
    b.repetitions.push_back(std::move(rep));
  });
  if (b.status == "ok") {
    if (b.repetitions.empty()) r.fail("status is ok but there are no repetitions");
    // What was measured, as the file keeps it: a repetition that kept none
    // of its samples is no measurement to compare or save.
    for (std::size_t i = 0; i < stored.size(); ++i)
      if (stored[i] == 0)
        r.fail(fmt::format("status is ok but repetitions[{}] stores no samples", i));
  }
  b.stats = read_summary(r.child("stats"));
  b.cpu_percent = r.nonneg("cpu_percent");
  b.peak_rss_bytes = r.count("peak_rss_bytes");
  r.each("invariants", [&](const JsonReader& i) {
    i.only({"name", "passed", "detail"});
    b.invariants.push_back({i.str("name"), i.boolean("passed"), i.str("detail")});
  });
  const JsonReader metrics = r.child("metrics");
  for (const auto& [k, v] : metrics.value().items()) b.metrics[k] = metrics.number(k);
  r.each("targets", [&](const JsonReader& t) {
    t.only({"metric", "target", "acceptable_range"});
    Target target{t.str("metric"), t.number("target"), std::nullopt};
    if (!is_metric_name(target.metric))
      t.fail_at("metric", "must be snake_case ([a-z][a-z0-9_]*)" + JsonReader::got(t.at("metric")));
    if (t.has("acceptable_range")) {
      const json& ar = t.at("acceptable_range");
      if (!ar.is_array() || ar.size() != 2 || !ar[0].is_number() || !ar[1].is_number() ||
          ar[0].get<double>() > ar[1].get<double>())
        t.fail("acceptable_range must be [low, high] with low <= high");
      target.acceptable_range = std::pair{ar[0].get<double>(), ar[1].get<double>()};
    }
    b.targets.push_back(std::move(target));
  });
  const JsonReader reg = r.child("regression");
  reg.only({"enabled", "threshold_percent", "min_iterations", "method"});
  // perfgate.yml's range: a threshold of 0 made every benchmark inconclusive.
  b.regression = {reg.boolean("enabled"), reg.number_in("threshold_percent", 0.1, 1000),
                  static_cast<unsigned>(
                      reg.count_in("min_iterations", 2, std::numeric_limits<unsigned>::max())),
                  Method::t};
  if (reg.has("method")) {  // optional: files written before it existed compared by t
    const auto m = parse_method(reg.str("method"));
    if (!m) reg.fail("method must be \"t\", \"permutation\", \"rank\" or \"trimmed\"");
    b.regression.method = *m;
  }
  if (r.has("hotspots")) {
    const JsonReader h = r.child("hotspots");
    h.only({"top", "functions"});
    b.hotspots.top =
        static_cast<unsigned>(h.count_in("top", 1, std::numeric_limits<unsigned>::max()));
    h.each("functions", [&](const JsonReader& f) {
      f.only({"pattern", "complexity", "max_speedup"});
      ComplexityRule rule{.pattern = f.str("pattern"), .complexity = std::nullopt, .max_speedup = std::nullopt};
      if (rule.pattern.empty()) f.fail_at("pattern", "must not be empty");
      if (f.has("complexity")) {
        rule.complexity = f.number("complexity");
        if (!(*rule.complexity > 0))
          f.fail_at("complexity", "must be a number > 0" + JsonReader::got(f.at("complexity")));
      }
      if (f.has("max_speedup")) {
        rule.max_speedup = f.number("max_speedup");
        if (!(*rule.max_speedup >= 1))
          f.fail_at("max_speedup", "must be a number >= 1" + JsonReader::got(f.at("max_speedup")));
      }
      b.hotspots.functions.push_back(std::move(rule));
    });
  }
  if (!r.at("profile").is_null()) {
    const JsonReader p = r.child("profile");
    p.only({"status", "path", "reason"});
    b.profile =
        ProfileRef{p.one_of("status", {"ok", "missing", "failed"}), p.str("path"), p.str("reason")};
    // Relative to the results file and inside its directory: `baseline save`
    // copies it, reports read it.
    const std::filesystem::path path(b.profile->path);
    if (path.is_absolute() || std::ranges::any_of(path, [](const auto& part) { return part == ".."; }))
      p.fail(fmt::format("path '{}' must be relative to the results file, inside its directory", b.profile->path));
  }
  return b;
}

// Whole numbers (clock readings in ns) as integers: a third of the bytes of
// "10234.0", and faster to write and parse. Other values stay doubles.
ojson ns_json(double v) {
  if (v == std::floor(v) && std::abs(v) < 9e15) return static_cast<std::int64_t>(v);
  return v;
}

ojson samples_json(const std::vector<double>& samples) {
  ojson a = ojson::array();
  a.get_ref<ojson::array_t&>().reserve(samples.size());
  for (double v : samples) a.push_back(ns_json(v));
  return a;
}

ojson tail_json(const std::vector<std::pair<std::uint64_t, double>>& tail) {
  ojson a = ojson::array();
  for (const auto& [i, v] : tail) a.push_back(ojson::array({i, ns_json(v)}));
  return a;
}

ojson hotspots_json(const HotspotSettings& h) {
  ojson functions = ojson::array();
  for (const auto& rule : h.functions) {
    ojson f = {{"pattern", rule.pattern}};
    if (rule.complexity) f["complexity"] = *rule.complexity;
    if (rule.max_speedup) f["max_speedup"] = *rule.max_speedup;
    functions.push_back(std::move(f));
  }
  return {{"top", h.top}, {"functions", std::move(functions)}};
}

}  // namespace

std::string results_to_json(const Results& results) {
  const RunMetadata& m = results.run;
  ojson benchmarks = ojson::array();
  for (const BenchmarkResult& b : results.benchmarks) {
    ojson reps = ojson::array();
    for (const Repetition& r : b.repetitions)
      reps.push_back({{"index", r.index},
                      {"stats", summary_json(r.stats)},
                      {"samples", samples_json(r.samples)},
                      {"samples_truncated", r.samples_truncated},
                      {"slice_medians", samples_json(r.slice_medians)},
                      {"tail", tail_json(r.tail)},
                      {"wall_s", r.wall_s},
                      {"cpu_percent", r.cpu_percent},
                      {"peak_rss_bytes", r.peak_rss_bytes},
                      {"exit_code", r.exit_code}});
    ojson invariants = ojson::array();
    for (const auto& i : b.invariants)
      invariants.push_back({{"name", i.name}, {"passed", i.passed}, {"detail", i.detail}});
    ojson targets = ojson::array();
    for (const auto& t : b.targets) {
      ojson jt = {{"metric", t.metric}, {"target", t.target}};
      if (t.acceptable_range) jt["acceptable_range"] = {t.acceptable_range->first, t.acceptable_range->second};
      targets.push_back(std::move(jt));
    }
    ojson jb = {{"name", b.name},
               {"description", b.description},
               {"category", b.category},
               {"unit", b.unit},
               {"source", source_json(b.source)},
               {"status", b.status},
               {"repetitions", std::move(reps)},
               {"stats", summary_json(b.stats)},
               {"cpu_percent", b.cpu_percent},
               {"peak_rss_bytes", b.peak_rss_bytes},
               {"invariants", std::move(invariants)},
               {"metrics", b.metrics},
               {"targets", std::move(targets)},
               {"regression",
                {{"enabled", b.regression.enabled},
                 {"threshold_percent", b.regression.threshold_percent},
                 {"min_iterations", b.regression.min_iterations},
                 {"method", to_string(b.regression.method)}}},
               {"hotspots", hotspots_json(b.hotspots)},
               {"profile", nullptr}};
    if (b.status == "failed" || !b.error.empty()) jb["error"] = b.error;
    if (b.profile)
      jb["profile"] = {{"status", b.profile->status}, {"path", b.profile->path}, {"reason", b.profile->reason}};
    benchmarks.push_back(std::move(jb));
  }
  ojson j = {
      {"schema", kResultsSchema},
      {"run",
       {{"commit", m.commit},
        {"ref", m.ref},
        {"started_at", m.started_at},
        {"duration_s", m.duration_s},
        {"perfgate_version", m.perfgate_version},
        {"suite", m.suite},
        {"build", {{"type", m.build.type}, {"compiler", m.build.compiler}, {"flags", m.build.flags}}},
        {"host",
         {{"hostname", m.host.hostname},
          {"kernel", m.host.kernel},
          {"cpu_model", m.host.cpu_model},
          {"cores", m.host.cores},
          {"governor", m.host.governor},
          {"load_avg", {m.host.load_avg_1m, m.host.load_avg_5m, m.host.load_avg_15m}},
          {"memory_bytes", m.host.memory_bytes}}}}},
      {"benchmarks", std::move(benchmarks)},
  };
  // Text that is not UTF-8 (a machine's hostname, an environment value) is
  // written with U+FFFD rather than losing the run.
  return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::expected<Results, Error> results_from_json(std::string_view text, std::string_view origin,
                                               SampleReading samples) {
  json j;
  JsonDomBuilder dom(j);
  SampleCounter counter(dom);
  const bool parsed = samples == SampleReading::read ? json::sax_parse(text, &dom)
                                                     : json::sax_parse(text, &counter);
  if (!parsed) {
    return std::unexpected(Error::bad_input(fmt::format("{}: {}", origin, dom.error().describe())));
  }
  try {
    if (!j.is_object()) throw JsonFieldError{fmt::format("{}: must be a JSON object", origin)};
    const JsonReader root(j, origin);
    const std::string schema = root.str("schema");
    if (schema != kResultsSchema)
      root.fail(fmt::format("schema is '{}', expected '{}'", schema, kResultsSchema));
    // After the version: another version's fields are no typo.
    root.only({"schema", "run", "benchmarks"});
    Results res;
    const JsonReader run = root.child("run");
    run.only({"commit", "ref", "started_at", "duration_s", "perfgate_version", "suite", "build",
              "host"});
    res.run.commit = run.str("commit");
    res.run.ref = run.str("ref");
    // Both are printed as they are (`baseline show`, reports, history lines):
    // a line break would start a line of its own, under Actions a command.
    for (const auto& [key, value] :
         {std::pair{"commit", &res.run.commit}, std::pair{"ref", &res.run.ref}})
      if (const auto why = unprintable(*value)) run.fail_at(key, "holds " + *why);
    res.run.started_at = run.str("started_at");
    // The schema's pattern (UTC, to the second), and a day on the calendar.
    const std::string& started = res.run.started_at;
    if (!has_utc_second_shape(started))
      run.fail_at("started_at", "must be a UTC time such as 2026-11-22T07:05:00Z" +
                                    JsonReader::got(run.at("started_at")));
    if (const auto when = parse_timestamp(started); !when)
      run.fail_at("started_at", fmt::format("'{}' {}", started, when.error()));
    res.run.duration_s = run.nonneg("duration_s");
    res.run.perfgate_version = run.str("perfgate_version");
    res.run.suite = run.str("suite");
    const JsonReader build = run.child("build");
    build.only({"type", "compiler", "flags"});
    res.run.build = {build.str("type"), build.str("compiler"), build.str("flags")};
    const JsonReader host = run.child("host");
    host.only({"hostname", "kernel", "cpu_model", "cores", "governor", "load_avg", "memory_bytes"});
    res.run.host.hostname = host.str("hostname");
    res.run.host.kernel = host.str("kernel");
    res.run.host.cpu_model = host.str("cpu_model");
    res.run.host.cores =
        static_cast<unsigned>(host.count_in("cores", 0, std::numeric_limits<unsigned>::max()));
    res.run.host.governor = host.str("governor");
    const std::vector<double> load = nonneg_numbers(host, "load_avg");
    if (load.size() != 3)
      host.fail_at("load_avg", fmt::format("must be [1m, 5m, 15m], got {} numbers", load.size()));
    res.run.host.load_avg_1m = load[0];
    res.run.host.load_avg_5m = load[1];
    res.run.host.load_avg_15m = load[2];
    res.run.host.memory_bytes = host.count("memory_bytes");
    root.each("benchmarks", [&](const JsonReader& b) {
      res.benchmarks.push_back(read_benchmark(b, res.benchmarks.size(),
                                              samples == SampleReading::read ? nullptr : &counter));
      const std::string& name = res.benchmarks.back().name;
      if (std::ranges::count(res.benchmarks, name, &BenchmarkResult::name) > 1)
        b.fail(fmt::format("benchmark '{}' appears twice", name));
    });
    return res;
  } catch (const JsonFieldError& e) {
    return std::unexpected(Error::bad_input(e.message));
  } catch (const json::exception& e) {
    return std::unexpected(
        Error::bad_input(fmt::format("{}: {}", origin, json_error_text(e.what()))));
  }
}

}  // namespace perfgate::gate
