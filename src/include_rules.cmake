# The layering rules of the source tree, checked on every build (`cmake -P`, run by the
# include_rules target before anything compiles): a forbidden include fails the build.
#   resp/     the protocol: includes nothing of ours but resp/.
#   streams/  pure data structures: nothing of ours but streams/, and no event loop, sockets,
#             files or clock (time is injected).
#   src/types/ the other data types' pure structures (packed encodings, sorted-set index): the
#             same rule as streams/, nothing of ours but src/types/ and streams/.
#   src/      the core: never a command family's header (src/commands/), so that families
#             plug in through the table alone (src/commands/registry.h).
#   bench/    benchmark drivers: talk to servers over the protocol, include none of the server.
# Usage: cmake -DROOT=<source dir> -P src/include_rules.cmake
if(NOT ROOT)
  message(FATAL_ERROR "ROOT (the source directory) is required")
endif()

set(violations "")

# Appends to `violations` every include in the files matching `globs` that matches `pattern`.
function(forbid description pattern)
  set(files ${ARGN})
  foreach(file IN LISTS files)
    file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include")
    foreach(line IN LISTS lines)
      if(line MATCHES "${pattern}")
        file(RELATIVE_PATH rel "${ROOT}" "${file}")
        string(STRIP "${line}" line)
        list(APPEND violations "${rel}: ${line}  (${description})")
      endif()
    endforeach()
  endforeach()
  set(violations "${violations}" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE resp_files "${ROOT}/resp/*.h" "${ROOT}/resp/*.cc")
forbid("resp/ includes only resp/" "#[ \t]*include[ \t]*\"(src|streams|tests|bench)/" ${resp_files})

file(GLOB_RECURSE streams_files "${ROOT}/streams/*.h" "${ROOT}/streams/*.cc")
forbid("streams/ includes only streams/" "#[ \t]*include[ \t]*\"(src|resp|tests|bench)/"
       ${streams_files})
forbid("streams/ is pure: no event loop, sockets, files or clock"
       "#[ \t]*include[ \t]*<(uv\\.h|sys/|netinet/|arpa/|unistd\\.h|fcntl\\.h|fstream|chrono|ctime)"
       ${streams_files})

file(GLOB_RECURSE types_files "${ROOT}/src/types/*.h" "${ROOT}/src/types/*.cc")
forbid("src/types/ includes only src/types/ and streams/"
       "#[ \t]*include[ \t]*\"(src/[^t]|src/t[^y]|resp|tests|bench)" ${types_files})
forbid("src/types/ is pure: no event loop, sockets, files or clock"
       "#[ \t]*include[ \t]*<(uv\\.h|sys/|netinet/|arpa/|unistd\\.h|fcntl\\.h|fstream|chrono|ctime)"
       ${types_files})

file(GLOB_RECURSE core_files "${ROOT}/src/*.h" "${ROOT}/src/*.cc")
list(FILTER core_files EXCLUDE REGEX "^${ROOT}/src/commands/")
forbid("the core never includes a command family" "#[ \t]*include[ \t]*\"src/commands/"
       ${core_files})

file(GLOB_RECURSE bench_files "${ROOT}/bench/*.h" "${ROOT}/bench/*.cc")
forbid("bench/ drives servers over the protocol" "#[ \t]*include[ \t]*\"(src|streams|resp)/"
       ${bench_files})

# main.cc assembles the server: it alone may name the command registry.
list(FILTER violations EXCLUDE REGEX "^src/main\\.cc: #include \"src/commands/registry\\.h\"")

if(violations)
  list(JOIN violations "\n  " text)
  message(FATAL_ERROR "Include rules broken:\n  ${text}")
endif()
