#pragma once
// Memory a timed operation will use, allocated and touched before the timer
// starts. On a VM the first write to a page can cost tens of microseconds (the
// guest's fault plus the host backing the page), and a few such faults per
// hundred operations set a workload's p99 — which then measures the machine's
// memory backing, differs from one process to the next, and does not scale
// with the work the operation does (so an injected slowdown barely moves it).

#include <cstddef>
#include <vector>

namespace perfgate::workloads::harness {

// Grows `v`'s capacity to at least `n` elements and writes every page of it,
// keeping its size and contents: later push_backs up to `n` neither
// reallocate nor page-fault.
template <class T>
void touch_capacity(std::vector<T>& v, std::size_t n) {
  if (n <= v.size()) return;
  const std::size_t size = v.size();
  v.resize(n);  // value-initializes, i.e. writes, every new element
  v.resize(size);
}

}  // namespace perfgate::workloads::harness
