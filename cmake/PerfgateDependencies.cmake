# Every dependency comes from Debian packages (scripts/bootstrap installs them):
# CMake config packages where Debian ships them, pkg-config otherwise.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(yaml-cpp CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)

pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(LIBBPF REQUIRED IMPORTED_TARGET libbpf)
pkg_check_modules(LIBELF REQUIRED IMPORTED_TARGET libelf)
pkg_check_modules(LIBDW REQUIRED IMPORTED_TARGET libdw)

if(PERFGATE_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
endif()
if(PERFGATE_BUILD_BENCHMARKS)
  find_package(benchmark CONFIG REQUIRED)
endif()
