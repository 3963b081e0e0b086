#include "workloads/compression/worker_pool.h"

namespace perfgate::workloads::compression {

WorkerPool::WorkerPool(std::size_t lanes) {
  threads_.reserve(lanes > 1 ? lanes - 1 : 0);
  for (std::size_t lane = 1; lane < lanes; ++lane)
    threads_.emplace_back([this, lane] { thread_main(lane); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkerPool::run_erased(std::size_t tasks, void* fn, Thunk thunk) {
  if (tasks == 0) return;
  {
    std::lock_guard lock(mutex_);
    ++generation_;
    tasks_ = tasks;
    next_task_ = 0;
    unfinished_ = tasks;
    fn_ = fn;
    thunk_ = thunk;
  }
  if (tasks > 1) wake_.notify_all();
  work(0);
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return unfinished_ == 0; });
}

void WorkerPool::work(std::size_t lane) {
  for (;;) {
    std::size_t task;
    void* fn;
    Thunk thunk;
    {
      std::lock_guard lock(mutex_);
      if (next_task_ >= tasks_) return;
      task = next_task_++;
      fn = fn_;
      thunk = thunk_;
    }
    thunk(fn, task, lane);
    bool last;
    {
      std::lock_guard lock(mutex_);
      last = --unfinished_ == 0;
    }
    if (last) done_.notify_one();
  }
}

void WorkerPool::thread_main(std::size_t lane) {
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    work(lane);
  }
}

}  // namespace perfgate::workloads::compression
