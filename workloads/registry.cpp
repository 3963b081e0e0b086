#include "workloads/registry.h"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

#include "workloads/batcher/batcher_workload.h"
#include "workloads/compression/compression_workload.h"
#include "workloads/consensus/consensus_workload.h"
#include "workloads/lru/lru_workload.h"
#include "workloads/sketches/sketches_workload.h"

namespace perfgate::workloads {
namespace {

std::vector<std::unique_ptr<Workload>> make_all() {
  std::vector<std::unique_ptr<Workload>> v;
  v.push_back(batcher::make_workload());
  v.push_back(compression::make_workload());
  v.push_back(consensus::make_workload());
  v.push_back(lru::make_workload());
  v.push_back(sketches::make_workload());
  std::ranges::sort(v, {}, [](const auto& w) { return w->info().name; });
  return v;
}

}  // namespace

std::span<const std::unique_ptr<Workload>> all() {
  static const std::vector<std::unique_ptr<Workload>> workloads = make_all();
  return workloads;
}

const Workload* find(std::string_view name) {
  for (const auto& w : all())
    if (w->info().name == name) return w.get();
  return nullptr;
}

std::expected<void, std::string> validate(const Workload& workload, const Params& params) {
  const Info& info = workload.info();
  if (!params.variant.empty() &&
      std::ranges::none_of(info.variants, [&](const auto& v) { return v.name == params.variant; })) {
    std::string known;
    for (const auto& v : info.variants) known += (known.empty() ? "" : ", ") + v.name;
    return std::unexpected(fmt::format("workload '{}' has no variant '{}' (variants: {})",
                                       info.name, params.variant, known));
  }
  // Every workload keeps its operations' latencies, and the batcher numbers
  // its requests in 32 bits.
  constexpr std::uint64_t kMaxOps = 4'000'000'000;
  if (params.ops > kMaxOps || params.warmup_ops > kMaxOps - params.ops)
    return std::unexpected(fmt::format("ops and warm-up operations must add up to at most {}, got {} and {}", kMaxOps,
                                       params.ops, params.warmup_ops));
  if (!(params.slowdown_percent >= 0.0 && params.slowdown_percent <= 1000.0))
    return std::unexpected(
        fmt::format("slowdown must be between 0 and 1000 percent, got {}", params.slowdown_percent));
  return {};
}

Params with_defaults(const Workload& workload, Params params) {
  const Info& info = workload.info();
  if (params.ops == 0)
    params.ops = params.size == Size::ci ? info.default_ops_ci : info.default_ops_nightly;
  if (params.warmup_ops == 0) params.warmup_ops = std::max<std::uint64_t>(params.ops / 10, 100);
  return params;
}

}  // namespace perfgate::workloads
