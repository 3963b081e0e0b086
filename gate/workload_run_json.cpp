#include "gate/workload_run_json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "gate/json_reader.h"

namespace perfgate::gate {

using nlohmann::json;

std::string workload_run_to_json(std::string_view workload, const workloads::Params& params,
                                 const workloads::Run& run) {
  json invariants = json::array();
  for (const auto& inv : run.invariants)
    invariants.push_back({{"name", inv.name}, {"passed", inv.passed}, {"detail", inv.detail}});
  json j = {
      {"schema", kWorkloadRunSchema},
      {"workload", workload},
      {"variant", params.variant},
      {"slowdown_percent", params.slowdown_percent},
      {"seed", params.seed},
      {"warmup_ops", run.warmup_ops},
      {"measured_seconds", run.measured_seconds},
      {"latencies_ns", run.latencies_ns},
      {"invariants", std::move(invariants)},
      {"metrics", run.metrics},
  };
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::expected<workloads::Run, Error> workload_run_from_json(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed)
    return std::unexpected(
        Error::bad_input(fmt::format("malformed workload run file: {}", parsed.error().message)));
  try {
    const json& j = *parsed;
    if (j.value("schema", "") != kWorkloadRunSchema)
      return std::unexpected(Error::bad_input(fmt::format(
          "workload run file has schema '{}', expected '{}'", j.value("schema", ""), kWorkloadRunSchema)));
    workloads::Run run;
    run.latencies_ns = j.at("latencies_ns").get<std::vector<std::int64_t>>();
    // nlohmann's get<std::uint64_t>() would read -1 as 2^64 − 1 and 1.5 as 1.
    const JsonReader reader(j, "workload run file");
    run.warmup_ops = reader.count("warmup_ops");
    run.measured_seconds = reader.nonneg("measured_seconds");
    for (const auto& inv : j.at("invariants"))
      run.invariants.push_back({inv.at("name").get<std::string>(), inv.at("passed").get<bool>(),
                                inv.at("detail").get<std::string>()});
    run.metrics = j.at("metrics").get<std::map<std::string, double>>();
    return run;
  } catch (const JsonFieldError& e) {
    return std::unexpected(Error::bad_input(fmt::format("malformed {}", e.message)));
  } catch (const json::exception& e) {
    return std::unexpected(Error::bad_input(
        fmt::format("malformed workload run file: {}", json_error_text(e.what()))));
  }
}

}  // namespace perfgate::gate
