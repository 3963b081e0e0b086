#include "reporters/json_report.h"

#include <nlohmann/json.hpp>

namespace perfgate::reporters {
namespace {

using ojson = nlohmann::ordered_json;

ojson run_json(const gate::RunMetadata& m) {
  return {{"commit", m.commit}, {"ref", m.ref}, {"started_at", m.started_at}, {"suite", m.suite},
          {"host", {{"cpu_model", m.host.cpu_model}, {"cores", m.host.cores}, {"kernel", m.host.kernel},
                    {"load_avg", {m.host.load_avg_1m, m.host.load_avg_5m, m.host.load_avg_15m}}}}};
}

}  // namespace

std::string render_json_report(const gate::GateReport& r) {
  ojson benchmarks = ojson::array();
  for (const auto& v : r.benchmarks) {
    ojson b = {{"name", v.name},
               {"verdict", gate::to_string(v.verdict)},
               {"statistic", v.statistic},
               {"unit", v.unit},
               {"base_value", v.base_value},
               {"head_value", v.head_value},
               {"base_repetitions", v.base_repetitions},
               {"head_repetitions", v.head_repetitions},
               {"threshold_percent", v.threshold_percent},
               {"note", v.note},
               {"noise_floor_percent", v.noise_floor_percent},
               {"mean_change_percent", v.mean_change_percent},
               {"throughput_change_percent", v.throughput_change_percent},
               {"slow_slices_percent",
                {{"base", v.base_slow_slices_percent ? ojson(*v.base_slow_slices_percent) : ojson(nullptr)},
                 {"head", v.head_slow_slices_percent ? ojson(*v.head_slow_slices_percent) : ojson(nullptr)}}},
               {"interrupted_tail_percent",
                {{"base", v.base_interrupted_tail_percent ? ojson(*v.base_interrupted_tail_percent) : ojson(nullptr)},
                 {"head", v.head_interrupted_tail_percent ? ojson(*v.head_interrupted_tail_percent) : ojson(nullptr)}}},
               {"estimate", nullptr}};
    const bool decided = v.verdict != gate::Verdict::failed && v.verdict != gate::Verdict::insufficient_samples;
    if (decided)
      b["estimate"] = {{"ratio", v.estimate.ratio},         {"lower", v.estimate.lower},
                       {"upper", v.estimate.upper},         {"confidence", r.confidence},
                       {"p_slower", v.estimate.p_slower},   {"margin_percent", v.margin_percent},
                       {"p_margin", v.p_margin},            {"p_adjusted", v.p_adjusted},
                       {"df", v.estimate.df},               {"method", gate::to_string(v.method)},
                       {"location", v.location ? ojson(gate::to_string(*v.location)) : ojson(nullptr)}};
    benchmarks.push_back(std::move(b));
  }
  ojson targets = ojson::array();
  for (const auto& [name, o] : r.targets.outcomes) {
    ojson t = {{"benchmark", name},
               {"metric", o.target.metric},
               {"value", o.value ? ojson(*o.value) : ojson(nullptr)},
               {"target", o.target.target},
               {"lower_is_better", o.lower_is_better},
               {"passed", o.passed}};
    if (o.target.acceptable_range) t["acceptable_range"] = {o.target.acceptable_range->first, o.target.acceptable_range->second};
    targets.push_back(std::move(t));
  }
  ojson hotspots = ojson::array();
  for (const auto& h : r.hotspots) {
    ojson top = ojson::array(), diff = ojson::array();
    for (const auto& t : h.top)
      top.push_back({{"function", t.function}, {"module", t.module}, {"self_percent", t.self_percent},
                     {"total_percent", t.total_percent},
                     {"calls_percent", t.calls_percent ? ojson(*t.calls_percent) : ojson(nullptr)},
                     {"score", t.score}, {"complexity", t.complexity}, {"roi", t.roi}, {"impact", t.impact}});
    for (const auto& d : h.differential)
      diff.push_back({{"function", d.function}, {"module", d.module}, {"base_self_percent", d.base_self_percent},
                      {"head_self_percent", d.head_self_percent}, {"base_total_percent", d.base_total_percent},
                      {"head_total_percent", d.head_total_percent}, {"growth", d.growth},
                      {"per_call_change_percent",
                       d.per_call_change_percent ? ojson(*d.per_call_change_percent) : ojson(nullptr)},
                      {"per_call_z", d.per_call_change_percent ? ojson(d.per_call_z) : ojson(nullptr)}});
    hotspots.push_back({{"benchmark", h.benchmark}, {"top", top}, {"differential", diff}, {"note", h.note}});
  }
  ojson artifacts = ojson::array();
  for (const auto& [label, path] : r.artifacts) artifacts.push_back({{"label", label}, {"path", path}});
  const ojson j = {{"schema", gate::kReportSchema},
                   {"verdict", gate::to_string(r.overall)},
                   {"mode", r.mode},
                   {"confidence", r.confidence},
                   {"alpha", r.alpha},
                   {"looks", r.looks},
                   {"interim_alpha", r.interim_alpha},
                   {"final_alpha", r.final_alpha},
                   {"margin_fraction", r.margin_fraction},
                   {"base", run_json(r.base_run)},
                   {"head", run_json(r.head_run)},
                   {"benchmarks", benchmarks},
                   {"targets",
                    {{"passed", r.targets.passed},
                     {"total", r.targets.outcomes.size()},
                     {"pass_rate", r.targets.pass_rate()},
                     {"items", targets}}},
                   {"hotspots", hotspots},
                   {"warnings", r.warnings},
                   {"artifacts", artifacts}};
  return j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace perfgate::reporters
