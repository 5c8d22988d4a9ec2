# Installation layout and the Debian package (cpack -G DEB).
if(GEODESIC_BUILD_GUI)
  install(FILES ${CMAKE_SOURCE_DIR}/packaging/geodesic-explorer.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/geodesic-explorer.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
  install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/geodesic-explorer.png
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/128x128/apps)
endif()

# The shipped model, found at run time beside the executable (common/resources.h).
install(DIRECTORY ${CMAKE_SOURCE_DIR}/resources/models/ DESTINATION ${CMAKE_INSTALL_DATADIR}/geodesic-explorer/models)
# CLIP's BPE vocabulary (openai/CLIP, MIT licence), for Stable Diffusion checkpoints that carry no tokenizer.
install(FILES ${CMAKE_SOURCE_DIR}/resources/clip/bpe_simple_vocab_16e6.txt.gz DESTINATION ${CMAKE_INSTALL_DATADIR}/geodesic-explorer/clip)

set(CPACK_PACKAGE_NAME "geodesic-explorer")
set(CPACK_PACKAGE_VENDOR "Geodesic Explorer developers")
set(CPACK_PACKAGE_CONTACT "Geodesic Explorer developers <geodesic-explorer@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_LICENSE "GPL-3.0-or-later")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends: from the linked libraries (dpkg-shlibdeps)
# …which cannot see which BLAS stands behind libblas.so.3: without OpenBLAS, Debian's alternatives
# fall back to the reference BLAS, ~100x slower for every float32 matrix product of the networks.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-openmp")
include(CPack)
