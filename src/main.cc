// runnel-server: parses the configuration (file and --options) and runs the server.
#include <cstdio>
#include <cstring>

#include "src/command_table.h"
#include "src/commands/registry.h"
#include "src/config.h"
#include "src/server.h"
#include "src/server_state.h"

int main(int argc, char** argv) {
  if (argc >= 2 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "-v") == 0)) {
    std::printf("Runnel server v=%s (Redis protocol %s)\n", server::kRunnelVersion.data(),
                server::kRedisVersion.data());
    return 0;
  }
  server::Config config;
  std::string error = server::LoadConfigArgs(config, argc, argv);
  if (!error.empty()) {
    std::fprintf(stderr, "*** FATAL CONFIG FILE ERROR ***\n%s\n", error.c_str());
    return 1;
  }
  const server::CommandTable commands(server::CommandFamilies());
  server::Server srv(std::move(config), commands);
  return srv.Run();
}
