# bpf_skeleton(<target> <source.bpf.c> <skeleton-name>)
# Compiles a BPF C program with clang -target bpf against the UAPI headers and
# embeds the object in <build>/generated/<skeleton-name>.skel.h with
# `bpftool gen skeleton`, so nothing ships beside the binary (DESIGN §2).
# <target> gets the generated directory on its include path.
find_program(PERFGATE_BPF_CLANG NAMES clang clang-14 REQUIRED)
find_program(PERFGATE_BPFTOOL NAMES bpftool PATHS /usr/sbin /usr/local/sbin REQUIRED)

function(bpf_skeleton target source name)
  get_filename_component(_src "${source}" ABSOLUTE)
  get_filename_component(_dir "${_src}" DIRECTORY)
  set(_out_dir "${CMAKE_BINARY_DIR}/generated/bpf")
  set(_obj "${_out_dir}/${name}.bpf.o")
  set(_skel "${_out_dir}/${name}.skel.h")
  file(GLOB _headers CONFIGURE_DEPENDS "${_dir}/*.h")
  execute_process(COMMAND uname -m OUTPUT_VARIABLE _arch OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(_arch STREQUAL "x86_64")
    set(_target_arch x86)
  elseif(_arch STREQUAL "aarch64")
    set(_target_arch arm64)
  else()
    set(_target_arch ${_arch})
  endif()
  add_custom_command(
    OUTPUT "${_skel}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${_out_dir}"
    COMMAND ${PERFGATE_BPF_CLANG} -O2 -g -target bpf -D__TARGET_ARCH_${_target_arch}
            -I/usr/include/${_arch}-linux-gnu -I${_dir} -c "${_src}" -o "${_obj}"
    COMMAND ${PERFGATE_BPFTOOL} gen skeleton "${_obj}" name ${name} > "${_skel}"
    DEPENDS "${_src}" ${_headers}
    COMMENT "BPF skeleton ${name}.skel.h"
    VERBATIM)
  add_custom_target(${name}_skeleton DEPENDS "${_skel}")
  add_dependencies(${target} ${name}_skeleton)
  # SYSTEM: the generated header uses C casts that -Wold-style-cast rejects.
  target_include_directories(${target} SYSTEM PRIVATE "${_out_dir}")
endfunction()
