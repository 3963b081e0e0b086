#include "workloads/batcher/batch_invariants.h"

#include <fmt/format.h>

#include <algorithm>

namespace perfgate::workloads::batcher {

std::vector<Invariant> check_batcher_invariants(std::span<const Answer> answers,
                                                std::size_t submitted,
                                                std::span<const BatchRecord> batches,
                                                const InvariantLimits& limits) {
  std::vector<Invariant> out;

  std::size_t unanswered = 0, repeated = 0, first_bad = submitted;
  for (std::size_t i = 0; i < submitted && i < answers.size(); ++i) {
    const std::uint32_t n = answers[i].times_answered;
    if (n == 0) ++unanswered;
    if (n > 1) ++repeated;
    if (n != 1 && first_bad == submitted) first_bad = i;
  }
  if (answers.size() < submitted) unanswered += submitted - answers.size();
  std::uint64_t answered_in_batches = 0;
  for (const auto& b : batches) answered_in_batches += b.size;
  const bool once = unanswered == 0 && repeated == 0 && answered_in_batches == submitted;
  out.push_back(Invariant{
      .name = "every request answered exactly once",
      .passed = once,
      .detail = once ? fmt::format("{} requests, {} answers in {} batches", submitted,
                                   answered_in_batches, batches.size())
                     : fmt::format("{} requests: {} unanswered, {} answered more than once "
                                   "(first bad id {}), {} answers in batches",
                                   submitted, unanswered, repeated, first_bad,
                                   answered_in_batches)});

  std::uint32_t largest = 0;
  for (const auto& b : batches) largest = std::max(largest, b.size);
  out.push_back(Invariant{
      .name = fmt::format("batch size <= {}", limits.max_batch),
      .passed = largest <= limits.max_batch,
      .detail = fmt::format("largest batch {} of {} batches", largest, batches.size())});

  std::size_t late = 0;
  std::int64_t worst_hold = 0;
  for (const auto& b : batches) {
    const std::int64_t hold =
        b.dispatch_ns - std::max(b.oldest_enqueued_ns, b.idle_since_ns) - b.run_queue_delay_ns;
    worst_hold = std::max(worst_hold, hold);
    if (hold > limits.max_wait_ns + limits.tolerance_ns) ++late;
  }
  const bool timely =
      static_cast<double>(late) <= limits.allowed_late_share * static_cast<double>(batches.size());
  out.push_back(Invariant{
      .name = "no request waits past max_wait while the model is idle",
      .passed = timely,
      .detail = fmt::format("{} of {} batches held > max_wait {} us + {} us tolerance "
                            "(allowed {:.1f} %); worst hold {:.1f} us, run-queue delay excluded",
                            late, batches.size(), limits.max_wait_ns / 1000,
                            limits.tolerance_ns / 1000, limits.allowed_late_share * 100,
                            static_cast<double>(worst_hold) / 1e3)});
  return out;
}

}  // namespace perfgate::workloads::batcher
