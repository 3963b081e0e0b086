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
  // The file is a shared library (it has a DT_SONAME): other processes on
  // the machine map it too (libc), so its uprobes go into the launched or
  // attached process only. An executable's go into every process that maps
  // it, and the BPF side counts those of the recorded process tree: a
  // forked child's calls too (`/bin/sh -c CMD` forks CMD).
  bool shared_library = false;
};

// How find_call_sites compares names: exactly (functions from a profile),
// or as fnmatch(3) globs (`perfgate record --calls 'Lru*::serve*'`).
enum class NameMatch { exact, glob };

// The defined functions (STT_FUNC with a size) of the ELF at path whose
// names match one of names; a name defined by several symbols (static
// functions of different files) gives a site for each. Sorted by offset.
// A function whose first instruction is VEX- or EVEX-encoded (AVX, AVX-512:
// glibc's __memset_avx512_unaligned_erms starts with vpbroadcastb
// %esi,%zmm16) is left out and its name added to *unsafe: on this machine's
// kernel (6.18) a uprobe there corrupted the program's results — memset
// under a uprobe broke the sketches workload's invariants and made zstd
// fail. Errors: bad_input when the file cannot be read as ELF.
std::expected<std::vector<CallSite>, Error> find_call_sites(const std::string& path,
                                                            std::span<const std::string> names, NameMatch match,
                                                            std::vector<std::string>* unsafe = nullptr);

}  // namespace perfgate::profiler
