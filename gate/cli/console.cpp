#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string_view>

#include "gate/cli/command.h"

namespace perfgate::cli {
namespace {
bool g_quiet = false;

// An error or warning stays one line whatever it quotes (a path or name with
// a line break, a terminal escape): control characters are shown escaped.
std::string one_line(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (const char c : message) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (const auto u = static_cast<unsigned char>(c); u < 0x20 || u == 0x7f)
      out += fmt::format("\\x{:02x}", u);
    else
      out += c;
  }
  return out;
}
}  // namespace

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

void read_integers_as_decimal(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    const std::string type = option->get_type_name();
    const bool is_unsigned = type.starts_with("UINT");
    if (!is_unsigned && !type.starts_with("INT")) continue;
    option->transform(CLI::Validator(
        [is_unsigned](std::string& text) -> std::string {
          const std::string_view digits =
              std::string_view(text).substr(!text.empty() && text[0] == '-' ? 1 : 0);
          const bool negative = digits.size() < text.size();
          const bool decimal = !digits.empty() && std::ranges::all_of(digits, [](char c) {
            return c >= '0' && c <= '9';
          });
          if (!decimal || (negative && is_unsigned))
            return fmt::format("must be a whole number{}, got '{}'", is_unsigned ? " ≥ 0" : "",
                               text);
          std::uint64_t value = 0;
          if (std::from_chars(digits.data(), digits.data() + digits.size(), value).ec !=
              std::errc{})
            return fmt::format("'{}' is too large", text);
          text = (negative && value != 0 ? "-" : "") +
                 std::to_string(value);  // "010" → "10", not octal 8
          return "";
        },
        ""));
  }
  for (CLI::App* sub : app.get_subcommands({})) read_integers_as_decimal(*sub);
}

namespace {

std::string blank(const std::string& text) {
  return text.find_first_not_of(" \t") == std::string::npos
             ? "must name a file or directory, got ''"
             : "";
}

// The nearest existing parent of path when it is not a directory.
std::optional<std::filesystem::path> parent_not_a_directory(const std::filesystem::path& path) {
  for (std::filesystem::path p = path.parent_path(); !p.empty(); p = p.parent_path()) {
    std::error_code ec;
    const auto st = std::filesystem::status(p, ec);
    if (st.type() == std::filesystem::file_type::not_found) {
      if (p == p.parent_path()) break;
      continue;
    }
    // A parent that cannot be examined (no permission) is left to the write.
    if (ec || std::filesystem::is_directory(st)) break;
    return p;
  }
  return std::nullopt;
}

// What is at the output path, when it cannot be what the option needs.
std::string occupied(const std::string& text, bool want_directory) {
  std::error_code ec;
  const auto st = std::filesystem::status(text, ec);
  if (ec || !std::filesystem::exists(st) || std::filesystem::is_directory(st) == want_directory)
    return "";
  return want_directory ? fmt::format("'{}' exists and is not a directory", text)
                        : fmt::format("'{}' is a directory, not a file", text);
}

CLI::Validator output_path(bool want_directory) {
  return CLI::Validator(
      [want_directory](std::string& text) {
        if (std::string why = blank(text); !why.empty()) return why;
        if (std::string why = occupied(text, want_directory); !why.empty()) return why;
        const auto parent = parent_not_a_directory(text);
        return parent ? fmt::format("cannot write '{}': '{}' is not a directory", text,
                                    parent->string())
                      : std::string();
      },
      want_directory ? "DIR" : "PATH");
}

}  // namespace

CLI::Validator output_file() {
  return output_path(false);
}

CLI::Validator output_directory() {
  return output_path(true);
}

ExitCode fail(const gate::Error& error) {
  fmt::print(stderr, "perfgate: error: {}\n", one_line(error.message));
  return error.code;
}

std::expected<void, gate::Error> not_an_input(const std::filesystem::path& output,
                                              std::initializer_list<std::string_view> inputs) {
  for (const std::string_view input : inputs) {
    std::error_code ec;
    if (std::filesystem::equivalent(output, std::filesystem::path(input), ec))
      return std::unexpected(gate::Error::bad_input(fmt::format(
          "the output '{}' is the input '{}', which it would replace; write it elsewhere",
          output.string(), input)));
  }
  return {};
}

void append_step_summary(std::string_view markdown) {
  const char* summary = std::getenv("GITHUB_STEP_SUMMARY");
  if (summary == nullptr || *summary == '\0') return;
  std::ofstream out(summary, std::ios::app);
  out << markdown << '\n';
  out.flush();
  if (!out) warn(fmt::format("cannot append to GITHUB_STEP_SUMMARY '{}'", summary));
}

void warn(std::string_view message) {
  fmt::print(stderr, "perfgate: warning: {}\n", one_line(message));
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
