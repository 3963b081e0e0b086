#include "gate/cli/profiling.h"

namespace perfgate::cli {

// Until the profiler lands: profiles are reported missing, never faked.
gate::ProfileRepetition make_profile_repetition(const std::filesystem::path&) {
  return [](const std::vector<std::string>&, const std::filesystem::path&, unsigned) {
    return gate::ProfileRef{"missing", "", "the eBPF profiler is not part of this build yet"};
  };
}

}  // namespace perfgate::cli
