// Spends most of its time in the kernel: reads /dev/zero into a 1 MiB buffer
// (the kernel clears user memory) from syscall_heavy_loop.
// Usage: syscall_heavy [seconds]
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <vector>

__attribute__((noinline)) void syscall_heavy_loop(int fd, std::vector<char>& buf) {
  for (int i = 0; i < 16; ++i)
    if (read(fd, buf.data(), buf.size()) < 0) std::abort();
}

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 0.5;
  const int fd = open("/dev/zero", O_RDONLY);
  if (fd < 0) return 1;
  std::vector<char> buf(1 << 20);
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) syscall_heavy_loop(fd, buf);
  close(fd);
}
