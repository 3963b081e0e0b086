#pragma once
// A small fixed pool for fork-join loops: run(tasks, fn) calls fn(task, lane)
// once for every task index in [0, tasks), spread over `lanes()` lanes, and
// returns when all calls have returned. Lane 0 is the calling thread, lanes
// 1..n-1 are pool threads: on a 2-core machine a caller that only waited would
// leave a core idle. A lane index is stable per thread, so callers can keep
// per-lane state (a ZSTD_CCtx) without locks.
//
// Thread safety: run() may be called by one thread at a time (it is the fork
// point of a fork-join loop, not a shared queue). fn must not throw.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace perfgate::workloads::compression {

class WorkerPool {
 public:
  // lanes >= 1; lanes - 1 threads are started and joined by the destructor.
  explicit WorkerPool(std::size_t lanes);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::size_t lanes() const { return threads_.size() + 1; }

  template <typename Fn>
  void run(std::size_t tasks, Fn& fn) {
    run_erased(tasks, &fn, [](void* f, std::size_t task, std::size_t lane) {
      (*static_cast<Fn*>(f))(task, lane);
    });
  }

 private:
  using Thunk = void (*)(void*, std::size_t task, std::size_t lane);
  void run_erased(std::size_t tasks, void* fn, Thunk thunk);
  void work(std::size_t lane);  // claims tasks of the current job until none are left
  void thread_main(std::size_t lane);

  std::mutex mutex_;
  std::condition_variable wake_;  // workers: a new job or stop
  std::condition_variable done_;  // caller: the last task finished
  // The current job; guarded by mutex_ except next_task_, which lanes claim
  // under the mutex too (tasks are chunks of tens of microseconds, so the
  // mutex is not the bottleneck and keeps the code obviously correct).
  std::uint64_t generation_ = 0;
  std::size_t tasks_ = 0;
  std::size_t next_task_ = 0;
  std::size_t unfinished_ = 0;
  void* fn_ = nullptr;
  Thunk thunk_ = nullptr;
  bool stop_ = false;
  std::vector<std::thread> threads_;  // last member: started after the state above exists
};

}  // namespace perfgate::workloads::compression
