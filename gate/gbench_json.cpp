#include "gate/gbench_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "gate/json_reader.h"
#include "gate/results.h"

namespace perfgate::gate {

std::expected<GbenchOutput, Error> parse_gbench_json(std::string_view text,
                                                     std::string_view origin) {
  using nlohmann::json;
  auto bad = [&](std::string msg) {
    return std::unexpected(Error::bad_input(fmt::format("{}: {}", origin, msg)));
  };
  auto parsed = parse_json(text);
  if (!parsed) return bad(parsed.error().describe());
  const json& j = *parsed;
  if (!j.is_object() || !j.contains("benchmarks") || !j["benchmarks"].is_array())
    return bad("not Google Benchmark JSON output (no 'benchmarks' array)");
  GbenchOutput output;
  std::vector<GbenchBenchmark>& out = output.benchmarks;
  std::vector<GbenchSkipped> skipped;  // skipped rows' benchmarks, measured or not
  try {
    // Every field read is checked and named when wrong: nlohmann's get()
    // said "type must be string, but is number" without saying which.
    const JsonReader root(j, origin);
    if (root.has("context")) {
      const JsonReader c = root.child("context");
      GbenchContext& context = output.context;
      context.date = c.str_or("date", "");
      context.host_name = c.str_or("host_name", "");
      context.executable = c.str_or("executable", "");
      if (c.has("num_cpus")) context.num_cpus = c.count("num_cpus");
      if (c.has("load_avg"))
        c.each("load_avg", [&](const JsonReader& l) {
          const json& v = l.value();
          if (!v.is_number() || v.get<double>() < 0)
            l.fail("must be a number >= 0" + JsonReader::got(v));
          context.load_avg.push_back(v.get<double>());
        });
      context.library_build_type = c.str_or("library_build_type", "");
    }
    root.each("benchmarks", [&](const JsonReader& b) {
      if (!b.value().is_object()) b.fail("must be an object" + JsonReader::got(b.value()));
      const std::string row_name = b.str("name");
      if (b.str_or("run_type", "iteration") == "aggregate") return;
      const std::string name = b.str_or("run_name", row_name);
      if (name.empty() || has_control_character(name))
        b.fail(fmt::format("name {} is empty or holds a control character", json(name).dump()));
      const bool failed = b.has("error_occurred") && b.boolean("error_occurred");
      if (b.has("skipped") && b.boolean("skipped") && !failed) {
        // The row's times (usually 0) were never measured. The benchmark is
        // imported only if another of its rows was.
        if (std::ranges::find(skipped, name, &GbenchSkipped::name) == skipped.end())
          skipped.push_back({name, b.str_or("skip_message", "")});
        return;
      }
      auto it = std::ranges::find(out, name, &GbenchBenchmark::name);
      if (it == out.end()) it = out.insert(out.end(), GbenchBenchmark{name, {}, {}, {}});
      if (failed) {
        // A failure must say something: "" would read as no error at all.
        it->error = b.str_or("error_message", "");
        if (it->error.empty()) it->error = "error_occurred, without an error_message";
        return;
      }
      const std::string unit =
          b.has("time_unit") ? b.one_of("time_unit", {"ns", "us", "ms", "s"}) : "ns";
      const double scale = unit == "ns" ? 1.0 : unit == "us" ? 1e3 : unit == "ms" ? 1e6 : 1e9;
      const double real = b.nonneg("real_time"), cpu = b.nonneg("cpu_time");
      if (!std::isfinite(real * scale) || !std::isfinite(cpu * scale))
        b.fail(fmt::format("'{}': times beyond a double in ns", name));
      it->real_ns.push_back(real * scale);
      it->cpu_ns.push_back(cpu * scale);
    });
  } catch (const JsonFieldError& e) {
    return std::unexpected(Error::bad_input(e.message));
  }
  for (GbenchSkipped& s : skipped)
    if (std::ranges::find(out, s.name, &GbenchBenchmark::name) == out.end())
      output.skipped.push_back(std::move(s));
  if (out.empty() && !output.skipped.empty()) {
    const GbenchSkipped& first = output.skipped.front();
    return bad(fmt::format(
        "contains no benchmark runs: every benchmark was skipped ({}: \"{}\"{})", first.name,
        first.message,
        output.skipped.size() > 1 ? fmt::format(", and {} more", output.skipped.size() - 1) : ""));
  }
  if (out.empty()) return bad("contains no benchmark runs");
  return output;
}

}  // namespace perfgate::gate
