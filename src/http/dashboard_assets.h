// The queue dashboard's static files (src/http/assets/), embedded at build time: CMake runs
// src/http/embed_assets.cmake, which writes them into a generated source as byte arrays, so a
// file may hold any byte and the binary serves the page with nothing on disk.
#pragma once

#include <span>
#include <string_view>

namespace server::http {

struct EmbeddedAsset {
  std::string_view name;   // the file name under src/http/assets/, e.g. "dashboard.js"
  std::string_view bytes;  // its exact contents
};

// Every asset, by name (defined in the generated source).
std::span<const EmbeddedAsset> DashboardAssets();

}  // namespace server::http
