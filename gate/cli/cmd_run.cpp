// Placeholder: `perfgate run` lands with the runner.
#include "gate/cli/command.h"

namespace perfgate::cli {
ExitCode default_action() { return fail(gate::Error::environment("perfgate run is not implemented yet")); }
void add_run_command(CLI::App&, Action&) {}
}  // namespace perfgate::cli
