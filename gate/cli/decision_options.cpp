#include "gate/cli/decision_options.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "gate/cli/command.h"

namespace perfgate::cli {

CLI::Option* add_margin_option(CLI::App* cmd, double& margin_fraction) {
  // Checked on the text, before CLI11 converts it, so "abc" and "1.5" get the
  // same message. Below 1: at 1 the evidence would have to exclude the
  // threshold itself, and a change of exactly T could never be a regression.
  const CLI::Validator fraction(
      [](std::string& text) -> std::string {
        double v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v) || v < 0 ||
            v >= 1)
          return fmt::format("must be a fraction of the threshold in [0, 1), got '{}'", text);
        return "";
      },
      "FRACTION in [0, 1)");
  return with_env(
      cmd->add_option("--margin", margin_fraction,
                      "A regression needs the interval's lower bound above 1 + MARGIN x threshold "
                      "(0: above 1)")
          ->check(fraction)
          ->capture_default_str());
}

CLI::Option* add_method_option(CLI::App* cmd, std::optional<gate::Method>& method) {
  std::vector<std::string> names;
  for (gate::Method m : gate::kMethods) names.emplace_back(gate::to_string(m));
  return with_env(cmd->add_option_function<std::string>(
                         "--method",
                         [&method](const std::string& name) { method = gate::parse_method(name); },
                         "How ratios, intervals and p-values are computed: t, permutation (trimmed mean or minimum "
                         "of logs, for a p99 that undisturbed processes share), rank, or trimmed (without each "
                         "side's slowest 10 % of repetitions) (default: each benchmark's regression.method: "
                         "permutation for sketches and consensus, trimmed otherwise)")
                     ->check(CLI::IsMember(names)));
}

}  // namespace perfgate::cli
