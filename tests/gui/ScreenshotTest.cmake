# vigie --screenshot FILE opens the demo study, writes a PNG and exits 0.
file(REMOVE ${OUT})
get_filename_component(dir ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
execute_process(COMMAND ${XVFB_RUN} -a -s "-screen 0 1600x1200x24" ${VIGIE} --screenshot ${OUT}
                        --store ${dir}/screenshot-review.sqlite
                RESULT_VARIABLE rc TIMEOUT 240)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vigie --screenshot exited with ${rc}")
endif()
if(NOT EXISTS ${OUT})
  message(FATAL_ERROR "vigie --screenshot did not write ${OUT}")
endif()
file(SIZE ${OUT} size)
if(size LESS 20000)
  message(FATAL_ERROR "screenshot ${OUT} is only ${size} bytes: the window is probably blank")
endif()
message(STATUS "screenshot ${OUT}: ${size} bytes")
