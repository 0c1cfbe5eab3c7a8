# Settings every Vigie target gets. Applied per target, never globally, so
# toolkit code we compile or include is not held to our warning policy.
function(vigie_configure_target target)
  target_compile_features(${target} PUBLIC cxx_std_17)
  # Qt's signals/slots/emit macros collide with LibTorch and oneTBB headers.
  target_compile_definitions(${target} PUBLIC QT_NO_KEYWORDS)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  if(VIGIE_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  # Debian's hardening flags (what dpkg-buildflags gives packages), so the
  # .deb built from any preset has them: bounds-checked libc calls where the
  # size is known (needs optimisation, hence not in Debug), and relocations
  # read-only and bound at start-up.
  target_compile_definitions(${target} PRIVATE $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>)
  target_link_options(${target} PRIVATE LINKER:-z,relro LINKER:-z,now)
endfunction()
