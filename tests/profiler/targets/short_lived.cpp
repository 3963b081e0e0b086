// A process that lives ~50 ms. With --spawn it starts itself as a child, lets
// the child finish, and stays alive 300 ms more, so the child is long gone by
// the time the recording is symbolized.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>

namespace {
volatile std::uint64_t g_sink;
}

__attribute__((noinline)) void short_lived_work() {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  std::uint64_t x = 1;
  while (std::chrono::steady_clock::now() < end)
    for (int i = 0; i < 1000; ++i) {
      x = x * 6364136223846793005ull + 1;
      asm volatile("" : "+r"(x));
    }
  g_sink = x;
}

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--spawn") == 0) {
    const pid_t child = fork();
    if (child == 0) {
      execl("/proc/self/exe", argv[0], static_cast<char*>(nullptr));
      _exit(127);
    }
    waitpid(child, nullptr, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return 0;
  }
  short_lived_work();
}
