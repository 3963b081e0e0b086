# Warnings, sanitizers and frame pointers, applied to every perfgate target via
# perfgate_target_defaults(). Frame pointers are on everywhere: the profiler
# walks stacks with them, and perfgate profiles its own workloads.
set(PERFGATE_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wold-style-cast -Wcast-align -Wimplicit-fallthrough
    # Designated initializers that rely on default member initializers are the
    # point of them; GCC 12 still warns about the omitted fields.
    -Wno-missing-field-initializers)
if(PERFGATE_WERROR)
  list(APPEND PERFGATE_WARNINGS -Werror)
endif()

set(PERFGATE_FRAME_POINTER_FLAGS -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer)

if(PERFGATE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

function(perfgate_target_defaults target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:${PERFGATE_WARNINGS}> ${PERFGATE_FRAME_POINTER_FLAGS})
endfunction()
