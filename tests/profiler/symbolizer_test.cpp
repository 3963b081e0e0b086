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

}  // namespace
}  // namespace perfgate::profiler
