#pragma once
// Safetensors files: an 8-byte little-endian header length, a JSON header naming every tensor's
// dtype, shape and byte range, then the raw little-endian data. The reader maps the file and checks
// every offset, size, dtype and shape before handing out a byte; any defect is an InputError that
// names the file, the tensor and the problem.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace geo {

enum class Dtype { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

size_t dtypeSize(Dtype d);
std::string shapeText(std::span<const int64_t> shape);  // "[2, 3]", as error messages show shapes
std::string dtypeName(Dtype d);  // as written in files: "F32", "BF16", …

struct TensorInfo {
    std::string name;
    Dtype dtype = Dtype::F32;
    std::vector<int64_t> shape;
    size_t begin = 0, end = 0;  // byte range within the data section

    int64_t numel() const;
};

class SafetensorsFile {
public:
    explicit SafetensorsFile(const std::filesystem::path& path);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

    const std::filesystem::path& path() const { return path_; }
    const std::vector<TensorInfo>& tensors() const { return tensors_; }  // sorted by name
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    const TensorInfo* find(const std::string& name) const;
    const TensorInfo& at(const std::string& name) const;  // InputError naming the missing key
    std::span<const std::byte> bytes(const TensorInfo& t) const;
    // The values of a floating-point tensor as float32 (F64, F32, F16, BF16); InputError otherwise.
    std::vector<float> toFloat(const std::string& name) const;

private:
    std::filesystem::path path_;
    const std::byte* map_ = nullptr;
    size_t size_ = 0;
    size_t dataStart_ = 0;
    std::vector<TensorInfo> tensors_;
    std::map<std::string, std::string> metadata_;
};

struct TensorToWrite {
    std::string name;
    Dtype dtype = Dtype::F32;
    std::vector<int64_t> shape;
    std::span<const std::byte> data;  // numel · dtypeSize bytes, little-endian
};

// The whole file as bytes: header padded with spaces to a multiple of 8, tensors in name order.
std::string encodeSafetensors(const std::vector<TensorToWrite>& tensors,
                              const std::map<std::string, std::string>& metadata = {});
// Writes atomically (temporary name, then rename).
void writeSafetensors(const std::filesystem::path& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

float halfToFloat(uint16_t h);
float bfloat16ToFloat(uint16_t b);

}  // namespace geo
