#pragma once
// An image run as files, written in one stage and moved into place only when all of it is complete
// (pipeline/image_path_export.h: a full disk or an unwritable target leaves nothing partial):
// the density path as exportImagePath writes it, and the spacetime geodesic as exportSpacetimePath
// writes it, in FOLDER/spacetime/ beside the density path or in FOLDER itself when the run solved
// only the spacetime geometry. The JSON is the density path's (with "spacetime": the spacetime path's
// when both were solved), or the spacetime path's alone.
#include <filesystem>
#include <string>
#include <vector>

#include "image_run/image_run.h"
#include "pipeline/image_path_export.h"

namespace geo {

// The files of an export into `folder` as the window names them: path.json / path.gif / path.mp4
// (spacetime.json, spacetime.gif, spacetime.mp4 when the run has only a spacetime geodesic).
ImagePathExport folderExport(const ImageRunResult& run, const std::filesystem::path& folder, bool json, bool gif, bool mp4,
                             const AnimationOptions& animation = {});
// The spacetime geodesic's targets that go with the run's: its folder, its JSON, GIF and MP4.
ImagePathExport spacetimeTargets(const ImageRunResult& run, const ImagePathExport& e);
// Before a run: every target of an export of a run in this geometry can be written; InputError naming
// the one that cannot.
void checkImageRunTargets(Geometry geometry, const ImagePathExport& e);
// Returns what was written, for a status line: frame patterns, folders and files.
std::vector<std::string> exportImageRun(const ImageRunResult& run, const ImagePathExport& e);

}  // namespace geo
