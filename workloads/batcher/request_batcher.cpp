#include "workloads/batcher/request_batcher.h"

#include <fmt/format.h>
#include <sys/prctl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "workloads/harness/clock.h"

namespace perfgate::workloads::batcher {
namespace {

std::chrono::steady_clock::time_point to_time_point(std::int64_t ns) {
  return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(ns));
}

// Linux rounds timed waits up by the thread's timer slack (50 us by default),
// which is half the scaled max_wait; 1 us keeps the batcher's timing honest.
void tighten_timer_slack() { prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL); }

}  // namespace

std::expected<std::unique_ptr<RequestBatcher>, std::string> RequestBatcher::create(
    const BatcherConfig& config, SimulatedModel& model, std::span<const float> inputs,
    std::size_t requests) {
  if (config.max_batch == 0) return std::unexpected(std::string("max_batch must be >= 1"));
  if (config.max_wait_ns < 0) return std::unexpected(std::string("max_wait must be >= 0"));
  if (config.policy == BatchPolicy::serial && config.serial_handlers == 0)
    return std::unexpected(std::string("the serial policy needs at least one handler"));
  if (inputs.size() < requests * model.shape().input_dim)
    return std::unexpected(fmt::format("{} input floats for {} requests of {} floats",
                                       inputs.size(), requests, model.shape().input_dim));
  return std::unique_ptr<RequestBatcher>(new RequestBatcher(config, model, inputs, requests));
}

RequestBatcher::RequestBatcher(const BatcherConfig& config, SimulatedModel& model,
                               std::span<const float> inputs, std::size_t requests)
    : config_(config), model_(model), inputs_(inputs), answers_(requests) {
  const std::size_t batch = config.policy == BatchPolicy::serial ? 1 : config.max_batch;
  batch_inputs_.resize(batch * model.shape().input_dim);
  batch_outputs_.resize(batch);
  batches_.reserve(requests);
  model_idle_since_ns_ = harness::now_ns();
  if (config.policy == BatchPolicy::serial) {
    for (std::size_t i = 0; i < config.serial_handlers; ++i)
      threads_.emplace_back([this] { serial_handler_main(); });
  } else {
    threads_.emplace_back([this] { dispatcher_main(); });
  }
}

RequestBatcher::~RequestBatcher() { finish(); }

void RequestBatcher::submit(std::uint32_t id) {
  if (id >= answers_.size()) {
    std::fprintf(stderr, "RequestBatcher::submit: id %u out of range (%zu requests)\n", id,
                 answers_.size());
    std::abort();
  }
  const std::int64_t now = harness::now_ns();
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(Pending{.id = id, .enqueued_ns = now});
  }
  queue_cv_.notify_one();
}

void RequestBatcher::finish() {
  if (finished_) return;
  finished_ = true;
  {
    std::lock_guard lock(queue_mutex_);
    closed_ = true;
  }
  queue_cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void RequestBatcher::dispatcher_main() {
  tighten_timer_slack();
  const RunQueueDelay delay;
  std::vector<Pending> batch;
  batch.reserve(config_.max_batch);
  for (;;) {
    const std::int64_t delay_at_wait = delay.total_ns();
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [this] { return !queue_.empty() || closed_; });
      if (queue_.empty()) return;  // closed and drained
      if (config_.policy == BatchPolicy::batched) {
        const std::int64_t deadline = queue_.front().enqueued_ns + config_.max_wait_ns;
        queue_cv_.wait_until(lock, to_time_point(deadline), [this] {
          return queue_.size() >= config_.max_batch || closed_;
        });
      } else {
        // The slow_wait bug: a fixed sleep from the moment the first request
        // is taken, blind to the batch already being full.
        lock.unlock();
        std::this_thread::sleep_until(to_time_point(harness::now_ns() + config_.max_wait_ns));
        lock.lock();
      }
      const std::size_t n = std::min(config_.max_batch, queue_.size());
      batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    const std::int64_t dispatch = harness::now_ns();
    std::lock_guard model_lock(model_mutex_);
    run_batch(batch, dispatch, delay, delay_at_wait);
  }
}

void RequestBatcher::serial_handler_main() {
  const RunQueueDelay delay;
  for (;;) {
    Pending request;
    const std::int64_t delay_at_wait = delay.total_ns();
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [this] { return !queue_.empty() || closed_; });
      if (queue_.empty()) return;
      request = queue_.front();
      queue_.pop_front();
    }
    // The global lock: every request runs the model alone, one at a time.
    std::lock_guard model_lock(model_mutex_);
    run_batch(std::span(&request, 1), harness::now_ns(), delay, delay_at_wait);
  }
}

void RequestBatcher::run_batch(std::span<const Pending> batch, std::int64_t dispatch_ns,
                               const RunQueueDelay& delay, std::int64_t delay_at_wait_ns) {
  const std::size_t dim = model_.shape().input_dim;
  std::int64_t oldest = batch.front().enqueued_ns;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    oldest = std::min(oldest, batch[i].enqueued_ns);
    std::copy_n(inputs_.begin() + static_cast<std::ptrdiff_t>(batch[i].id * dim), dim,
                batch_inputs_.begin() + static_cast<std::ptrdiff_t>(i * dim));
  }
  // Only a hold past max_wait needs the (syscall-priced) second reading.
  const std::int64_t hold = dispatch_ns - std::max(oldest, model_idle_since_ns_);
  const std::int64_t run_queue_delay =
      hold > config_.max_wait_ns ? delay.total_ns() - delay_at_wait_ns : 0;
  model_.forward(std::span(batch_inputs_).first(batch.size() * dim),
                 std::span(batch_outputs_).first(batch.size()));
  const std::int64_t finish = harness::now_ns();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Answer& a = answers_[batch[i].id];
    a.enqueued_ns = batch[i].enqueued_ns;
    a.completed_ns = finish;
    a.output = batch_outputs_[i];
    ++a.times_answered;
  }
  batches_.push_back(BatchRecord{.oldest_enqueued_ns = oldest,
                                 .idle_since_ns = model_idle_since_ns_,
                                 .dispatch_ns = dispatch_ns,
                                 .finish_ns = finish,
                                 .run_queue_delay_ns = run_queue_delay,
                                 .size = static_cast<std::uint32_t>(batch.size())});
  model_idle_since_ns_ = finish;
}

}  // namespace perfgate::workloads::batcher
