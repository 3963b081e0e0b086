#pragma once
// A request batcher in front of one SimulatedModel (DESIGN §5, seed 000 #1).
//
// Requests are submitted by id from any thread; the batcher answers each one
// by running the model and records when. Policies:
// - batched: one dispatcher thread forms batches of up to max_batch. It
//   dispatches as soon as the batch is full, or when the oldest queued
//   request has waited max_wait_ns (the classic dynamic-batching rule of
//   TorchServe's max_batch_delay / Triton's max_queue_delay). Requests that
//   queue while the model runs form the next batch, so under load batches
//   fill from the backlog without waiting.
// - slow_wait: the naive batcher bug (`first = queue.get(); sleep(max_wait);
//   take up to 8`): after taking the first request it always sleeps the full
//   max_wait, even when a full batch is already queued.
// - serial: no batching. serial_handlers threads each take one request and
//   run the model on it alone while holding one global lock.
//
// Thread safety: submit() from any threads until finish(); finish() once,
// from one thread; answers() and batches() only after finish().

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <expected>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "workloads/batcher/run_queue_delay.h"
#include "workloads/batcher/simulated_model.h"

namespace perfgate::workloads::batcher {

enum class BatchPolicy { batched, slow_wait, serial };

struct BatcherConfig {
  BatchPolicy policy = BatchPolicy::batched;
  std::size_t max_batch = 8;
  std::int64_t max_wait_ns = 100'000;
  std::size_t serial_handlers = 2;  // only for BatchPolicy::serial
};

// One model invocation. Times are harness::now_ns() values.
struct BatchRecord {
  std::int64_t oldest_enqueued_ns = 0;  // submit time of the batch's oldest request
  std::int64_t idle_since_ns = 0;       // when the model finished its previous batch
  std::int64_t dispatch_ns = 0;         // when the batch was handed to the model
  std::int64_t finish_ns = 0;           // when the model returned
  // Run-queue wait of the dispatching thread while it held this batch (see
  // RunQueueDelay); measured only when the hold exceeded max_wait, else 0.
  std::int64_t run_queue_delay_ns = 0;
  std::uint32_t size = 0;
};

// What happened to one request id.
struct Answer {
  std::int64_t enqueued_ns = 0;   // when submit() queued it
  std::int64_t completed_ns = 0;  // when its batch finished (last answer, if several)
  float output = 0.0f;
  std::uint32_t times_answered = 0;  // 1 when correct
};

class RequestBatcher {
 public:
  // `inputs` holds `requests` rows of model.shape().input_dim floats; request
  // id i uses row i. Both model and inputs must outlive the batcher. Fails on
  // an unusable config (max_batch 0, negative wait, no handlers, inputs too
  // short). Threads start here.
  static std::expected<std::unique_ptr<RequestBatcher>, std::string> create(
      const BatcherConfig& config, SimulatedModel& model, std::span<const float> inputs,
      std::size_t requests);
  ~RequestBatcher();  // finishes if the owner did not
  RequestBatcher(const RequestBatcher&) = delete;
  RequestBatcher& operator=(const RequestBatcher&) = delete;

  // Queues request `id` (< requests). Submitting an id twice is allowed and
  // shows up as times_answered == 2, so the invariant check can see it.
  void submit(std::uint32_t id);

  // No more submits: answers everything queued, then joins the threads.
  void finish();

  std::span<const Answer> answers() const { return answers_; }
  std::span<const BatchRecord> batches() const { return batches_; }
  const BatcherConfig& config() const { return config_; }

 private:
  struct Pending {
    std::uint32_t id;
    std::int64_t enqueued_ns;
  };

  RequestBatcher(const BatcherConfig& config, SimulatedModel& model, std::span<const float> inputs,
                 std::size_t requests);
  void dispatcher_main();
  void serial_handler_main();
  // Runs the model on `batch` and records the answers and the batch. The
  // caller holds model_mutex_ (serial) or is the only dispatcher (batched).
  void run_batch(std::span<const Pending> batch, std::int64_t dispatch_ns,
                 const RunQueueDelay& delay, std::int64_t delay_at_wait_ns);

  BatcherConfig config_;
  SimulatedModel& model_;
  std::span<const float> inputs_;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;  // guarded by queue_mutex_
  bool closed_ = false;        // guarded by queue_mutex_

  // The global lock of the serial variant; in batched mode only the
  // dispatcher touches the model, so it is uncontended.
  std::mutex model_mutex_;
  std::int64_t model_idle_since_ns_ = 0;  // guarded by model_mutex_
  std::vector<float> batch_inputs_;       // scratch, guarded by model_mutex_
  std::vector<float> batch_outputs_;      // scratch, guarded by model_mutex_
  std::vector<Answer> answers_;           // written under model_mutex_
  std::vector<BatchRecord> batches_;      // written under model_mutex_

  bool finished_ = false;
  std::vector<std::thread> threads_;  // last: joined before the state above goes
};

}  // namespace perfgate::workloads::batcher
