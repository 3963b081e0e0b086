// A process tree for the profiler tests: two threads (tree_thread_worker), a
// forked child (tree_fork_child_worker) and a forked child that execs this
// program again (tree_exec_child_worker). Each burns ~0.4 s of CPU.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>

namespace {
volatile std::uint64_t g_sink;

// Inlined, so that each worker is the function that burns (no tail call).
__attribute__((always_inline)) inline void burn(double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::uint64_t x = 1;
  while (std::chrono::steady_clock::now() < end)
    for (int i = 0; i < 10000; ++i) {
      x = x * 6364136223846793005ull + 1;
      asm volatile("" : "+r"(x));
    }
  g_sink = x;
}
}  // namespace

__attribute__((noinline)) void tree_thread_worker() { burn(0.4); }
__attribute__((noinline)) void tree_fork_child_worker() { burn(0.4); }
__attribute__((noinline)) void tree_exec_child_worker() { burn(0.4); }

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--exec-child") == 0) {
    tree_exec_child_worker();
    return 0;
  }
  const pid_t forked = fork();
  if (forked == 0) {
    tree_fork_child_worker();
    _exit(0);
  }
  const pid_t execed = fork();
  if (execed == 0) {
    execl("/proc/self/exe", argv[0], "--exec-child", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::thread a(tree_thread_worker), b(tree_thread_worker);
  a.join();
  b.join();
  waitpid(forked, nullptr, 0);
  waitpid(execed, nullptr, 0);
}
