#pragma once
// Errors as values at module boundaries (STYLE rule 1) and the exit codes the
// CLI maps them to (DESIGN §3).

#include <string>

namespace perfgate::gate {

enum class ExitCode : int {
  pass = 0,         // no regression
  regression = 1,   // the gate failed
  bad_input = 2,    // usage error, malformed or mismatched input
  environment = 3,  // permissions, missing kernel support, crashed target, disk full
};

struct Error {
  ExitCode code = ExitCode::environment;
  std::string message;  // one line, actionable, no trailing period needed

  static Error bad_input(std::string message) { return {ExitCode::bad_input, std::move(message)}; }
  static Error environment(std::string message) {
    return {ExitCode::environment, std::move(message)};
  }
};

}  // namespace perfgate::gate
