#include "workloads/batcher/run_queue_delay.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <thread>

#include "workloads/harness/clock.h"

namespace perfgate::workloads::batcher {
namespace {

bool pin_to_cpu0() {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

void spin_for_ns(std::int64_t ns) {
  const std::int64_t until = harness::now_ns() + ns;
  while (harness::now_ns() < until) {
  }
}

TEST(RunQueueDelay, CountsTimeSpentRunnableButNotRunning) {
  std::int64_t before = 0, after = 0;
  bool available = true, pinned = true;
  std::atomic<bool> go{false};
  // Two threads spinning on one CPU: each waits on the run queue roughly
  // half of the time.
  std::thread rival([&] {
    pinned = pinned && pin_to_cpu0();
    while (!go) {
    }
    spin_for_ns(150'000'000);
  });
  std::thread measured([&] {
    pinned = pinned && pin_to_cpu0();
    const RunQueueDelay delay;
    available = delay.available();
    go = true;
    before = delay.total_ns();
    spin_for_ns(150'000'000);
    after = delay.total_ns();
  });
  rival.join();
  measured.join();
  if (!available) GTEST_SKIP() << "/proc/thread-self/schedstat is missing (kernel without SCHED_INFO)";
  if (!pinned) GTEST_SKIP() << "cannot pin threads to CPU 0";
  EXPECT_GT(after - before, 20'000'000);
}

TEST(RunQueueDelay, StaysNearZeroForASleepingThread) {
  const RunQueueDelay delay;
  if (!delay.available()) GTEST_SKIP() << "/proc/thread-self/schedstat is missing";
  const std::int64_t before = delay.total_ns();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_LT(delay.total_ns() - before, 15'000'000);
}

}  // namespace
}  // namespace perfgate::workloads::batcher
