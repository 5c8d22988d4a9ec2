#include "pipeline/run_stage.h"

namespace geo {

std::string stageName(RunStage stage) {
    switch (stage) {
    case RunStage::Encode: return "encode";
    case RunStage::TextualInversion: return "textual inversion";
    case RunStage::Invert: return "invert";
    case RunStage::Solve: return "solve";
    case RunStage::Shoot: return "shoot";
    case RunStage::Decode: return "decode";
    case RunStage::Retime: return "retime";
    case RunStage::Measure: return "measure";
    case RunStage::Optimise: return "optimise";
    case RunStage::Coarse: return "coarse";
    case RunStage::Fine: return "fine";
    case RunStage::Frames: return "frames";
    case RunStage::Spacetime: return "spacetime";
    }
    return "unknown";
}

}  // namespace geo
