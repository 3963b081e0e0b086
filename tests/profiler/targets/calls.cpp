// Known call counts for the call-counting test: two threads call
// calls_counted_a 3000 times each, the main thread calls calls_counted_b
// 1000 times, and a forked child calls calls_counted_a 500 times (counted
// too: an executable's probes follow the process tree). Exact counts,
// whatever the timing. With --slow it then
// sleeps 10 s (for a call budget to end the recording); with --phases [S]
// it instead calls calls_counted_a for S seconds (0.3), then calls_counted_b
// for 0.3 s. With --marked it calls calls_counted_a for 0.3 s from
// calls_setup (its setup),
// marks where its operations begin (perfgate_operations_begin, as the
// bundled workloads do), then calls calls_counted_a exactly 1000 times and
// calls_counted_b for 0.3 s.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace {
volatile std::uint64_t g_sink;
}  // namespace

__attribute__((noinline)) void calls_counted_a(std::uint64_t x) {
  g_sink = g_sink + x;
  asm volatile("" ::: "memory");
}

__attribute__((noinline)) void calls_counted_b(std::uint64_t x) {
  g_sink = g_sink ^ x;
  asm volatile("" ::: "memory");
}

// Ten functions that are never called: probes whose detaching makes the end
// of a recording take a while (~85 ms each here, one after the other).
#define PG_DUMMY(n) \
  __attribute__((noinline, used)) void calls_dummy_##n(std::uint64_t x) { g_sink = g_sink - x; }
#define PG_DUMMIES(a) PG_DUMMY(a##0) PG_DUMMY(a##1) PG_DUMMY(a##2) PG_DUMMY(a##3) PG_DUMMY(a##4) \
  PG_DUMMY(a##5) PG_DUMMY(a##6) PG_DUMMY(a##7) PG_DUMMY(a##8) PG_DUMMY(a##9)
PG_DUMMIES(1)

// A function whose first instruction is VEX-encoded (vpxor), as glibc's
// AVX-512 memset starts EVEX-encoded: find_call_sites leaves it out.
asm(R"(
  .text
  .globl calls_vector_entry
  .type calls_vector_entry, @function
calls_vector_entry:
  vpxor %xmm0, %xmm0, %xmm0
  ret
  .size calls_vector_entry, .-calls_vector_entry
)");

// The mark a recording's window opens at (RecordOptions::window_from).
extern "C" __attribute__((noinline, used)) void perfgate_operations_begin() noexcept {
  asm volatile("" ::: "memory");
}

// Calls f for `seconds` of wall time.
void call_for(void (*f)(std::uint64_t), double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (std::uint64_t i = 0; std::chrono::steady_clock::now() < end; ++i) f(i);
}

// --marked's setup: calls_counted_a for `seconds`, from a frame of its own.
__attribute__((noinline)) void calls_setup(double seconds) {
  call_for(calls_counted_a, seconds);
  asm volatile("" ::: "memory");
}

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--phases") == 0) {
    const double first = argc > 2 ? std::atof(argv[2]) : 0.3;
    call_for(calls_counted_a, first);
    call_for(calls_counted_b, 0.3);
    return 0;
  }
  if (argc > 1 && std::strcmp(argv[1], "--marked") == 0) {
    calls_setup(0.3);
    perfgate_operations_begin();
    for (int i = 0; i < 1000; ++i) calls_counted_a(static_cast<std::uint64_t>(i));
    call_for(calls_counted_b, 0.3);
    return 0;
  }
  const pid_t child = fork();
  if (child == 0) {
    for (int i = 0; i < 500; ++i) calls_counted_a(static_cast<std::uint64_t>(i));
    _exit(0);
  }
  auto thread_main = [] {
    for (int i = 0; i < 3000; ++i) calls_counted_a(static_cast<std::uint64_t>(i));
  };
  std::thread t1(thread_main), t2(thread_main);
  for (int i = 0; i < 1000; ++i) calls_counted_b(static_cast<std::uint64_t>(i));
  t1.join();
  t2.join();
  waitpid(child, nullptr, 0);
  if (argc > 1 && std::strcmp(argv[1], "--slow") == 0) std::this_thread::sleep_for(std::chrono::seconds(10));
}
