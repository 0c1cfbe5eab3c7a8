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
endfunction()
