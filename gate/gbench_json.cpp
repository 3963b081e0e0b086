#include "gate/gbench_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "gate/json_reader.h"
#include "gate/results.h"

namespace perfgate::gate {

std::expected<std::vector<GbenchBenchmark>, Error> parse_gbench_json(std::string_view text,
                                                                      std::string_view origin) {
  using nlohmann::json;
  auto bad = [&](std::string msg) {
    return std::unexpected(Error::bad_input(fmt::format("{}: {}", origin, msg)));
  };
  auto parsed = parse_json(text);
  if (!parsed)
    return bad(fmt::format(
        "{}{}", parsed.error().duplicate_key ? "" : "not valid JSON: ", parsed.error().message));
  const json& j = *parsed;
  if (!j.is_object() || !j.contains("benchmarks") || !j["benchmarks"].is_array())
    return bad("not Google Benchmark JSON output (no 'benchmarks' array)");
  std::vector<GbenchBenchmark> out;
  for (std::size_t i = 0; i < j["benchmarks"].size(); ++i) {
    const json& b = j["benchmarks"][i];
    if (!b.is_object() || !b.contains("name") || !b["name"].is_string())
      return bad(fmt::format("benchmarks[{}] has no name", i));
    if (b.value("run_type", "iteration") == "aggregate") continue;
    const std::string name = b.value("run_name", b["name"].get<std::string>());
    if (name.empty() || has_control_character(name))
      return bad(fmt::format("benchmarks[{}]: name {} is empty or holds a control character", i, json(name).dump()));
    auto it = std::ranges::find(out, name, &GbenchBenchmark::name);
    if (it == out.end()) it = out.insert(out.end(), GbenchBenchmark{name, {}, {}, {}});
    if (b.value("error_occurred", false)) {
      it->error = b.value("error_message", "error");
      continue;
    }
    const std::string unit = b.value("time_unit", "ns");
    const double scale = unit == "ns" ? 1.0 : unit == "us" ? 1e3 : unit == "ms" ? 1e6 : unit == "s" ? 1e9 : 0.0;
    if (scale == 0.0) return bad(fmt::format("benchmarks[{}]: unknown time_unit '{}'", i, unit));
    if (!b.contains("real_time") || !b["real_time"].is_number() || !b.contains("cpu_time") ||
        !b["cpu_time"].is_number())
      return bad(fmt::format("benchmarks[{}] '{}' has no real_time/cpu_time", i, name));
    const double real = b["real_time"].get<double>(), cpu = b["cpu_time"].get<double>();
    if (!std::isfinite(real) || real < 0 || !std::isfinite(cpu) || cpu < 0)
      return bad(fmt::format("benchmarks[{}] '{}': times must be finite and >= 0", i, name));
    if (!std::isfinite(real * scale) || !std::isfinite(cpu * scale))
      return bad(fmt::format("benchmarks[{}] '{}': times beyond a double in ns", i, name));
    it->real_ns.push_back(real * scale);
    it->cpu_ns.push_back(cpu * scale);
  }
  if (out.empty()) return bad("contains no benchmark runs");
  return out;
}

}  // namespace perfgate::gate
