#pragma once
// Libraries that print their own diagnostics (libpng and libjpeg inside OpenCV's decoders) add lines
// beside the program's one-line message. This runs a call with the process's standard error (fd 2)
// going into a temporary file and hands back what was written, so that the caller decides where the
// text belongs. Calls are serialised; another thread's writes to stderr meanwhile are captured too, so
// the caller passes on what it does not recognise (passOnExcept).
#include <functional>
#include <string>
#include <vector>

namespace geo {

std::string captureStandardError(const std::function<void()>& f);

// False under AddressSanitizer (the fuzz and sanitizer builds): there a report from inside a decoder
// must reach the terminal, so captureStandardError runs the call and hands back nothing.
bool standardErrorIsCaptured();

// Writes the lines of `text` that start with none of `prefixes` to standard error.
void passOnExcept(const std::string& text, const std::vector<std::string>& prefixes);

}  // namespace geo
