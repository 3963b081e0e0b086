#pragma once
// Test helper: the frames of a rendered flame graph, read back from the SVG
// text with a regular expression (the renderer writes one <g> per frame).

#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "profiler/profile.h"

namespace perfgate::reporters::testing {

struct ParsedFrame {
  std::string classes;  // "fr", "fr inl"
  std::uint64_t x = 0, w = 0;
  unsigned depth = 0;
  std::string tooltip;  // escaped, lines joined by '\n'
  std::string name;     // tooltip's first line (escaped)
  double rect_x = 0, rect_w = 0;
  std::string fill;
  int r = 0, g = 0, b = 0;
};

inline std::vector<ParsedFrame> parse_frames(const std::string& svg) {
  static const std::regex frame_re(
      R"re(<g class="(fr[^"]*)" data-x="(\d+)" data-w="(\d+)" data-d="(\d+)"><title>([^<]*)</title><rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="\d+" rx="2" fill="rgb\((\d+),(\d+),(\d+)\)"/>)re");
  std::vector<ParsedFrame> out;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), frame_re);
       it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    ParsedFrame f;
    f.classes = m[1];
    f.x = std::stoull(m[2]);
    f.w = std::stoull(m[3]);
    f.depth = static_cast<unsigned>(std::stoul(m[4]));
    f.tooltip = m[5];
    f.name = f.tooltip.substr(0, f.tooltip.find('\n'));
    f.rect_x = std::stod(m[6]);
    f.rect_w = std::stod(m[7]);
    f.r = std::stoi(m[8]);
    f.g = std::stoi(m[9]);
    f.b = std::stoi(m[10]);
    f.fill = "rgb(" + std::string(m[8]) + "," + std::string(m[9]) + "," + std::string(m[10]) + ")";
    out.push_back(std::move(f));
  }
  return out;
}

inline const ParsedFrame* find_frame(const std::vector<ParsedFrame>& frames,
                                     const std::string& name) {
  for (const auto& f : frames)
    if (f.name == name) return &f;
  return nullptr;
}

// Builds a profile from "a;b;c" paths (root first) and counts.
inline profiler::Profile make_profile(
    const std::vector<std::pair<std::string, std::uint64_t>>& stacks,
    profiler::Mode mode = profiler::Mode::cpu) {
  profiler::Profile p(mode);
  for (const auto& [path, count] : stacks) {
    std::vector<std::uint32_t> ids;
    std::size_t start = 0;
    while (true) {
      const auto semi = path.find(';', start);
      profiler::Frame f;
      f.function = path.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
      ids.push_back(p.intern(f));
      if (semi == std::string::npos) break;
      start = semi + 1;
    }
    p.add(ids, count);
  }
  return p;
}

}  // namespace perfgate::reporters::testing
