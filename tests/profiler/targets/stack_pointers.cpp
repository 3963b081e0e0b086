// Spends its time in a leaf whose frame holds 96 heap pointers: stack words
// that look like addresses (the return-address scan's candidates) but point
// at no code, so with the target's code ranges known none of them needs a
// user-memory read. Built without frame pointers (tests/profiler/
// CMakeLists.txt), like glibc, so the whole window is scanned.
// Usage: stack_pointers [seconds]
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

namespace {
volatile std::uint64_t g_sink;
constexpr int kSlots = 96;
}  // namespace

__attribute__((noinline)) std::uint64_t stack_pointers_leaf(std::uint64_t* const* heap,
                                                            int rounds) {
  // volatile: the pointers stay in this frame, on top of the stack, where
  // the scan looks.
  std::uint64_t* volatile slots[kSlots];
  for (int i = 0; i < kSlots; ++i) slots[i] = heap[i];
  std::uint64_t sum = 0;
  for (int r = 0; r < rounds; ++r)
    for (int i = 0; i < kSlots; ++i) sum += *slots[i] * 6364136223846793005ull + 1;
  return sum;
}

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 0.5;
  std::vector<std::unique_ptr<std::uint64_t>> owned;
  std::vector<std::uint64_t*> heap;
  for (int i = 0; i < kSlots; ++i) {
    owned.push_back(std::make_unique<std::uint64_t>(i));
    heap.push_back(owned.back().get());
  }
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end)
    g_sink = g_sink + stack_pointers_leaf(heap.data(), 2000);
}
