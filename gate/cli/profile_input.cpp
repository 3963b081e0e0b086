#include "gate/cli/profile_input.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "gate/atomic_file.h"
#include "gate/profile_json.h"
#include "profiler/folded.h"
#include "reporters/flamegraph.h"

namespace perfgate::cli {

std::expected<profiler::Profile, gate::Error> load_profile(
    const std::string& path, std::optional<profiler::Mode> folded_mode) {
  auto text = gate::read_file(path, std::uintmax_t{1} << 30);
  if (!text) return std::unexpected(text.error());
  // A folded line starts with a frame name, which '{' cannot begin in practice;
  // perfgate's JSON always starts with '{'.
  const auto first = text->find_first_not_of(" \t\r\n");
  std::expected<profiler::Profile, gate::Error> profile =
      [&]() -> std::expected<profiler::Profile, gate::Error> {
    if (first != std::string::npos && (*text)[first] == '{') {
      auto p = gate::profile_from_json(*text);
      if (!p)
        return std::unexpected(
            gate::Error::bad_input(fmt::format("{}: {}", path, p.error().message)));
      return p;
    }
    auto p = profiler::parse_folded(*text, folded_mode.value_or(profiler::Mode::cpu));
    if (!p) return std::unexpected(gate::Error::bad_input(fmt::format("{}: {}", path, p.error())));
    return std::move(*p);
  }();
  if (profile && profile->total() == 0)
    return std::unexpected(
        gate::Error::bad_input(fmt::format("{}: no samples in this profile", path)));
  return profile;
}

}  // namespace perfgate::cli

namespace perfgate::cli {

std::string describe_profile(const profiler::Profile& profile, const std::string& path) {
  std::string out = std::filesystem::path(path).filename().string();
  out += " — " + reporters::format_weight(profile.total(), profile.mode());
  if (profile.mode() == profiler::Mode::offcpu)
    out += " blocked";
  else if (profile.stats.hz > 0)
    out += fmt::format(" at {} Hz", profile.stats.hz);
  if (profile.stats.duration_s > 0) out += fmt::format(" over {:.2f} s", profile.stats.duration_s);
  if (!profile.recorded_from.empty())
    out += fmt::format(", from the first call of {}", profile.recorded_from);
  return out;
}

std::expected<void, gate::Error> write_output(const std::string& path, std::string_view content) {
  if (!path.empty() && path != "-") return gate::write_file_atomically(path, content);
  fmt::print("{}", content);
  std::fflush(stdout);
  return {};
}

}  // namespace perfgate::cli
