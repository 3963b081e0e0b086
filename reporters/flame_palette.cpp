#include "reporters/flame_palette.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace perfgate::reporters {
namespace {

// FNV-1a: tiny, stable across platforms and releases (std::hash is neither).
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

std::string rgb(double r, double g, double b) {
  const auto c = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 255.0))); };
  return fmt::format("rgb({},{},{})", c(r), c(g), c(b));
}

}  // namespace

std::string frame_fill(std::string_view function, bool kernel, bool inlined, Palette palette) {
  const std::uint64_t h = fnv1a(function);
  const double v1 = static_cast<double>(h & 0xFFFF) / 65535.0;
  const double v2 = static_cast<double>((h >> 16) & 0xFFFF) / 65535.0;
  const double v3 = static_cast<double>((h >> 32) & 0xFFFF) / 65535.0;
  if (palette == Palette::io) {
    // Kernel frames a lighter steel blue: distinct, and black labels stay legible.
    if (kernel) return rgb(120 + 40 * v1, 145 + 35 * v1, 205 + 40 * v2);
    if (inlined) return rgb(120 + 40 * v1, 200 + 30 * v1, 225 + 30 * v2);
    return rgb(80 + 60 * v1, 80 + 60 * v1, 190 + 55 * v2);
  }
  if (kernel) return rgb(190 + 65 * v1, 90 + 65 * v1, 0);
  if (inlined) return rgb(50 + 60 * v1, 165 + 55 * v1, 165 + 55 * v1);
  return rgb(205 + 50 * v3, 230 * v1, 55 * v2);
}

std::string diff_fill(double delta, double max_abs_delta) {
  if (delta == 0 || max_abs_delta <= 0) return std::string(kDiffNeutralFill);
  // At least a visible tint for the smallest change, full colour at the largest.
  const double t = 0.15 + 0.85 * std::min(1.0, std::fabs(delta) / max_abs_delta);
  const double other = 235 * (1 - t);
  return delta > 0 ? rgb(255, other, other) : rgb(other, other, 255);
}

}  // namespace perfgate::reporters
