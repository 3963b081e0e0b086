#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "gate/cli/command.h"

namespace perfgate::cli {
namespace {
bool g_quiet = false;
}

CLI::Option* with_env(CLI::Option* option) {
  std::string name = option->get_single_name();
  std::ranges::transform(name, name.begin(), [](unsigned char c) {
    return c == '-' ? '_' : static_cast<char>(std::toupper(c));
  });
  return option->envname("PERFGATE_" + name);
}

CLI::Validator number_in(double lo, double hi, bool above_lo) {
  const std::string range =
      std::isinf(hi) ? fmt::format("a number {} {:g}", above_lo ? "above" : "of at least", lo)
                     : fmt::format("a number from {:g} to {:g}", lo, hi);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        // On the text, before CLI11 converts it: "nan" compares false with
        // every bound, so a range check on the value lets it through.
        double v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        const bool ok = ec == std::errc{} && end == text.data() + text.size() && std::isfinite(v) &&
                        (above_lo ? v > lo : v >= lo) && v <= hi;
        return ok ? "" : fmt::format("must be {}, got '{}'", range, text);
      },
      range);
}

CLI::Validator non_empty_path() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return text.find_first_not_of(" \t") == std::string::npos
                   ? "must name a file or directory, got ''"
                   : "";
      },
      "PATH");
}

ExitCode fail(const gate::Error& error) {
  fmt::print(stderr, "perfgate: error: {}\n", error.message);
  return error.code;
}

void warn(std::string_view message) {
  fmt::print(stderr, "perfgate: warning: {}\n", message);
}

void progress(std::string_view message) {
  static const bool tty = isatty(STDERR_FILENO) != 0;
  if (g_quiet || !tty) return;
  fmt::print(stderr, "{}\n", message);
}

void set_quiet(bool quiet) {
  g_quiet = quiet;
}

}  // namespace perfgate::cli
