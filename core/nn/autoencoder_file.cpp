#include "nn/autoencoder_file.h"

#include "io/json_file.h"
#include "nn/state_dict.h"
#include "safetensors/safetensors.h"

namespace geo {

LoadedAutoencoder loadAutoencoder(const std::filesystem::path& dir) {
    const std::filesystem::path configPath = dir / "autoencoder.json";
    const AutoencoderFile f = parseAutoencoderJson(readJsonFile(configPath), configPath);
    LoadedAutoencoder out;
    out.network = Autoencoder(f.config);
    out.imageSize = f.imageSize;
    out.latentScale = f.latentScale;
    loadStateDict(*out.network, SafetensorsFile(dir / "autoencoder.safetensors"));
    out.network->eval();
    return out;
}

}  // namespace geo
