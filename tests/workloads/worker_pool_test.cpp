#include "workloads/compression/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <vector>

namespace perfgate::workloads::compression {
namespace {

TEST(WorkerPool, RunsEveryTaskExactlyOnceAcrossManyJobs) {
  WorkerPool pool(2);
  for (std::size_t tasks : {1, 2, 3, 17, 100}) {
    std::vector<std::atomic<int>> hits(tasks);
    auto fn = [&](std::size_t task, std::size_t) { hits[task].fetch_add(1); };
    pool.run(tasks, fn);
    for (std::size_t i = 0; i < tasks; ++i) EXPECT_EQ(hits[i].load(), 1) << tasks << "/" << i;
  }
}

TEST(WorkerPool, UsesEveryLane) {
  WorkerPool pool(2);
  std::atomic<std::size_t> arrived{0};
  std::set<std::size_t> lanes;
  std::mutex m;
  // Each task waits for the other, so both lanes must take one.
  auto fn = [&](std::size_t, std::size_t lane) {
    {
      std::lock_guard lock(m);
      lanes.insert(lane);
    }
    arrived.fetch_add(1);
    while (arrived.load() < 2) std::this_thread::yield();
  };
  pool.run(2, fn);
  EXPECT_EQ(lanes, (std::set<std::size_t>{0, 1}));
}

TEST(WorkerPool, SingleLanePoolRunsEverythingOnTheCaller) {
  WorkerPool pool(1);
  EXPECT_EQ(pool.lanes(), 1u);
  std::set<std::size_t> lanes;
  auto fn = [&](std::size_t, std::size_t lane) { lanes.insert(lane); };
  pool.run(10, fn);
  EXPECT_EQ(lanes, (std::set<std::size_t>{0}));
}

}  // namespace
}  // namespace perfgate::workloads::compression
