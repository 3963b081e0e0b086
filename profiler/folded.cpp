#include "profiler/folded.h"

#include <charconv>
#include <map>
#include <vector>

namespace perfgate::profiler {

std::string folded_name(const Frame& frame) {
  std::string name = frame.function;
  for (char& c : name)
    if (c == ';' || c == '\n') c = ':';
  if (frame.kind == FrameKind::kernel) name += "_[k]";
  else if (frame.inlined) name += "_[i]";
  return name;
}

std::string to_folded(const Profile& profile) {
  // Different frames can print alike (same function in two modules): merge
  // them here, where the format cannot tell them apart anyway.
  std::vector<std::string> names;
  names.reserve(profile.frames().size());
  for (const auto& f : profile.frames()) names.push_back(folded_name(f));
  std::map<std::string, std::uint64_t> lines;
  for (const auto& s : profile.stacks()) {
    if (s.frames.empty() || s.count == 0) continue;
    std::string line;
    for (std::size_t i = 0; i < s.frames.size(); ++i) {
      if (i) line += ';';
      line += names[s.frames[i]];
    }
    lines[line] += s.count;
  }
  std::string out;
  for (const auto& [line, count] : lines) {
    out += line;
    out += ' ';
    out += std::to_string(count);
    out += '\n';
  }
  return out;
}

namespace {
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
}  // namespace

std::expected<Profile, std::string> parse_folded(std::string_view text, Mode mode) {
  Profile profile(mode);
  std::size_t line_no = 0;
  std::uint64_t total = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    const auto space = line.rfind(' ');
    if (space == std::string_view::npos || space == 0)
      return std::unexpected("line " + std::to_string(line_no) + ": expected 'frames count'");
    const std::string_view count_text = line.substr(space + 1);
    std::uint64_t count = 0;
    const auto [ptr, ec] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (ec != std::errc{} || ptr != count_text.data() + count_text.size())
      return std::unexpected("line " + std::to_string(line_no) + ": bad count '" +
                             std::string(count_text) + "'");
    if (__builtin_add_overflow(total, count, &total))
      return std::unexpected("line " + std::to_string(line_no) + ": the counts add up beyond 2^64");
    std::string_view stack = line.substr(0, space);
    std::vector<std::uint32_t> ids;
    while (true) {
      const auto semi = stack.find(';');
      std::string_view name = stack.substr(0, semi);
      Frame f;
      if (ends_with(name, "_[k]")) {
        f.kind = FrameKind::kernel;
        name.remove_suffix(4);
      } else if (ends_with(name, "_[i]")) {
        f.inlined = true;
        name.remove_suffix(4);
      }
      f.function = std::string(name);
      ids.push_back(profile.intern(f));
      if (semi == std::string_view::npos) break;
      stack = stack.substr(semi + 1);
    }
    profile.add(ids, count);
  }
  return profile;
}

}  // namespace perfgate::profiler
