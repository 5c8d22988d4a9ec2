# Finds LibTorch where GEODESIC_TORCH says (the folder of a LibTorch archive, the `torch` package
# folder inside a `pip install torch`, its share/cmake, or Debian's /usr), and refuses one whose C++
# ABI cannot link with the program's other C++ libraries. Included by the top-level CMakeLists.txt;
# tests/check_torch_abi.cmake runs geodesic_check_torch_abi on its own.

# The ABI a LibTorch was built with, from its TORCH_CXX_FLAGS: 0 (the pre-C++11 std::string, as the
# older pip wheels and the "Pre-cxx11 ABI" archive) or 1.
function(geodesic_check_torch_abi flags where)
  if(flags MATCHES "_GLIBCXX_USE_CXX11_ABI=0")
    message(FATAL_ERROR
      "The LibTorch in ${where} was built with the pre-C++11 ABI (-D_GLIBCXX_USE_CXX11_ABI=0); Qt, OpenCV and every other "
      "C++ library of this system use the C++11 ABI, so the program cannot link with it. Get the cxx11-ABI build instead: "
      "on pytorch.org choose LibTorch, C++/Java, then the \"cxx11 ABI\" archive (libtorch-cxx11-abi-shared-with-deps-*.zip), "
      "or a pip torch 2.7 or newer (built with the C++11 ABI), and pass its folder with --torch DIR.")
  endif()
endfunction()

macro(geodesic_find_torch)
  set(GEODESIC_TORCH "" CACHE PATH "LibTorch to build against: an archive's folder, a pip torch package's folder, or /usr (Debian's); empty: the system's")
  if(GEODESIC_TORCH)
    set(_geodesic_torch_dir "")
    foreach(candidate "${GEODESIC_TORCH}/share/cmake/Torch" "${GEODESIC_TORCH}/Torch" "${GEODESIC_TORCH}"
                      "${GEODESIC_TORCH}/lib/${CMAKE_LIBRARY_ARCHITECTURE}/cmake/Torch")
      if(EXISTS "${candidate}/TorchConfig.cmake")
        set(_geodesic_torch_dir "${candidate}")
        break()
      endif()
    endforeach()
    if(NOT _geodesic_torch_dir)
      message(FATAL_ERROR "--torch ${GEODESIC_TORCH}: no LibTorch there (looked for share/cmake/Torch/TorchConfig.cmake). Give the folder of a "
                          "LibTorch archive, or the torch package of a pip install: python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))'")
    endif()
    set(Torch_DIR "${_geodesic_torch_dir}" CACHE PATH "" FORCE)
  endif()
  find_package(Torch REQUIRED)
  geodesic_check_torch_abi("${TORCH_CXX_FLAGS}" "${Torch_DIR}")
  # CUDA's libraries and LibTorch's own are found at run time through the executables' RPATH (the
  # folder of every linked LibTorch library), so a LibTorch outside the system needs no LD_LIBRARY_PATH.
  message(STATUS "LibTorch ${Torch_VERSION} from ${Torch_DIR}")
endmacro()
