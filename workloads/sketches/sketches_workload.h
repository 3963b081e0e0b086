#pragma once
#include <memory>

#include "workloads/workload.h"

namespace perfgate::workloads::sketches {

std::unique_ptr<Workload> make_workload();

}  // namespace perfgate::workloads::sketches
