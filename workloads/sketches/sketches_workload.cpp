// Placeholder until the real workload lands.
#include "workloads/sketches/sketches_workload.h"

namespace perfgate::workloads::sketches {
namespace {
class Placeholder final : public Workload {
 public:
  const Info& info() const override { return info_; }
  std::expected<Run, std::string> run(const Params&) const override {
    return std::unexpected(std::string("workload 'sketches' is not implemented yet"));
  }
 private:
  Info info_{.name = "sketches", .description = "not implemented yet", .category = "", .operation = "", .variants = {}, .slowdown_function = ""};
};
}  // namespace
std::unique_ptr<Workload> make_workload() { return std::make_unique<Placeholder>(); }
}  // namespace perfgate::workloads::sketches
