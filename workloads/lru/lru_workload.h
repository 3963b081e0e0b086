#pragma once
#include <memory>

#include "workloads/workload.h"

namespace perfgate::workloads::lru {

std::unique_ptr<Workload> make_workload();

}  // namespace perfgate::workloads::lru
