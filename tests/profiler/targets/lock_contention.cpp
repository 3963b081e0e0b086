// Four threads that each take one mutex and hold it for 10 ms, ten times: a
// lock that serializes requests. Off-CPU, most time is spent waiting for it
// (futex) in lock_contention_worker.
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace {
std::mutex g_lock;
}

__attribute__((noinline)) void lock_contention_critical() {
  // Busy inside the lock, so waiting threads block on the futex, not in sleep.
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(10);
  while (std::chrono::steady_clock::now() < end) {
  }
}

__attribute__((noinline)) void lock_contention_worker() {
  for (int i = 0; i < 10; ++i) {
    std::lock_guard<std::mutex> guard(g_lock);
    lock_contention_critical();
  }
}

int main() {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(lock_contention_worker);
  for (auto& t : threads) t.join();
}
