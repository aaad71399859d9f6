// SHA-256 digests (OpenSSL) for provenance: which exact inputs produced an output.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ch::io {

std::string sha256_hex(std::string_view bytes);
// Streams the file; throws naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

// Incremental form for data produced in pieces (e.g. a digest of dataset contents).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t n);
  std::string hex();

 private:
  void* ctx_;
};

}  // namespace ch::io
