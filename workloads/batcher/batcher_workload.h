#pragma once
#include <memory>

#include "workloads/workload.h"

namespace perfgate::workloads::batcher {

std::unique_ptr<Workload> make_workload();

}  // namespace perfgate::workloads::batcher
