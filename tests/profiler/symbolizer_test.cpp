// The symbolizer on this test process's own mappings: no BPF needed.
#include "profiler/symbolizer.h"

#include <dlfcn.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>

#include "profiler/process_maps.h"

namespace perfgate::profiler {
namespace {

const Mapping* mapping_of(const ProcessMaps& maps, std::string_view path_part) {
  const auto& all = maps.mappings(getpid());
  auto it = std::find_if(all.begin(), all.end(),
                         [&](const Mapping& m) { return m.path.find(path_part) != std::string::npos; });
  return it == all.end() ? nullptr : &*it;
}

// The test plugin is built with -fno-omit-frame-pointer (as the workloads
// are), Debian's libc without: for leaves in the first the stack scan reads
// only the top words, glibc's frames it scans in full.
TEST(Symbolizer, TellsCodeBuiltWithFramePointersFromCodeWithout) {
  void* plugin = dlopen(PG_PLUGIN, RTLD_NOW);
  ASSERT_NE(plugin, nullptr) << dlerror();
  ProcessMaps maps;
  ASSERT_TRUE(maps.snapshot(getpid()));
  Symbolizer symbolizer;
  const Mapping* self = mapping_of(maps, "libpg_plugin.so");
  const Mapping* libc = mapping_of(maps, "libc.so");
  ASSERT_NE(self, nullptr);
  ASSERT_NE(libc, nullptr);
  EXPECT_FALSE(symbolizer.shallow_leaves(*self)) << "known before warm() loaded it";
  symbolizer.warm(maps, getpid());
  symbolizer.finish_warming();
  EXPECT_EQ(symbolizer.shallow_leaves(*self), std::optional<bool>(true));
  EXPECT_EQ(symbolizer.shallow_leaves(*libc), std::optional<bool>(false));
  // The vDSO is judged too (from the recorder's copy of its image).
  if (const Mapping* vdso = mapping_of(maps, "[vdso]")) {
    EXPECT_TRUE(symbolizer.shallow_leaves(*vdso).has_value());
  }
  dlclose(plugin);
}

// crti's _init has no size in .symtab. An address inside a sized symbol is
// named; past a sizeless one it is not (it may be a stripped static
// function); at the sizeless symbol's own address it is that symbol. A
// sample there is the first instruction of a library being initialized.
TEST(Symbolizer, NamesASizelessSymbolAtItsOwnAddress) {
  void* plugin = dlopen(PG_PLUGIN, RTLD_NOW);
  ASSERT_NE(plugin, nullptr) << dlerror();
  ProcessMaps maps;
  ASSERT_TRUE(maps.snapshot(getpid()));
  Symbolizer symbolizer;
  // _init is the first byte of the plugin's .init, at 0x1000 (readelf -S).
  std::uint64_t init = 0;
  for (const Mapping& m : maps.mappings(getpid()))
    if (m.path.find("libpg_plugin.so") != std::string::npos && m.pgoff == 0x1000) init = m.start;
  ASSERT_NE(init, 0u) << "no mapping of the plugin's code at file offset 0x1000";
  std::vector<Frame> at, past;
  symbolizer.user_frames(maps, getpid(), init, false, at);
  symbolizer.user_frames(maps, getpid(), init + 4, false, past);
  ASSERT_FALSE(at.empty());
  EXPECT_EQ(at.back().function, "_init");
  ASSERT_FALSE(past.empty());
  EXPECT_EQ(past.back().function, "libpg_plugin.so+0x1004");
  dlclose(plugin);
}

// A sample in a PLT stub (the plugin calling read() or steady_clock::now()
// through its .plt) is named as objdump and perf name it, `read@plt`: stubs
// have no symbols, and were `libpg_plugin.so+0x1090` before.
TEST(Symbolizer, NamesPltStubsByTheirTarget) {
  void* plugin = dlopen(PG_PLUGIN, RTLD_NOW);
  ASSERT_NE(plugin, nullptr) << dlerror();
  ProcessMaps maps;
  ASSERT_TRUE(maps.snapshot(getpid()));
  Symbolizer symbolizer;
  // .plt follows .init (readelf -S): a 16-byte header at 0x1020, then one
  // 16-byte stub per .rela.plt entry, then .plt.got.
  std::uint64_t code = 0;
  for (const Mapping& m : maps.mappings(getpid()))
    if (m.path.find("libpg_plugin.so") != std::string::npos && m.pgoff == 0x1000) code = m.start - 0x1000;
  ASSERT_NE(code, 0u);
  std::vector<std::string> stubs;
  for (std::uint64_t a = 0x1030;; a += 16) {
    std::vector<Frame> f;
    symbolizer.user_frames(maps, getpid(), code + a + 6, false, f);
    if (f.empty() || !f.back().function.ends_with("@plt")) break;
    stubs.push_back(f.back().function);
  }
  EXPECT_NE(std::ranges::find(stubs, "read@plt"), stubs.end()) << testing::PrintToString(stubs);
  EXPECT_NE(std::ranges::find(stubs, "std::chrono::_V2::steady_clock::now()@plt"), stubs.end())
      << testing::PrintToString(stubs);
  // .plt.got follows .plt: one 8-byte entry that jumps through the GOT slot
  // of a GLOB_DAT relocation (__cxa_finalize, called at unload).
  EXPECT_EQ(stubs.back(), "__cxa_finalize@plt") << testing::PrintToString(stubs);
  std::vector<Frame> header;
  symbolizer.user_frames(maps, getpid(), code + 0x1020, false, header);
  ASSERT_FALSE(header.empty());
  EXPECT_EQ(header.back().function, ".plt");  // the header: lazy binding's resolver call
  std::vector<Frame> after_header;
  symbolizer.user_frames(maps, getpid(), code + 0x102f, false, after_header);
  ASSERT_FALSE(after_header.empty());
  EXPECT_EQ(after_header.back().function, ".plt");
  dlclose(plugin);
}

}  // namespace
}  // namespace perfgate::profiler
