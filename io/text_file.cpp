#include "io/text_file.hpp"

#include <fstream>
#include <sstream>

#include "cluster/collectives.hpp"
#include "kernels/error.hpp"

namespace ch::io {

std::string read_shared_text(const cluster::Context& ctx, const std::filesystem::path& path,
                             const std::string& what) {
  std::string text, error;
  if (ctx.is_root()) {
    std::ifstream in(path, std::ios::binary);
    if (!in || std::filesystem::is_directory(path)) {
      error = what + ": cannot read '" + path.string() + "'";
    } else {
      std::ostringstream ss;
      ss << in.rdbuf();
      text = ss.str();
    }
  }
  error = cluster::broadcast_string(ctx, error);
  if (!error.empty()) throw UsageError(error);
  return cluster::broadcast_string(ctx, text);
}

}  // namespace ch::io
