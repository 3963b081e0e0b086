#include "gate/suite_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
#include <set>
#include <span>

#include "gate/process.h"
#include "gate/targets.h"
#include "workloads/registry.h"

namespace perfgate::gate {
namespace {

// A workload's regression settings before the config's: what its tail is
// made of decides how repetitions are best compared.
RegressionSettings regression_for(const workloads::Workload& w) {
  RegressionSettings r;
  if (w.info().fixed_work_tail) r.method = Method::permutation;
  return r;
}

// Thrown inside the parser only; parse_suite_config turns it into one Error.
struct ConfigError {
  std::string message;
};

class Parser {
 public:
  explicit Parser(std::string_view origin) : origin_(origin) {}

  [[noreturn]] void fail(const YAML::Node& at, std::string_view what) const {
    const YAML::Mark m = at.Mark();
    if (m.is_null()) throw ConfigError{fmt::format("{}: {}", origin_, what)};
    throw ConfigError{fmt::format("{}:{}: {}", origin_, m.line + 1, what)};
  }

  // Every key of `map` must be one of `known`; `where` names the mapping.
  void only_keys(const YAML::Node& map, std::string_view where,
                 std::initializer_list<std::string_view> known) const {
    only_keys(map, where, std::span<const std::string_view>(known.begin(), known.size()));
  }
  void only_keys(const YAML::Node& map, std::string_view where,
                 std::span<const std::string_view> known) const {
    if (!map.IsMap()) fail(map, fmt::format("{} must be a mapping", where));
    std::set<std::string> seen;
    for (const auto& kv : map) {
      const std::string key = kv.first.as<std::string>();
      if (std::ranges::find(known, key) == known.end())
        fail(kv.first, fmt::format("unknown key '{}' in {} (known: {})", excerpt(key), where,
                                   fmt::join(known, ", ")));
      // YAML forbids it; yaml-cpp keeps both and a lookup finds one of them.
      if (!seen.insert(key).second)
        fail(kv.first, fmt::format("key '{}' appears twice in {}", excerpt(key), where));
    }
  }

  std::string str(const YAML::Node& n, std::string_view key) const {
    if (!n.IsScalar()) fail(n, fmt::format("'{}' must be a string", key));
    return n.as<std::string>();
  }
  bool boolean(const YAML::Node& n, std::string_view key) const {
    bool v = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v))
      fail(n, fmt::format("'{}' must be true or false, got '{}'", key, scalar_text(n)));
    return v;
  }
  double number(const YAML::Node& n, std::string_view key, double lo, double hi) const {
    double v = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !std::isfinite(v))
      fail(n, fmt::format("'{}' must be a number, got '{}'", key, scalar_text(n)));
    if (v < lo || v > hi) fail(n, fmt::format("'{}' must be between {} and {}, got {}", key, lo, hi, v));
    return v;
  }
  unsigned whole(const YAML::Node& n, std::string_view key, unsigned lo, unsigned hi) const {
    const double v = number(n, key, lo, hi);
    if (v != std::floor(v)) fail(n, fmt::format("'{}' must be a whole number, got {}", key, v));
    return static_cast<unsigned>(v);
  }

 private:
  static std::string scalar_text(const YAML::Node& n) {
    return n.IsScalar() ? excerpt(n.Scalar()) : "(not a scalar)";
  }
  std::string origin_;
};

constexpr std::array<std::string_view, 15> kBenchmarkKeys = {
    "name",       "description", "category",   "workload",  "command",  "gbench",
    "parameters", "targets",     "profiling",  "regression", "output",  "repetitions",
    "timeout_s",  "iterations",  "hotspots"};

// One benchmark entry with its parameters already reduced to scalars.
void apply_benchmark_fields(const Parser& p, const YAML::Node& node, BenchmarkSpec& spec) {
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "name") spec.name = p.str(v, key);
    else if (key == "description") spec.description = p.str(v, key);
    else if (key == "category") spec.category = p.str(v, key);
    else if (key == "repetitions") spec.repetitions = p.whole(v, key, 1, 10000);
    else if (key == "timeout_s") spec.timeout_s = p.number(v, key, 0.001, 86400);
    else if (key == "iterations") spec.iterations = p.whole(v, key, 1, 1000000);
    else if (key == "profiling") {
      p.only_keys(v, "profiling", {"enabled", "sampler", "sample_rate", "duration"});
      if (v["enabled"]) spec.profiling.enabled = p.boolean(v["enabled"], "enabled");
      if (v["sampler"] && p.str(v["sampler"], "sampler") != "ebpf")
        p.fail(v["sampler"], "'sampler' must be 'ebpf' (perfgate's eBPF sampler)");
      if (v["sample_rate"]) spec.profiling.sample_rate_hz = p.whole(v["sample_rate"], "sample_rate", 1, 10000);
      if (v["duration"]) spec.profiling.duration_s = p.number(v["duration"], "duration", 0, 86400);
    } else if (key == "regression") {
      p.only_keys(v, "regression", {"enabled", "threshold_percent", "min_iterations", "method"});
      if (v["enabled"]) spec.regression.enabled = p.boolean(v["enabled"], "enabled");
      if (v["threshold_percent"])
        spec.regression.threshold_percent = p.number(v["threshold_percent"], "threshold_percent", 0.1, 1000);
      if (v["min_iterations"])
        spec.regression.min_iterations = p.whole(v["min_iterations"], "min_iterations", 2, 10000);
      if (v["method"]) {
        const auto m = parse_method(p.str(v["method"], "method"));
        if (!m) p.fail(v["method"], "'method' must be 't', 'permutation', 'rank' or 'trimmed'");
        spec.regression.method = *m;
      }
    } else if (key == "hotspots") {
      // hotspots: {top: 10, functions: [{pattern: "*sha256*", complexity: 2, max_speedup: 10}]}
      p.only_keys(v, "hotspots", {"top", "functions"});
      if (v["top"]) spec.hotspots.top = p.whole(v["top"], "top", 1, 1000);
      if (const YAML::Node& fs = v["functions"]) {
        if (!fs.IsSequence()) p.fail(fs, "'hotspots.functions' must be a list of {pattern, complexity, max_speedup}");
        spec.hotspots.functions.clear();
        for (const auto& f : fs) {
          p.only_keys(f, "hotspots.functions[]", {"pattern", "complexity", "max_speedup"});
          if (!f["pattern"]) p.fail(f, "each of 'hotspots.functions' needs 'pattern' (a glob over function names)");
          if (!f["complexity"] && !f["max_speedup"])
            p.fail(f, "each of 'hotspots.functions' needs 'complexity' or 'max_speedup'");
          gate::ComplexityRule rule{.pattern = p.str(f["pattern"], "pattern"), .complexity = std::nullopt,
                                    .max_speedup = std::nullopt};
          if (f["complexity"]) rule.complexity = p.number(f["complexity"], "complexity", 0.01, 1e6);
          if (f["max_speedup"]) rule.max_speedup = p.number(f["max_speedup"], "max_speedup", 1, 1e6);
          spec.hotspots.functions.push_back(std::move(rule));
        }
      }
    } else if (key == "output") {
      p.only_keys(v, "output", {"format", "include_traces", "save_artifacts"});
      if (v["format"]) {
        spec.output.format = p.str(v["format"], "format");
        if (spec.output.format != "json" && spec.output.format != "markdown")
          p.fail(v["format"], "'format' must be 'json' or 'markdown'");
      }
      if (v["include_traces"]) spec.output.include_traces = p.boolean(v["include_traces"], "include_traces");
      if (v["save_artifacts"]) spec.output.save_artifacts = p.boolean(v["save_artifacts"], "save_artifacts");
    } else if (key == "targets") {
      if (!v.IsMap())
        p.fail(v, "'targets' must be a mapping of metric: {target, acceptable_range}");
      spec.targets.clear();
      for (const auto& t : v) {
        Target target;
        target.metric = t.first.as<std::string>();
        if (!is_metric_name(target.metric))
          p.fail(t.first, fmt::format("target metric '{}' must be snake_case, e.g. p99_ms",
                                      excerpt(target.metric)));
        p.only_keys(t.second, fmt::format("targets.{}", excerpt(target.metric)),
                    {"target", "acceptable_range"});
        if (!t.second["target"])
          p.fail(t.second, fmt::format("targets.{} needs 'target'", excerpt(target.metric)));
        target.target = p.number(t.second["target"], "target", -1e300, 1e300);
        if (const YAML::Node& r = t.second["acceptable_range"]) {
          if (!r.IsSequence() || r.size() != 2) p.fail(r, "'acceptable_range' must be [low, high]");
          const double lo = p.number(r[0], "acceptable_range", -1e300, 1e300);
          const double hi = p.number(r[1], "acceptable_range", -1e300, 1e300);
          if (lo > hi) p.fail(r, fmt::format("'acceptable_range' low {} is above high {}", lo, hi));
          target.acceptable_range = std::pair{lo, hi};
        }
        spec.targets.push_back(std::move(target));
      }
    }
    // workload / command / gbench / parameters are handled by the caller.
  }
}

using ParamList = std::vector<std::pair<std::string, YAML::Node>>;  // original nodes keep line marks

void check_parameter_keys(const Parser& p, const YAML::Node& params, const std::string& kind) {
  if (kind == "workload")
    p.only_keys(params, "parameters of a workload", {"variant", "slowdown_percent", "ops", "size", "seed"});
  else if (kind == "gbench")
    p.only_keys(params, "parameters of a gbench binary", {"filter", "repetitions", "min_time"});
  else
    p.only_keys(params, "parameters of a command", {});
}

void apply_parameters(const Parser& p, const ParamList& params, BenchmarkSpec& spec) {
  for (const auto& [key, v] : params) {
    if (key == "variant") {
      spec.source.variant = p.str(v, key);
      if (spec.source.variant == "clean") spec.source.variant.clear();
    } else if (key == "slowdown_percent") spec.source.slowdown_percent = p.number(v, key, 0, 1000);
    else if (key == "ops") spec.source.ops = p.whole(v, key, 1, 4'000'000'000u);
    else if (key == "seed") spec.source.seed = p.whole(v, key, 0, 4'000'000'000u);
    else if (key == "size") {
      spec.source.size = p.str(v, key);
      if (spec.source.size != "ci" && spec.source.size != "nightly") p.fail(v, "'size' must be 'ci' or 'nightly'");
    } else if (key == "filter") spec.gbench_filter = p.str(v, key);
    else if (key == "repetitions") spec.gbench_repetitions = p.whole(v, key, 1, 10000);
    else if (key == "min_time") spec.gbench_min_time_s = p.number(v, key, 0.001, 3600);
  }
}

// Expands list-valued parameters into the cartesian product of scalar
// assignments, with a name suffix per combination
// ("variant=sha256-key/slowdown_percent=15").
std::vector<std::pair<ParamList, std::string>> expand_parameters(const Parser& p, const YAML::Node& params) {
  std::vector<std::pair<ParamList, std::string>> out(1);
  if (!params) return out;
  for (const auto& kv : params) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node values = kv.second;
    if (values.IsSequence() && values.size() == 0)
      p.fail(values, fmt::format("parameter '{}' is an empty list", excerpt(key)));
    std::vector<std::pair<ParamList, std::string>> next;
    for (const auto& [list, suffix] : out) {
      if (!values.IsSequence()) {
        next.emplace_back(list, suffix).first.emplace_back(key, values);
        continue;
      }
      for (std::size_t i = 0; i < values.size(); ++i) {
        const YAML::Node value = values[i];
        const std::string label = fmt::format("{}={}", key, value.IsScalar() ? value.Scalar() : "?");
        next.emplace_back(list, suffix.empty() ? label : suffix + "/" + label).first.emplace_back(key, value);
      }
    }
    out = std::move(next);
  }
  return out;
}

std::vector<BenchmarkSpec> parse_benchmark(const Parser& p, const YAML::Node& node,
                                           const YAML::Node& defaults) {
  p.only_keys(node, "a benchmark", kBenchmarkKeys);
  if (!node["name"]) p.fail(node, "a benchmark needs a 'name'");
  const int sources = (node["workload"] ? 1 : 0) + (node["command"] ? 1 : 0) + (node["gbench"] ? 1 : 0);
  if (sources != 1)
    p.fail(node, fmt::format("benchmark '{}' needs exactly one of 'workload', 'command', 'gbench'",
                             excerpt(node["name"].as<std::string>())));
  BenchmarkSpec base;
  if (const YAML::Node& w = node["workload"]; w && w.IsScalar())
    if (const workloads::Workload* workload = workloads::find(w.Scalar())) base.regression = regression_for(*workload);
  if (defaults) apply_benchmark_fields(p, defaults, base);
  apply_benchmark_fields(p, node, base);
  if (base.name.empty() || has_control_character(base.name))
    p.fail(node["name"], "'name' must be a non-empty single line");

  if (const YAML::Node& w = node["workload"]) {
    base.source.kind = "workload";
    base.source.workload = p.str(w, "workload");
    if (workloads::find(base.source.workload) == nullptr) {
      std::vector<std::string> names;
      for (const auto& x : workloads::all()) names.push_back(x->info().name);
      p.fail(w, fmt::format("unknown workload '{}' (workloads: {})", excerpt(base.source.workload),
                            fmt::join(names, ", ")));
    }
  } else if (const YAML::Node& c = node["command"]) {
    base.source.kind = "command";
    if (c.IsScalar() && c.Scalar().find_first_not_of(" \t") != std::string::npos) {
      base.source.command = command_argv(c.as<std::string>());
    } else if (c.IsSequence() && c.size() > 0) {
      for (const auto& a : c) base.source.command.push_back(p.str(a, "command"));
    } else {
      p.fail(c, "'command' must be a non-blank string (a plain command runs directly, shell syntax by /bin/sh -c) "
                "or a non-empty list of arguments");
    }
  } else {
    base.source.kind = "gbench";
    base.source.command = {p.str(node["gbench"], "gbench")};
  }

  std::vector<BenchmarkSpec> out;
  const YAML::Node params = node["parameters"];
  if (params) check_parameter_keys(p, params, base.source.kind);
  for (const auto& [assignments, suffix] : expand_parameters(p, params)) {
    BenchmarkSpec spec = base;
    if (!suffix.empty()) spec.name += "/" + suffix;
    if (has_control_character(spec.name))  // shown escaped, as every error line (cli::fail)
      p.fail(params,
             fmt::format("parameter values make a benchmark name with a control character: '{}'",
                         excerpt(spec.name, 200)));
    apply_parameters(p, assignments, spec);
    const std::vector<std::string> no_metrics;
    const std::vector<std::string>& metrics =
        spec.source.kind == "workload" ? workloads::find(spec.source.workload)->info().metrics : no_metrics;
    for (const Target& t : spec.targets)
      if (!is_known_metric(t.metric, metrics))
        p.fail(node["targets"] ? node["targets"] : node,
               fmt::format(
                   "benchmark '{}' has a target on '{}', which it does not measure (metrics: {})",
                   excerpt(spec.name, 200), excerpt(t.metric), known_metrics_phrase(metrics)));
    if (spec.source.kind == "workload") {
      const workloads::Params wp{.variant = spec.source.variant,
                                 .slowdown_percent = spec.source.slowdown_percent,
                                 .ops = spec.source.ops,
                                 .warmup_ops = 0,
                                 .size = workloads::Size::ci,
                                 .seed = spec.source.seed};
      if (auto ok = workloads::validate(*workloads::find(spec.source.workload), wp); !ok)
        p.fail(params ? params : node, ok.error());
    }
    out.push_back(std::move(spec));
  }
  return out;
}

}  // namespace

std::expected<SuiteConfig, Error> parse_suite_config(std::string_view yaml, std::string_view origin) {
  const Parser p(origin);
  // YAML is Unicode; bytes that are not UTF-8 would be measured, then fail
  // the results file's JSON.
  if (const std::size_t valid = valid_utf8_length(yaml); valid < yaml.size())
    return std::unexpected(
        Error::bad_input(fmt::format("{}:{}: byte 0x{:02X} is not UTF-8; save the file as UTF-8",
                                     origin, std::ranges::count(yaml.substr(0, valid), '\n') + 1,
                                     static_cast<unsigned char>(yaml[valid]))));
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsMap()) p.fail(root, "the suite config must be a mapping with a 'benchmarks' list");
    p.only_keys(root, "the suite config", {"suite", "benchmarks"});
    SuiteConfig cfg;
    cfg.origin = std::string(origin);
    YAML::Node defaults;
    if (const YAML::Node& s = root["suite"]) {
      p.only_keys(s, "suite", {"name", "description", "defaults"});
      if (s["name"]) cfg.name = p.str(s["name"], "name");
      if (s["defaults"]) {
        defaults = s["defaults"];
        p.only_keys(defaults, "suite.defaults",
                    {"repetitions", "timeout_s", "iterations", "profiling", "regression", "output", "category",
                     "hotspots"});
      }
    }
    const YAML::Node& list = root["benchmarks"];
    if (!list || !list.IsSequence() || list.size() == 0)
      p.fail(list ? list : root, "'benchmarks' must be a non-empty list");
    std::set<std::string> names;
    for (const auto& b : list) {
      for (auto& spec : parse_benchmark(p, b, defaults)) {
        if (!names.insert(spec.name).second)
          p.fail(b, fmt::format("duplicate benchmark name '{}'", excerpt(spec.name, 200)));
        cfg.benchmarks.push_back(std::move(spec));
      }
    }
    if (cfg.name.empty()) cfg.name = std::string(origin);
    return cfg;
  } catch (const ConfigError& e) {
    return std::unexpected(Error::bad_input(e.message));
  } catch (const YAML::Exception& e) {
    const auto line = e.mark.is_null() ? std::string() : fmt::format(":{}", e.mark.line + 1);
    return std::unexpected(Error::bad_input(fmt::format("{}{}: {}", origin, line, e.msg)));
  }
}

SuiteConfig bundled_suite(std::string_view size) {
  SuiteConfig cfg;
  cfg.name = "bundled";
  cfg.origin = "bundled";
  for (const auto& w : workloads::all()) {
    BenchmarkSpec spec;
    spec.name = w->info().name;
    spec.description = w->info().description;
    spec.category = w->info().category;
    spec.source.kind = "workload";
    spec.source.workload = w->info().name;
    spec.source.size = std::string(size);
    spec.regression = regression_for(*w);
    cfg.benchmarks.push_back(std::move(spec));
  }
  return cfg;
}

}  // namespace perfgate::gate
