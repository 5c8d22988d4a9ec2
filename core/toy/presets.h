#pragma once
// Named 2-D toy scenes: a field, default endpoints and a view box.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "field/field.h"

namespace geo {

struct ToyScene {
    std::string name;         // the preset's key, or the file name for a loaded field
    std::string description;  // one line for people
    std::shared_ptr<const Field> field;
    Eigen::Vector2d from, to;  // default endpoints
    Box view;                  // the region drawn
};

std::vector<std::string> presetNames();
ToyScene preset(const std::string& name);  // InputError naming the known presets when unknown

// A 2-D field read from a file becomes a scene: endpoints from the optional "from"/"to" keys, else
// the middle of the left and right edges of the field's bounds; the view is the bounds with margin.
ToyScene sceneFromFile(const std::string& path);

}  // namespace geo
