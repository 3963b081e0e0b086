#include "profiler/symbolizer.h"

#include "profiler/bpf/sampler.h"

#include <cxxabi.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <fmt/format.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "profiler/dwfl_handle.h"

namespace perfgate::profiler {

std::string demangle(const char* name) {
  if (name == nullptr) return {};
  if (name[0] == '_' && name[1] == 'Z') {
    int status = 0;
    char* out = abi::__cxa_demangle(name, nullptr, nullptr, &status);
    if (status == 0 && out != nullptr) {
      std::string s(out);
      std::free(out);
      return s;
    }
    std::free(out);
  }
  return name;
}

namespace {

// Dwfl_Callbacks keeps a pointer to this: it must outlive every Dwfl (field
// note). nullptr = elfutils' default search path.
char* g_debuginfo_path = nullptr;

const Dwfl_Callbacks kCallbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &g_debuginfo_path,
};

struct Load {
  std::uint64_t offset, filesz, vaddr;
};

std::string basename_of(const std::string& path) {
  auto slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (auto del = name.find(" (deleted)"); del != std::string::npos) name.resize(del);
  return name;
}

// One ELF file: its own Dwfl holding just this module at bias 0, so module
// addresses are the ELF's virtual addresses and the module can be shared by
// every process that maps the same build-id.
struct Module {
  DwflHandle dwfl;
  Dwfl_Module* mod = nullptr;
  std::string name;
  std::string build_id;
  std::vector<Load> loads;
  std::unordered_map<std::uint64_t, std::vector<Frame>> cache;  // lookup vaddr -> frames, leaf first
  bool warm = false;  // symbol table and DWARF loaded (Symbolizer::warm)
  std::unordered_map<std::uint64_t, int> frame_words_cache;     // vaddr -> frameless frame words, -1: none

  std::uint64_t to_vaddr(const Mapping& m, std::uint64_t addr) const {
    const std::uint64_t file_off = m.pgoff + (addr - m.start);
    for (const auto& l : loads)
      if (file_off >= l.offset && file_off < l.offset + l.filesz) return l.vaddr + (file_off - l.offset);
    return file_off;
  }
};

std::unique_ptr<Module> open_module(const MappedFile& file) {
  auto m = std::make_unique<Module>();
  m->name = basename_of(file.path);
  m->dwfl = new_dwfl();
  if (!m->dwfl) return nullptr;
  const int fd = dup(file.fd.get());  // dwfl takes ownership of the fd it is given
  if (fd < 0) return nullptr;
  dwfl_report_begin(m->dwfl.get());
  m->mod = dwfl_report_elf(m->dwfl.get(), m->name.c_str(), file.path.c_str(), fd, 0, true);
  dwfl_report_end(m->dwfl.get(), nullptr, nullptr);
  if (m->mod == nullptr) {
    return nullptr;
  }
  const unsigned char* bits = nullptr;
  GElf_Addr vaddr = 0;
  const int n = dwfl_module_build_id(m->mod, &bits, &vaddr);
  for (int i = 0; i < n; ++i) m->build_id += fmt::format("{:02x}", bits[i]);
  GElf_Addr bias = 0;
  if (Elf* elf = dwfl_module_getelf(m->mod, &bias)) {
    std::size_t phnum = 0;
    if (elf_getphdrnum(elf, &phnum) == 0)
      for (std::size_t i = 0; i < phnum; ++i) {
        GElf_Phdr ph;
        if (gelf_getphdr(elf, static_cast<int>(i), &ph) && ph.p_type == PT_LOAD)
          m->loads.push_back({ph.p_offset, ph.p_filesz, ph.p_vaddr});
      }
  }
  return m;
}

// The CFA rule at module address vaddr: (DWARF register, offset) when it is
// register + offset, from .eh_frame (in every x86-64 ELF, stripped or not),
// else .debug_frame (only where debug info is).
std::optional<std::pair<unsigned, std::int64_t>> cfa_rule(Module& mod, std::uint64_t vaddr) {
  Dwarf_Addr bias = 0;
  Dwarf_CFI* cfi = dwfl_module_eh_cfi(mod.mod, &bias);
  Dwarf_Frame* frame = nullptr;
  if (cfi == nullptr || dwarf_cfi_addrframe(cfi, vaddr - bias, &frame) != 0) {
    cfi = dwfl_module_dwarf_cfi(mod.mod, &bias);
    if (cfi == nullptr || dwarf_cfi_addrframe(cfi, vaddr - bias, &frame) != 0) return std::nullopt;
  }
  std::optional<std::pair<unsigned, std::int64_t>> rule;
  Dwarf_Op* ops = nullptr;
  std::size_t nops = 0;
  if (dwarf_frame_cfa(frame, &ops, &nops) == 0 && nops == 1) {
    if (ops[0].atom == DW_OP_bregx)
      rule.emplace(static_cast<unsigned>(ops[0].number), static_cast<std::int64_t>(ops[0].number2));
    else if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31)
      rule.emplace(ops[0].atom - DW_OP_breg0, static_cast<std::int64_t>(ops[0].number));
  }
  std::free(frame);
  return rule;
}

// DWARF register numbers on x86-64.
constexpr unsigned kRbp = 6, kRsp = 7;

// The C runtime's start-up stubs linked into every ELF have no frame
// pointers whatever the module's own code has (and are never hot).
constexpr std::array<std::string_view, 6> kRuntimeStubs{
    "_start", "deregister_tm_clones", "register_tm_clones", "__do_global_dtors_aux", "frame_dummy", "_dl_relocate_static_pie"};

// Whether a leaf anywhere in the module keeps its return address within the
// top PG_SHALLOW_SCAN_WORDS stack words or has an rbp frame, so that the
// stack scan may stop there: true when, in >= 95 % of (up to 400, evenly
// picked) functions of >= 32 bytes, the CFA at a quarter, half and three
// quarters of the function is rbp-based or at most rsp + 8 ·
// PG_SHALLOW_SCAN_WORDS. Code built with frame pointers is (GCC leaves a
// leaf that needs no stack frameless, and shrink-wraps fast paths before
// the prologue, both with the return address on top); Debian's libc,
// libstdc++ and ld.so, with frames of dozens of words, are not.
bool has_shallow_leaves(Module& mod) {
  const int n = dwfl_module_getsymtab(mod.mod);
  if (n <= 1) return false;
  const int step = std::max(1, n / 400);
  int checked = 0, shallow = 0;
  for (int i = 1; i < n; i += step) {
    GElf_Sym sym;
    GElf_Addr addr = 0;
    GElf_Word shndx = 0;
    Elf* elf = nullptr;
    Dwarf_Addr bias = 0;
    const char* name = dwfl_module_getsym_info(mod.mod, i, &sym, &addr, &shndx, &elf, &bias);
    if (name == nullptr || GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_size < 32) continue;
    if (std::ranges::find(kRuntimeStubs, std::string_view(name)) != kRuntimeStubs.end()) continue;
    bool any_cfi = false, ok = true;
    for (std::uint64_t quarter = 1; quarter <= 3; ++quarter) {
      const auto rule = cfa_rule(mod, addr + sym.st_size * quarter / 4);
      if (!rule) continue;
      any_cfi = true;
      ok = ok && (rule->first == kRbp || (rule->first == kRsp && rule->second <= 8 * PG_SHALLOW_SCAN_WORDS));
    }
    if (!any_cfi) continue;
    ++checked;
    shallow += ok ? 1 : 0;
  }
  return checked >= 3 && shallow * 100 >= checked * 95;
}

// The name of the symbol of relocation `index` of section `rela`, or "".
std::string relocation_target(Elf* elf, Elf_Scn* rela, std::size_t index) {
  GElf_Shdr rela_sh, syms_sh;
  if (rela == nullptr || gelf_getshdr(rela, &rela_sh) == nullptr) return "";
  Elf_Scn* syms = elf_getscn(elf, rela_sh.sh_link);
  Elf_Data* rela_data = elf_getdata(rela, nullptr);
  Elf_Data* syms_data = syms ? elf_getdata(syms, nullptr) : nullptr;
  GElf_Rela r;
  GElf_Sym sym;
  if (syms_data == nullptr || gelf_getshdr(syms, &syms_sh) == nullptr || rela_data == nullptr ||
      gelf_getrela(rela_data, static_cast<int>(index), &r) == nullptr ||
      gelf_getsym(syms_data, static_cast<int>(GELF_R_SYM(r.r_info)), &sym) == nullptr)
    return "";
  const char* target = elf_strptr(elf, syms_sh.sh_link, sym.st_name);
  return target ? target : "";
}

// The entry of .plt.got holding addr jumps through a GOT slot (`jmp
// *disp32(%rip)`, ff 25, after an endbr64 with IBT); the .rela.dyn
// relocation that fills that slot (GLOB_DAT) names the target. Index into
// .rela.dyn, or nullopt.
std::optional<std::size_t> plt_got_relocation(Elf_Scn* plt_got, const GElf_Shdr& sh, Elf_Scn* rela_dyn,
                                              std::uint64_t addr) {
  const std::uint64_t entry_size = sh.sh_entsize >= 8 ? sh.sh_entsize : 8;
  const std::uint64_t offset = (addr - sh.sh_addr) / entry_size * entry_size;
  Elf_Data* code = elf_getdata(plt_got, nullptr);
  GElf_Shdr rela_sh;
  if (code == nullptr || code->d_buf == nullptr || rela_dyn == nullptr || gelf_getshdr(rela_dyn, &rela_sh) == nullptr)
    return std::nullopt;
  const auto* bytes = static_cast<const unsigned char*>(code->d_buf);
  for (std::uint64_t i = offset; i + 6 <= std::min<std::uint64_t>(offset + entry_size, code->d_size); ++i) {
    if (bytes[i] != 0xff || bytes[i + 1] != 0x25) continue;
    std::int32_t disp = 0;
    std::memcpy(&disp, bytes + i + 2, sizeof disp);
    const std::uint64_t slot = sh.sh_addr + i + 6 + static_cast<std::uint64_t>(static_cast<std::int64_t>(disp));
    Elf_Data* rela_data = elf_getdata(rela_dyn, nullptr);
    const std::size_t count = rela_sh.sh_entsize ? rela_sh.sh_size / rela_sh.sh_entsize : 0;
    GElf_Rela r;
    for (std::size_t k = 0; rela_data != nullptr && k < count; ++k)
      if (gelf_getrela(rela_data, static_cast<int>(k), &r) != nullptr && r.r_offset == slot) return k;
    return std::nullopt;
  }
  return std::nullopt;
}

// The stub of .plt, .plt.sec or .plt.got holding ELF address addr, named as
// objdump and perf name it (`read@plt`), or nullopt. Stubs have no symbols:
// x86-64's 16-byte entry k of .plt.sec, or k + 1 of .plt (after its header),
// jumps through the k-th relocation of .rela.plt, whose symbol is the
// target; see plt_got_relocation for .plt.got. The header itself (entry 0 of
// .plt: push the link map, jump to the lazy-binding resolver) is `.plt`, as
// perf names it since 6.3.
std::optional<std::string> plt_stub_name(Module& mod, std::uint64_t addr) {
  constexpr std::uint64_t kEntry = 16;
  GElf_Addr bias = 0;
  Elf* elf = dwfl_module_getelf(mod.mod, &bias);
  std::size_t shstrndx = 0;
  if (elf == nullptr || elf_getshdrstrndx(elf, &shstrndx) != 0) return std::nullopt;
  addr -= bias;
  std::optional<std::uint64_t> index;
  Elf_Scn *rela_plt = nullptr, *rela_dyn = nullptr, *plt_got = nullptr;
  GElf_Shdr plt_got_sh{};
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == nullptr) continue;
    const char* name = elf_strptr(elf, shstrndx, sh.sh_name);
    if (name == nullptr) continue;
    const std::string_view n(name);
    if (n == ".rela.plt") rela_plt = scn;
    if (n == ".rela.dyn") rela_dyn = scn;
    if (addr < sh.sh_addr || addr >= sh.sh_addr + sh.sh_size) continue;
    const bool plt = n == ".plt", sec = n == ".plt.sec";
    if (plt || sec) {
      const std::uint64_t entry = (addr - sh.sh_addr) / kEntry;
      if (plt && entry == 0) return ".plt";
      index = sec ? entry : entry - 1;
    } else if (n == ".plt.got") {
      plt_got = scn;
      plt_got_sh = sh;
    }
  }
  std::string target;
  if (index)
    target = relocation_target(elf, rela_plt, *index);
  else if (auto k = plt_got ? plt_got_relocation(plt_got, plt_got_sh, rela_dyn, addr) : std::nullopt)
    target = relocation_target(elf, rela_dyn, *k);
  if (target.empty()) return std::nullopt;
  return demangle(target.c_str()) + "@plt";
}

// Name of an inlined subroutine: its abstract origin's linkage name
// (demangled, so it is qualified like the symbol names), else DW_AT_name.
std::string inlined_name(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  const char* linkage = nullptr;
  if (dwarf_attr_integrate(die, DW_AT_linkage_name, &attr) ||
      dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr))
    linkage = dwarf_formstring(&attr);
  if (linkage) return demangle(linkage);
  if (dwarf_attr_integrate(die, DW_AT_name, &attr))
    if (const char* name = dwarf_formstring(&attr)) return name;
  return "[inlined]";
}

struct KernelSymbol {
  std::uint64_t addr;
  std::string name;
  std::string module;
};

// Text and weak symbols of /proc/kallsyms, sorted by address. The kernel
// formats ~200 000 lines on every read, which costs about 0.1 s.
std::vector<KernelSymbol> load_kallsyms() {
  std::vector<KernelSymbol> out;
  std::ifstream in("/proc/kallsyms");
  std::string line;
  while (std::getline(in, line)) {
    // "ffffffff81000000 T _stext\t[module]"
    char* end = nullptr;
    const std::uint64_t addr = std::strtoull(line.c_str(), &end, 16);
    if (addr == 0 || end == nullptr || line.size() < 19) continue;
    const std::size_t type_pos = static_cast<std::size_t>(end - line.c_str()) + 1;
    if (type_pos + 2 >= line.size()) continue;
    const char type = line[type_pos];
    if (type != 't' && type != 'T' && type != 'w' && type != 'W') continue;
    std::string rest = line.substr(type_pos + 2);
    std::string module = "[kernel.kallsyms]";
    if (auto tab = rest.find('\t'); tab != std::string::npos) {
      module = rest.substr(tab + 1);
      rest.resize(tab);
    }
    out.push_back({addr, std::move(rest), std::move(module)});
  }
  std::sort(out.begin(), out.end(), [](const KernelSymbol& a, const KernelSymbol& b) { return a.addr < b.addr; });
  return out;
}

// Work done ahead while the target runs must not take a CPU from it (the
// profile would measure a slower program): SCHED_IDLE threads run only on a
// CPU that would otherwise idle.
void run_when_idle() {
  sched_param p{};
  pthread_setschedparam(pthread_self(), SCHED_IDLE, &p);
}

// Before waiting for such a thread, give it a normal share again (a failure
// — no CAP_SYS_NICE — only makes the wait longer).
void run_normally(std::thread& t) {
  sched_param p{};
  pthread_setschedparam(t.native_handle(), SCHED_OTHER, &p);
}

}  // namespace

struct Symbolizer::Impl {
  // Background loading of modules while the recording runs (warm()). The
  // worker alone touches the module maps until finish_warming() joins it.
  struct WarmItem {
    Mapping mapping;
    MappedFile file;
  };
  struct Warming {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<WarmItem> items;  // guarded by mutex
    bool stop = false;           // guarded by mutex: finish the queue, then exit
    std::set<std::pair<std::uint64_t, std::uint64_t>> queued;  // (dev, inode); caller's thread only
    // (dev, inode) -> has_shallow_leaves, for each file warmed; guarded by mutex.
    std::map<std::pair<std::uint64_t, std::uint64_t>, bool> shallow_leaves;
    std::thread worker;
  } warming;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  // The threads use this object: they must be gone before the members are.
  ~Impl() {
    stop_warming();
    if (kallsyms_thread.joinable()) kallsyms_thread.join();
  }

  void stop_warming() {
    if (!warming.worker.joinable()) return;
    {
      std::lock_guard lock(warming.mutex);
      warming.stop = true;
    }
    warming.ready.notify_one();
    run_normally(warming.worker);
    warming.worker.join();
  }

  void warm_loop() {
    run_when_idle();
    for (;;) {
      std::unique_lock lock(warming.mutex);
      warming.ready.wait(lock, [this] { return warming.stop || !warming.items.empty(); });
      if (warming.items.empty()) return;
      WarmItem item = std::move(warming.items.front());
      warming.items.pop_front();
      lock.unlock();
      Module* mod = module_for(item.mapping, item.file);
      if (mod == nullptr || mod->warm) continue;
      mod->warm = true;
      // Symbols and .eh_frame are enough for this; the DWARF (slower, a
      // separate debug file) comes after.
      const bool shallow = has_shallow_leaves(*mod);
      {
        std::lock_guard shallow_lock(warming.mutex);
        warming.shallow_leaves[{item.mapping.dev, item.mapping.inode}] = shallow;
      }
      Dwarf_Addr bias = 0;
      dwfl_module_getdwarf(mod->mod, &bias);
    }
  }

  std::map<std::pair<std::uint64_t, std::uint64_t>, Module*> by_file;  // (dev, inode)
  std::map<std::string, std::unique_ptr<Module>> by_build_id;          // the cache (DESIGN §7)
  std::vector<std::unique_ptr<Module>> without_build_id;
  std::vector<KernelSymbol> kallsyms;
  bool kallsyms_loaded = false;
  std::thread kallsyms_thread;                   // prefetch_kernel_symbols(): fills kallsyms_prefetched
  std::vector<KernelSymbol> kallsyms_prefetched;  // owned by kallsyms_thread until joined

  Module* module_for(const Mapping& m, const MappedFile& file) {
    const auto key = std::make_pair(m.dev, m.inode);
    if (auto it = by_file.find(key); it != by_file.end()) return it->second;
    auto mod = open_module(file);
    Module* result = nullptr;
    if (mod && !mod->build_id.empty()) {
      auto [it, inserted] = by_build_id.try_emplace(mod->build_id, nullptr);
      if (inserted) it->second = std::move(mod);
      result = it->second.get();
    } else if (mod) {
      without_build_id.push_back(std::move(mod));
      result = without_build_id.back().get();
    }
    by_file[key] = result;
    return result;
  }

  void ensure_kallsyms() {
    if (kallsyms_loaded) return;
    kallsyms_loaded = true;
    if (kallsyms_thread.joinable()) {
      run_normally(kallsyms_thread);
      kallsyms_thread.join();
      kallsyms = std::move(kallsyms_prefetched);
    } else {
      kallsyms = load_kallsyms();
    }
  }
};

std::optional<unsigned> Symbolizer::frameless_frame_words(const ProcessMaps& maps, pid_t tgid, std::uint64_t pc,
                                                         bool is_return) {
  finish_warming();
  const Mapping* mapping = maps.find(tgid, pc);
  const MappedFile* file = mapping ? maps.file(*mapping) : nullptr;
  Module* mod = file ? impl_->module_for(*mapping, *file) : nullptr;
  if (mod == nullptr) return std::nullopt;
  std::uint64_t vaddr = mod->to_vaddr(*mapping, pc);
  if (is_return && vaddr > 0) --vaddr;
  auto [it, inserted] = mod->frame_words_cache.try_emplace(vaddr, -1);
  if (inserted) {
    // CFA = rsp + N: the function has not linked an rbp frame here; its
    // return address is at CFA - 8.
    if (const auto rule = cfa_rule(*mod, vaddr); rule && rule->first == kRsp) {
      const std::int64_t cfa = rule->second;
      if (cfa >= 8 && cfa % 8 == 0 && cfa <= 8 * PG_SCAN_WORDS) it->second = static_cast<int>(cfa / 8);
    }
  }
  if (it->second < 0) return std::nullopt;
  return static_cast<unsigned>(it->second);
}

void Symbolizer::warm(const ProcessMaps& maps, pid_t tgid) {
  auto& w = impl_->warming;
  for (const Mapping& m : maps.mappings(tgid)) {
    const MappedFile* file = maps.file(m);
    if (file == nullptr || !w.queued.insert({m.dev, m.inode}).second) continue;
    // The worker gets its own copy and fd: the maps keep changing meanwhile.
    Impl::WarmItem item{m, MappedFile{UniqueFd(dup(file->fd.get())), file->path}};
    if (!item.file.fd) continue;
    {
      std::lock_guard lock(w.mutex);
      w.items.push_back(std::move(item));
    }
    w.ready.notify_one();
    if (!w.worker.joinable()) w.worker = std::thread([impl = impl_.get()] { impl->warm_loop(); });
  }
}

void Symbolizer::finish_warming() { impl_->stop_warming(); }

std::optional<bool> Symbolizer::shallow_leaves(const Mapping& m) const {
  std::lock_guard lock(impl_->warming.mutex);
  const auto it = impl_->warming.shallow_leaves.find({m.dev, m.inode});
  if (it == impl_->warming.shallow_leaves.end()) return std::nullopt;
  return it->second;
}

void Symbolizer::prefetch_kernel_symbols() {
  if (impl_->kallsyms_loaded || impl_->kallsyms_thread.joinable()) return;
  impl_->kallsyms_thread = std::thread([impl = impl_.get()] {
    run_when_idle();
    impl->kallsyms_prefetched = load_kallsyms();
  });
}

Symbolizer::Symbolizer() : impl_(std::make_unique<Impl>()) {}
Symbolizer::Symbolizer(Symbolizer&&) noexcept = default;
Symbolizer& Symbolizer::operator=(Symbolizer&&) noexcept = default;
Symbolizer::~Symbolizer() = default;

void Symbolizer::kernel_frame(std::uint64_t addr, std::vector<Frame>& out) {
  impl_->ensure_kallsyms();
  Frame f;
  f.kind = FrameKind::kernel;
  f.offset = addr;
  const auto& syms = impl_->kallsyms;
  auto it = std::upper_bound(syms.begin(), syms.end(), addr,
                             [](std::uint64_t a, const KernelSymbol& s) { return a < s.addr; });
  if (it == syms.begin()) {
    f.module = "[kernel.kallsyms]";
    f.function = fmt::format("[kernel.kallsyms]+0x{:x}", addr);
  } else {
    --it;
    f.module = it->module;
    f.function = it->name;
  }
  out.push_back(std::move(f));
}

void Symbolizer::user_frames(const ProcessMaps& maps, pid_t tgid, std::uint64_t addr, bool is_return,
                             std::vector<Frame>& out) {
  finish_warming();
  const Mapping* mapping = maps.find(tgid, addr);
  if (mapping == nullptr) {
    out.push_back({fmt::format("[unknown]+0x{:x}", addr), "[unknown]", "", addr, false, FrameKind::user});
    return;
  }
  const MappedFile* file = maps.file(*mapping);
  Module* mod = file ? impl_->module_for(*mapping, *file) : nullptr;
  if (mod == nullptr) {
    const std::string name = mapping->path.empty() ? "[anon]" : basename_of(mapping->path);
    const std::uint64_t off = addr - mapping->start + mapping->pgoff;
    out.push_back({fmt::format("{}+0x{:x}", name, off), name, "", off, false, FrameKind::user});
    return;
  }
  const std::uint64_t vaddr = mod->to_vaddr(*mapping, addr);
  const std::uint64_t lookup = is_return && vaddr > 0 ? vaddr - 1 : vaddr;
  if (auto it = mod->cache.find(lookup); it != mod->cache.end()) {
    out.insert(out.end(), it->second.begin(), it->second.end());
    return;
  }

  std::vector<Frame> frames;
  Frame base;
  base.module = mod->name;
  base.build_id = mod->build_id;
  base.offset = vaddr;

  // Inline chain, innermost first, from the DWARF scopes around the address.
  Dwarf_Addr dbias = 0;
  if (Dwarf_Die* cu = dwfl_module_addrdie(mod->mod, lookup, &dbias)) {
    Dwarf_Die* scopes = nullptr;
    const int n = dwarf_getscopes(cu, lookup - dbias, &scopes);
    for (int i = 0; i < n; ++i) {
      const int tag = dwarf_tag(&scopes[i]);
      if (tag == DW_TAG_subprogram) break;
      if (tag != DW_TAG_inlined_subroutine) continue;
      Frame f = base;
      f.function = inlined_name(&scopes[i]);
      f.inlined = true;
      frames.push_back(std::move(f));
    }
    std::free(scopes);
  }

  GElf_Off sym_off = 0;
  GElf_Sym sym;
  GElf_Word shndx = 0;
  Elf* elf = nullptr;
  Dwarf_Addr sbias = 0;
  const char* name = dwfl_module_addrinfo(mod->mod, lookup, &sym_off, &sym, &shndx, &elf, &sbias);
  Frame f = base;
  // A symbol only counts when the address lies inside it: a stripped static
  // function must not be charged to the exported symbol before it. A symbol
  // without a size (crti's _init and _fini) still owns its first address.
  if (name != nullptr && (sym_off < sym.st_size || sym_off == 0)) {
    f.function = demangle(name);
    f.symbol_size = sym.st_size;  // the gate's complexity estimate (gate/hotspots.h); 0 when unknown
  } else if (auto stub = plt_stub_name(*mod, lookup))
    f.function = std::move(*stub);
  else
    f.function = fmt::format("{}+0x{:x}", mod->name, vaddr);
  frames.push_back(std::move(f));

  out.insert(out.end(), frames.begin(), frames.end());
  mod->cache.emplace(lookup, std::move(frames));
}

DwflHandle new_dwfl() { return DwflHandle(dwfl_begin(&kCallbacks)); }

}  // namespace perfgate::profiler
