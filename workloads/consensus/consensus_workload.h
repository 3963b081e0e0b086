#pragma once
#include <memory>

#include "workloads/workload.h"

namespace perfgate::workloads::consensus {

std::unique_ptr<Workload> make_workload();

}  // namespace perfgate::workloads::consensus
