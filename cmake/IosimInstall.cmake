# `cmake --install` lays out what a student's machine needs:
#   bin/iosim, bin/iosim-policy-host   the simulator and its sandboxed policy host (side by side:
#                                      iosim finds the host in its own folder)
#   include/iosim/scheduler.h          the public scheduler interface, self-contained
#   lib/cmake/iosim/                   the CMake package: find_package(iosim)
#   share/iosim/sdk/                   the template project a student copies
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS iosim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET iosim-policy-host)
  install(TARGETS iosim-policy-host RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(FILES ${PROJECT_SOURCE_DIR}/kernel/scheduler.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/iosim)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sdk/ DESTINATION ${CMAKE_INSTALL_DATADIR}/iosim/sdk
        PATTERN build EXCLUDE)

# Not CMAKE_INSTALL_LIBDIR: on Debian that may be lib/<multiarch>, and the
# package holds no binaries, so one fixed place is simpler to document.
set(IOSIM_CMAKE_DIR lib/cmake/iosim)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/iosimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/iosimConfig.cmake
  INSTALL_DESTINATION ${IOSIM_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR)
# 0.x: a new minor version may change the scheduler ABI (IOSIM_SCHED_ABI_VERSION).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/iosimConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/iosimConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/iosimConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/iosimPolicy.cmake
        DESTINATION ${IOSIM_CMAKE_DIR})
