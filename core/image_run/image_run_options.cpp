#include "image_run/image_run_options.h"

#include "common/errors.h"

namespace geo {

Geometry parseGeometry(const std::string& name) {
    if (name == "density") return Geometry::Density;
    if (name == "spacetime") return Geometry::Spacetime;
    if (name == "both") return Geometry::Both;
    throw unknownNameError("geometry", name, {"density", "spacetime", "both"});
}

std::string geometryName(Geometry geometry) {
    switch (geometry) {
    case Geometry::Density: return "density";
    case Geometry::Spacetime: return "spacetime";
    case Geometry::Both: return "both";
    }
    return "density";
}

}  // namespace geo
