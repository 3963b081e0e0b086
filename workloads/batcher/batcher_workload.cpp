// Placeholder until the real workload lands.
#include "workloads/batcher/batcher_workload.h"

namespace perfgate::workloads::batcher {
namespace {
class Placeholder final : public Workload {
 public:
  const Info& info() const override { return info_; }
  std::expected<Run, std::string> run(const Params&) const override {
    return std::unexpected(std::string("workload 'batcher' is not implemented yet"));
  }
 private:
  Info info_{.name = "batcher", .description = "not implemented yet", .category = "", .operation = "", .variants = {}, .slowdown_function = ""};
};
}  // namespace
std::unique_ptr<Workload> make_workload() { return std::make_unique<Placeholder>(); }
}  // namespace perfgate::workloads::batcher
