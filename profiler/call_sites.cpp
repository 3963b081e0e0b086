#include "profiler/call_sites.h"

#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <fnmatch.h>
#include <gelf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "profiler/dwfl_handle.h"
#include "profiler/symbolizer.h"

namespace perfgate::profiler {
namespace {

// The file offset of ELF address vaddr: inside an executable PT_LOAD
// segment, vaddr - p_vaddr + p_offset (what the kernel maps there).
std::optional<std::uint64_t> file_offset_of(Elf* elf, std::uint64_t vaddr) {
  std::size_t count = 0;
  if (elf_getphdrnum(elf, &count) != 0) return std::nullopt;
  for (std::size_t i = 0; i < count; ++i) {
    GElf_Phdr ph;
    if (gelf_getphdr(elf, static_cast<int>(i), &ph) == nullptr || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
      continue;
    if (vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_filesz) return vaddr - ph.p_vaddr + ph.p_offset;
  }
  return std::nullopt;
}

bool matches(const std::string& name, std::span<const std::string> names, NameMatch match) {
  return std::ranges::any_of(names, [&](const std::string& n) {
    return match == NameMatch::exact ? n == name : fnmatch(n.c_str(), name.c_str(), 0) == 0;
  });
}

// Whether the instruction at file offset `at` starts with a VEX (c4, c5) or
// EVEX (62) prefix, which in 64-bit mode always are. Unknown bytes count as
// vector code: better not counted than a corrupted program.
bool starts_with_vector_instruction(Elf* elf, std::uint64_t at) {
  std::size_t size = 0;
  const char* image = elf_rawfile(elf, &size);
  if (image == nullptr || at >= size) return true;
  const auto first = static_cast<unsigned char>(image[at]);
  return first == 0x62 || first == 0xc4 || first == 0xc5;
}

// Whether the ELF names itself in a DT_SONAME: a shared library (libc.so.6,
// which also runs as a program, has one; a PIE executable has none).
bool has_soname(Elf* elf) {
  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(elf, scn)) != nullptr) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == nullptr || sh.sh_type != SHT_DYNAMIC || sh.sh_entsize == 0) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (data == nullptr) return false;
    for (std::size_t i = 0; i < sh.sh_size / sh.sh_entsize; ++i) {
      GElf_Dyn dyn;
      if (gelf_getdyn(data, static_cast<int>(i), &dyn) == nullptr || dyn.d_tag == DT_NULL) break;
      if (dyn.d_tag == DT_SONAME) return true;
    }
  }
  return false;
}

}  // namespace

std::expected<std::vector<CallSite>, Error> find_call_sites(const std::string& path,
                                                            std::span<const std::string> names, NameMatch match,
                                                            std::vector<std::string>* unsafe) {
  auto unreadable = [&](const char* why) {
    return std::unexpected(Error{Error::Kind::bad_input, fmt::format("cannot read the symbols of {}: {}", path, why)});
  };
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return unreadable(std::strerror(errno));
  DwflHandle dwfl = new_dwfl();
  if (!dwfl) {
    close(fd);
    return unreadable(dwfl_errmsg(-1));
  }
  const std::string module = std::filesystem::path(path).filename().string();
  dwfl_report_begin(dwfl.get());
  // Reported at base 0 as the symbolizer does (dwfl owns fd from here): a
  // symbol's address less the module's bias is its ELF address.
  Dwfl_Module* mod = dwfl_report_elf(dwfl.get(), module.c_str(), path.c_str(), fd, 0, true);
  dwfl_report_end(dwfl.get(), nullptr, nullptr);
  if (mod == nullptr) return unreadable(dwfl_errmsg(-1));
  GElf_Addr bias = 0;
  Elf* elf = dwfl_module_getelf(mod, &bias);
  const int symbols = dwfl_module_getsymtab(mod);
  if (elf == nullptr || symbols < 0) return unreadable(dwfl_errmsg(-1));
  const bool shared_library = has_soname(elf);
  std::vector<CallSite> sites;
  for (int i = 1; i < symbols; ++i) {
    GElf_Sym sym;
    GElf_Addr addr = 0;
    GElf_Word shndx = 0;
    const char* raw = dwfl_module_getsym_info(mod, i, &sym, &addr, &shndx, nullptr, nullptr);
    if (raw == nullptr || GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_size == 0 || shndx == SHN_UNDEF) continue;
    std::string name = demangle(raw);
    if (!matches(name, names, match)) continue;
    const auto offset = file_offset_of(elf, addr - bias);
    if (!offset) continue;
    if (starts_with_vector_instruction(elf, *offset)) {
      if (unsafe != nullptr) unsafe->push_back(std::move(name));
      continue;
    }
    if (std::ranges::any_of(sites, [&](const CallSite& s) { return s.file_offset == *offset; }))
      continue;  // an alias (.symtab and .dynsym, or two names of one body)
    sites.push_back({std::move(name), module, path, *offset, shared_library});
  }
  std::ranges::sort(sites, {}, &CallSite::file_offset);
  return sites;
}

}  // namespace perfgate::profiler
