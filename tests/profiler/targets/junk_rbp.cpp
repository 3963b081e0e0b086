// Spends its time in a leaf that runs with rbp pointing into a table of
// changing words, as code built without frame pointers leaves rbp holding
// whatever pointer it last used. A frame-pointer walk then reads pairs of
// table words as {next frame, return address}: a different chain of made-up
// frames on every sample. Built without frame pointers (tests/profiler/
// CMakeLists.txt), like most distribution code.
// Usage: junk_rbp [seconds]
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <random>

namespace {

constexpr std::size_t kPairs = 4096;
// Even words point at another pair, odd words are "return addresses": user
// addresses where no code is mapped.
alignas(16) std::array<std::uint64_t, 2 * kPairs> g_table;
volatile std::uint64_t g_sink;

void scramble(std::mt19937_64& rng) {
  for (std::size_t i = 0; i < kPairs; ++i) {
    g_table[2 * i] = reinterpret_cast<std::uint64_t>(&g_table[2 * (rng() % kPairs)]);
    g_table[2 * i + 1] = 0x100000000ull + (rng() % 0x100000000000ull);
  }
}

}  // namespace

// ~2 000 iterations of a counted loop with rbp = pair; rbp is restored before
// anything else runs.
__attribute__((noinline)) void junk_rbp_leaf(const std::uint64_t* pair) {
  asm volatile(
      "push %%rbp\n\t"
      ".cfi_adjust_cfa_offset 8\n\t"  // so the unwind info still finds the return address
      "mov %0, %%rbp\n\t"
      "mov $2000, %%ecx\n"
      "1:\n\t"
      "dec %%ecx\n\t"
      "jnz 1b\n\t"
      "pop %%rbp\n\t"
      ".cfi_adjust_cfa_offset -8"
      :
      : "r"(pair)
      : "rcx", "memory", "cc");
}

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 0.5;
  std::mt19937_64 rng(7);
  scramble(rng);
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::uint64_t n = 0;
  while (std::chrono::steady_clock::now() < end) {
    for (int i = 0; i < 64; ++i) junk_rbp_leaf(&g_table[2 * (rng() % kPairs)]);
    if (++n % 256 == 0) scramble(rng);
    g_sink = g_sink + n;
  }
}
