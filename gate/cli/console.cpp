#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
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

ExitCode fail(const gate::Error& error) {
  fmt::print(stderr, "perfgate: error: {}\n", error.message);
  return error.code;
}

void warn(std::string_view message) { fmt::print(stderr, "perfgate: warning: {}\n", message); }

void progress(std::string_view message) {
  static const bool tty = isatty(STDERR_FILENO) != 0;
  if (g_quiet || !tty) return;
  fmt::print(stderr, "{}\n", message);
}

void set_quiet(bool quiet) { g_quiet = quiet; }

}  // namespace perfgate::cli
