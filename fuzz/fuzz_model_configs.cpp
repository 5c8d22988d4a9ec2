// Every model config the programs read, chosen by the first byte: the shipped model's unet.json and
// autoencoder.json, and diffusers' UNet, VAE and CLIP text-encoder config.json files.
#include "fuzz_support.h"
#include "io/json_file.h"
#include "nn/network_configs.h"
#include "sd/sd_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const auto path = fuzz::writeFile("config.json", fuzz::text(data + 1, size - 1));
    return fuzz::expectInputErrorsOnly([&] {
        const nlohmann::json j = geo::readJsonFile(path);
        switch (data[0] % 5) {
            case 0: (void)geo::parseUnetJson(j, path); break;
            case 1: (void)geo::parseAutoencoderJson(j, path); break;
            case 2: (void)geo::sdUnetConfigFrom(geo::objectIn(j, path), path); break;
            case 3: (void)geo::sdVaeConfigFrom(geo::objectIn(j, path), path); break;
            default: (void)geo::clipTextConfigFrom(geo::objectIn(j, path), path); break;
        }
    });
}
