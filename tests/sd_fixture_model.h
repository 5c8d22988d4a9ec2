#pragma once
// A Stable Diffusion diffusers folder assembled from the fixtures' tiny networks (by symlink): the
// sd15-like UNet attends to 32-wide states, which the tiny text encoder makes, and its 8×8 latents are
// what the tiny VAE makes of 64×64 images.
#include <filesystem>
#include <fstream>
#include <string>

#include <QtGlobal>

inline std::filesystem::path sdFixtures() { return qEnvironmentVariable("GEODESIC_FIXTURES").toStdString() + "/sd-tiny"; }

inline void assembleTinySd(const std::filesystem::path& m, const std::string& prediction = "epsilon") {
    namespace fs = std::filesystem;
    fs::create_directories(m / "scheduler");
    fs::create_directory_symlink(sdFixtures() / "sd15-like/unet", m / "unet");
    fs::create_directory_symlink(sdFixtures() / "vae", m / "vae");
    fs::create_directory_symlink(sdFixtures() / "text_encoder", m / "text_encoder");
    std::ofstream(m / "model_index.json") << "{\"_class_name\": \"StableDiffusionPipeline\"}";
    std::ofstream(m / "scheduler/scheduler_config.json")
        << "{\"beta_schedule\": \"scaled_linear\", \"beta_start\": 0.00085, \"beta_end\": 0.012, \"prediction_type\": \"" << prediction << "\"}";
}
