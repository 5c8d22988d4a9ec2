# The configure-time refusal of a LibTorch whose C++ ABI cannot link with the system's libraries
# (cmake/FindTorchFor.cmake), run on the flags such a LibTorch's TorchConfig.cmake sets: FLAGS as
# given on the command line. The torch_abi_* tests pass FLAGS of both kinds.
include(${SOURCE}/cmake/FindTorchFor.cmake)
geodesic_check_torch_abi("${FLAGS}" "the LibTorch under test")
message(STATUS "accepted: ${FLAGS}")
