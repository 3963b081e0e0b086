#pragma once
// One libdwfl session per ELF file, as the symbolizer and the call-site
// finder open them: separate debug files are found by build-id
// (/usr/lib/debug/.build-id, DEBUGINFOD_URLS honoured). Internal to the
// profiler library.

#include <elfutils/libdwfl.h>

#include <memory>

namespace perfgate::profiler {

struct DwflDeleter {
  void operator()(Dwfl* d) const { dwfl_end(d); }
};
using DwflHandle = std::unique_ptr<Dwfl, DwflDeleter>;

// A new session, empty until a module is reported; null when elfutils fails.
DwflHandle new_dwfl();

}  // namespace perfgate::profiler
