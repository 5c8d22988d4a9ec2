#pragma once
// The analyses as files: a video analysis and the sequence measures as JSON (every number, with
// what it was computed with), the residual-against-t plot of a video analysis, and its frames
// (the video above the optimised path) written staged like every exported path.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "pipeline/sequence_measures.h"
#include "pipeline/video_analysis.h"

namespace geo {

nlohmann::json frameTermsJson(const FrameTerms& terms);
nlohmann::json videoAnalysisJson(const VideoAnalysis& analysis);
nlohmann::json sequenceMeasuresJson(const SequenceMeasures& measures);

// log10 |r| against t at the interior frames, one line per path.
void writeResidualPlot(const VideoAnalysis& analysis, const std::filesystem::path& png);

// folder/frame_000.png … (the video as the model saw it), folder/optimised/frame_000.png … and
// folder/strip.png (video above optimised) when the optimised path was decoded, and the JSON and the
// residual plot where asked (empty: not written); all or nothing, as every export.
void exportVideoAnalysis(const VideoAnalysis& analysis, const std::filesystem::path& folder, const std::filesystem::path& json = {},
                         const std::filesystem::path& plot = {});

}  // namespace geo
