#include "safetensors/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/errors.h"

namespace geo {

using nlohmann::json;

namespace {

constexpr uint64_t kMaxHeader = 100'000'000;  // as the reference implementation limits it

struct DtypeEntry {
    Dtype dtype;
    const char* name;
    size_t size;
};
constexpr DtypeEntry kDtypes[] = {{Dtype::F64, "F64", 8}, {Dtype::F32, "F32", 4}, {Dtype::F16, "F16", 2},
                                  {Dtype::BF16, "BF16", 2}, {Dtype::I64, "I64", 8}, {Dtype::I32, "I32", 4},
                                  {Dtype::I16, "I16", 2}, {Dtype::I8, "I8", 1}, {Dtype::U8, "U8", 1},
                                  {Dtype::Bool, "BOOL", 1}};

uint64_t readLe64(const std::byte* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
    return v;
}

}  // namespace

std::string shapeText(std::span<const int64_t> s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

size_t dtypeSize(Dtype d) {
    for (const auto& e : kDtypes)
        if (e.dtype == d) return e.size;
    return 0;
}

std::string dtypeName(Dtype d) {
    for (const auto& e : kDtypes)
        if (e.dtype == d) return e.name;
    return "?";
}

int64_t TensorInfo::numel() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path) : path_(path) {
    const std::string where = path.string() + ": ";
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError(where + "cannot open file: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw InputError(where + "not a regular file");
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ < 8) {
        ::close(fd);
        throw InputError(where + "file is too short to be safetensors (" + std::to_string(size_) + " bytes)");
    }
    void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (m == MAP_FAILED) throw InputError(where + "cannot map file: " + std::strerror(errno));
    map_ = static_cast<const std::byte*>(m);

    try {
        const uint64_t headerLength = readLe64(map_);
        if (headerLength > kMaxHeader)
            throw InputError("header length " + std::to_string(headerLength) + " is implausibly large");
        if (headerLength > size_ - 8)
            throw InputError("header length " + std::to_string(headerLength) + " runs past the end of the file (" +
                             std::to_string(size_) + " bytes): truncated?");
        dataStart_ = 8 + headerLength;
        const size_t dataSize = size_ - dataStart_;
        json header;
        try {
            header = json::parse(reinterpret_cast<const char*>(map_ + 8), reinterpret_cast<const char*>(map_ + dataStart_));
        } catch (const json::exception&) {
            throw InputError("header is not valid JSON");
        }
        if (!header.is_object()) throw InputError("header is not a JSON object");
        for (const auto& [name, entry] : header.items()) {
            if (name == "__metadata__") {
                if (!entry.is_object()) throw InputError("__metadata__ is not an object");
                for (const auto& [k, v] : entry.items()) {
                    if (!v.is_string()) throw InputError("__metadata__ value of \"" + k + "\" is not a string");
                    metadata_[k] = v.get<std::string>();
                }
                continue;
            }
            const std::string t = "tensor \"" + name + "\"";
            if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets"))
                throw InputError(t + " needs dtype, shape and data_offsets");
            TensorInfo info;
            info.name = name;
            const json& dt = entry["dtype"];
            const auto known = std::find_if(std::begin(kDtypes), std::end(kDtypes),
                                            [&](const DtypeEntry& e) { return dt.is_string() && dt.get<std::string>() == e.name; });
            if (known == std::end(kDtypes)) throw InputError(t + " has unknown dtype " + dt.dump());
            info.dtype = known->dtype;
            if (!entry["shape"].is_array()) throw InputError(t + " has a shape that is not a list");
            for (const json& d : entry["shape"]) {
                if (!d.is_number_integer() || d.get<int64_t>() < 0)
                    throw InputError(t + " has a shape entry that is not a non-negative integer: " + d.dump());
                info.shape.push_back(d.get<int64_t>());
            }
            const json& off = entry["data_offsets"];
            if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
                throw InputError(t + " needs data_offsets [begin, end] of two non-negative integers");
            info.begin = off[0].get<size_t>();
            info.end = off[1].get<size_t>();
            if (info.begin > info.end) throw InputError(t + " has data_offsets that end before they begin");
            if (info.end > dataSize)
                throw InputError(t + " ends at byte " + std::to_string(info.end) + ", past the data (" +
                                 std::to_string(dataSize) + " bytes): truncated?");
            // The product of the shape can overflow: check it dimension by dimension.
            uint64_t bytes = known->size;
            for (int64_t d : info.shape) {
                if (d != 0 && bytes > dataSize / static_cast<uint64_t>(d) + 1) {
                    bytes = UINT64_MAX;
                    break;
                }
                bytes *= static_cast<uint64_t>(d);
            }
            if (bytes != info.end - info.begin)
                throw InputError(t + " has shape " + shapeText(info.shape) + " of " + known->name + " (" +
                                 (bytes == UINT64_MAX ? std::string("too many") : std::to_string(bytes)) +
                                 " bytes) but its data_offsets span " + std::to_string(info.end - info.begin) + " bytes");
            tensors_.push_back(std::move(info));
        }
        // The data must be covered exactly: no overlaps, no holes.
        std::vector<const TensorInfo*> byOffset;
        for (const auto& t : tensors_) byOffset.push_back(&t);
        std::sort(byOffset.begin(), byOffset.end(), [](auto* a, auto* b) { return a->begin < b->begin || (a->begin == b->begin && a->end < b->end); });
        size_t covered = 0;
        for (const TensorInfo* t : byOffset) {
            if (t->begin < covered) throw InputError("tensor \"" + t->name + "\" overlaps another tensor's data");
            if (t->begin > covered)
                throw InputError("bytes " + std::to_string(covered) + ".." + std::to_string(t->begin) + " of the data belong to no tensor");
            covered = t->end;
        }
        if (covered != dataSize)
            throw InputError("bytes " + std::to_string(covered) + ".." + std::to_string(dataSize) + " of the data belong to no tensor");
        std::sort(tensors_.begin(), tensors_.end(), [](const TensorInfo& a, const TensorInfo& b) { return a.name < b.name; });
    } catch (const InputError& e) {
        ::munmap(const_cast<std::byte*>(map_), size_);
        throw InputError(where + e.what());
    }
}

SafetensorsFile::~SafetensorsFile() {
    if (map_) ::munmap(const_cast<std::byte*>(map_), size_);
}

const TensorInfo* SafetensorsFile::find(const std::string& name) const {
    const auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                                     [](const TensorInfo& t, const std::string& n) { return t.name < n; });
    return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

const TensorInfo& SafetensorsFile::at(const std::string& name) const {
    if (const TensorInfo* t = find(name)) return *t;
    throw InputError(path_.string() + ": no tensor \"" + name + "\"");
}

std::span<const std::byte> SafetensorsFile::bytes(const TensorInfo& t) const {
    return {map_ + dataStart_ + t.begin, t.end - t.begin};
}

std::vector<float> SafetensorsFile::toFloat(const std::string& name) const {
    const TensorInfo& t = at(name);
    const std::span<const std::byte> b = bytes(t);
    std::vector<float> out(static_cast<size_t>(t.numel()));
    static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");
    for (size_t i = 0; i < out.size(); ++i) {
        switch (t.dtype) {
            case Dtype::F32: std::memcpy(&out[i], b.data() + 4 * i, 4); break;
            case Dtype::F64: {
                double d;
                std::memcpy(&d, b.data() + 8 * i, 8);
                out[i] = static_cast<float>(d);
                break;
            }
            case Dtype::F16:
            case Dtype::BF16: {
                uint16_t h;
                std::memcpy(&h, b.data() + 2 * i, 2);
                out[i] = t.dtype == Dtype::F16 ? halfToFloat(h) : bfloat16ToFloat(h);
                break;
            }
            default: throw InputError(path_.string() + ": tensor \"" + name + "\" is " + dtypeName(t.dtype) + ", not floating point");
        }
    }
    return out;
}

std::string encodeSafetensors(const std::vector<TensorToWrite>& tensors, const std::map<std::string, std::string>& metadata) {
    std::vector<const TensorToWrite*> sorted;
    for (const auto& t : tensors) sorted.push_back(&t);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name < b->name; });
    json header = json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    size_t offset = 0;
    for (const TensorToWrite* t : sorted) {
        int64_t n = 1;
        for (int64_t d : t->shape) n *= d;
        if (t->name == "__metadata__" || t->name.empty()) throw InputError("invalid tensor name \"" + t->name + "\"");
        if (static_cast<size_t>(n) * dtypeSize(t->dtype) != t->data.size())
            throw InputError("tensor \"" + t->name + "\" has " + std::to_string(t->data.size()) + " bytes for shape " +
                             shapeText(t->shape) + " of " + dtypeName(t->dtype));
        if (header.contains(t->name)) throw InputError("tensor \"" + t->name + "\" is named twice");
        header[t->name] = {{"dtype", dtypeName(t->dtype)}, {"shape", t->shape}, {"data_offsets", {offset, offset + t->data.size()}}};
        offset += t->data.size();
    }
    std::string h = header.dump();
    h.append((8 - h.size() % 8) % 8, ' ');
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((static_cast<uint64_t>(h.size()) >> (8 * i)) & 0xff);
    out += h;
    out.reserve(out.size() + offset);
    for (const TensorToWrite* t : sorted) out.append(reinterpret_cast<const char*>(t->data.data()), t->data.size());
    return out;
}

void writeSafetensors(const std::filesystem::path& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    writeFileAtomically(path, encodeSafetensors(tensors, metadata));
}

float halfToFloat(uint16_t h) {
    const uint32_t sign = (h & 0x8000u) << 16, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
    uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) bits = sign;
        else {  // subnormal: normalise
            int e = -1;
            uint32_t m = mantissa;
            do { ++e; m <<= 1; } while ((m & 0x400) == 0);
            bits = sign | ((127 - 15 - e) << 23) | ((m & 0x3ff) << 13);
        }
    } else if (exponent == 0x1f) bits = sign | 0x7f800000u | (mantissa << 13);
    else bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
    return std::bit_cast<float>(bits);
}

float bfloat16ToFloat(uint16_t b) { return std::bit_cast<float>(static_cast<uint32_t>(b) << 16); }

}  // namespace geo
