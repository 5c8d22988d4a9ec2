#pragma once
// What a long computation tells its user without stopping, such as a retry with smaller batches after
// the GPU ran out of memory. By default one line on standard error; a GUI installs its own sink (called
// on the computing thread, so it must be thread-safe).
#include <functional>
#include <string>

namespace geo {

using NoticeSink = std::function<void(const std::string&)>;

// Replaces the sink (an empty one restores standard error); returns the previous one.
NoticeSink setNoticeSink(NoticeSink sink);
void notice(const std::string& message);

}  // namespace geo
