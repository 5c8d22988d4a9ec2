#include "image_run/image_run_options.h"

#include "common/named_values.h"

namespace geo {

namespace {
constexpr NameTable<Geometry> kGeometries = {{Geometry::Density, "density"}, {Geometry::Spacetime, "spacetime"}, {Geometry::Both, "both"}};
}  // namespace

Geometry parseGeometry(const std::string& name) { return parseNamed("geometry", name, kGeometries); }
std::string geometryName(Geometry geometry) { return nameOf(geometry, kGeometries); }

}  // namespace geo
