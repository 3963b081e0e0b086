// A shared library the dlopen_plugin target loads after it has run for a
// while: its code is mapped only after the recording has seen the process.
// plugin_run splits its time between a CPU loop and read() calls on
// /dev/zero (glibc's read() sets up no frame, so its caller in this library
// is found only by the stack scan, whose code ranges must include it).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {
volatile std::uint64_t g_sink;
}

__attribute__((noinline)) void plugin_hot_loop() {
  std::uint64_t x = g_sink;
  for (int i = 0; i < 200000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    asm volatile("" : "+r"(x));
  }
  g_sink = x;
}

__attribute__((noinline)) void plugin_reader(int fd, std::vector<char>& buf) {
  for (int i = 0; i < 4; ++i)
    if (read(fd, buf.data(), buf.size()) < 0) std::abort();
}

extern "C" void plugin_run(double seconds) {
  const int fd = open("/dev/zero", O_RDONLY);
  if (fd < 0) std::abort();
  std::vector<char> buf(1 << 20);
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    plugin_hot_loop();
    plugin_reader(fd, buf);
  }
  close(fd);
}
