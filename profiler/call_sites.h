#pragma once
// Where to count calls: the entries of named functions in an ELF file, as
// file offsets for uprobes (RecordOptions::count_calls). Names are matched
// as the symbolizer writes them (demangled), from the same symbol tables:
// .symtab, the separate debug file's (by build-id), else .dynsym.

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include "profiler/error.h"

namespace perfgate::profiler {

// A function whose calls a recording counts.
struct CallSite {
  std::string function;  // demangled, as Frame::function
  std::string module;    // file name, as Frame::module
  std::string path;      // the ELF file the uprobe goes into
  std::uint64_t file_offset = 0;  // of the function's first instruction
};

// How find_call_sites compares names: exactly (functions from a profile),
// or as fnmatch(3) globs (`perfgate record --calls 'Lru*::serve*'`).
enum class NameMatch { exact, glob };

// The defined functions (STT_FUNC with a size) of the ELF at path whose
// names match one of names; a name defined by several symbols (static
// functions of different files) gives a site for each. Sorted by offset.
// Errors: bad_input when the file cannot be read as ELF.
std::expected<std::vector<CallSite>, Error> find_call_sites(const std::string& path,
                                                            std::span<const std::string> names, NameMatch match);

}  // namespace perfgate::profiler
