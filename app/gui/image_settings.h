#pragma once
// What a user sets for an image path; defaults come from the model (core's defaultPipelineOptions).
#include <QString>

struct ImageRunSettings {
    QString geometry = "density"; // density, spacetime, both (spacetime joins keyframes: no extrapolation)
    int spacetimeSteps = 200;     // Adam steps at most per pair (the stopping rule may end sooner)
    int spacetimeProbes = 8;      // Hutchinson probes averaged for the reported energy and edit distance
    bool extrapolate = false;
    QString past = "last";        // extrapolation: last, first, both
    double extrapolationLength = 0.25;
    int extrapolationFrames = 8;
    double noiseLevel = 0.6;
    int framesPerPair = 17;
    double alpha = 0.02;
    QString method = "implicit";  // implicit, published
    int jitter = 0;
    int iterations = 400;
    int ddimSteps = 50;
    quint64 seed = 0;
    bool retime = false;
    int textualInversionSteps = 0;
    QString negative;
};
