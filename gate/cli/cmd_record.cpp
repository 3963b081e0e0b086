// Placeholder until the profiler lands.
#include "gate/cli/command.h"

namespace perfgate::cli {
void add_record_command(CLI::App&, Action&) {}
}  // namespace perfgate::cli
