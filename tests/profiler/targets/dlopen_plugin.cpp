// Loads a library after the recording has seen the process: computes in main
// for ~0.2 s (the recorder snapshots the maps at the first sample), reads the
// clock in a loop for ~0.1 s (code in the [vdso], which has no file), then
// dlopens the plugin, runs it, and unloads it before exiting.
// Usage: dlopen_plugin PLUGIN.so [seconds]
#include <dlfcn.h>
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {
volatile std::uint64_t g_sink;

double now_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}
}  // namespace

// Reads the clock only every 100 000 steps: samples land here, not in the
// clock's code (whose glibc wrapper has no frame pointer).
__attribute__((noinline)) void compute_before_dlopen(double seconds) {
  const double end = now_s() + seconds;
  std::uint64_t x = g_sink;
  while (now_s() < end)
    for (int i = 0; i < 100000; ++i) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      asm volatile("" : "+r"(x));
    }
  g_sink = x;
}

__attribute__((noinline)) void read_clock_before_dlopen(double seconds) {
  const double end = now_s() + seconds;
  while (now_s() < end) {
  }
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  compute_before_dlopen(0.2);
  read_clock_before_dlopen(0.1);
  void* lib = dlopen(argv[1], RTLD_NOW);
  if (lib == nullptr) {
    std::fprintf(stderr, "dlopen_plugin: %s\n", dlerror());
    return 1;
  }
  auto* run = reinterpret_cast<void (*)(double)>(dlsym(lib, "plugin_run"));
  if (run == nullptr) return 1;
  run(argc > 2 ? std::atof(argv[2]) : 0.6);
  dlclose(lib);
}
