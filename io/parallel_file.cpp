#include "io/parallel_file.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "cluster/collectives.hpp"

namespace ch::io {
namespace {
constexpr std::size_t kCopyChunk = std::size_t{64} << 20;  // MPI counts are int; stay well below
}

ParallelFileWriter::ParallelFileWriter(const cluster::Context& ctx, std::filesystem::path final_path)
    : ctx_(ctx), final_path_(std::move(final_path)) {
  partial_path_ = final_path_;
  partial_path_ += ".partial";
  slice_path_ = partial_path_;
  slice_path_ += ".rank" + std::to_string(ctx_.rank());
  std::error_code ec;
  if (!final_path_.parent_path().empty()) std::filesystem::create_directories(final_path_.parent_path(), ec);
  slice_ = std::fopen(slice_path_.c_str(), "w+b");
  if (cluster::allreduce_or(ctx_, slice_ == nullptr)) {
    discard();
    throw std::runtime_error("cannot create " + slice_path_.string());
  }
}

ParallelFileWriter::~ParallelFileWriter() {
  if (!committed_) discard();
}

void ParallelFileWriter::discard() {
  if (slice_) std::fclose(slice_);
  slice_ = nullptr;
  std::error_code ec;
  std::filesystem::remove(slice_path_, ec);
  if (ctx_.is_root()) std::filesystem::remove(partial_path_, ec);
}

void ParallelFileWriter::write(std::string_view bytes) {
  if (bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), slice_) != bytes.size())
    throw std::runtime_error("cannot write " + slice_path_.string() + " (disk full?)");
  local_size_ += bytes.size();
}

void ParallelFileWriter::commit() {
  bool failed = std::fflush(slice_) != 0 || std::fseek(slice_, 0, SEEK_SET) != 0;
  if (cluster::allreduce_or(ctx_, failed))
    throw std::runtime_error("cannot write " + slice_path_.string() + " (disk full?)");
  const std::uint64_t offset = cluster::exclusive_scan(ctx_, local_size_);
  if (ctx_.is_root()) {
    std::error_code ec;
    std::filesystem::remove(partial_path_, ec);  // MPI_File_open does not truncate
  }
  cluster::barrier(ctx_, "stale partial file removed before the collective open");
  MPI_File file = MPI_FILE_NULL;
  const int rc = MPI_File_open(ctx_.comm(), partial_path_.c_str(), MPI_MODE_CREATE | MPI_MODE_WRONLY,
                               MPI_INFO_NULL, &file);
  if (cluster::allreduce_or(ctx_, rc != MPI_SUCCESS)) {
    if (file != MPI_FILE_NULL) MPI_File_close(&file);
    throw std::runtime_error("cannot create " + partial_path_.string());
  }
  // Independent writes: slices differ in size, and each rank copies only its own.
  std::vector<char> buf(std::min<std::uint64_t>(kCopyChunk, std::max<std::uint64_t>(local_size_, 1)));
  for (std::uint64_t done = 0; done < local_size_ && !failed;) {
    const std::size_t n = std::fread(buf.data(), 1, std::min<std::uint64_t>(buf.size(), local_size_ - done), slice_);
    MPI_Status status;
    int written = 0;
    failed = n == 0 ||
             MPI_File_write_at(file, static_cast<MPI_Offset>(offset + done), buf.data(), static_cast<int>(n),
                               MPI_BYTE, &status) != MPI_SUCCESS ||
             MPI_Get_count(&status, MPI_BYTE, &written) != MPI_SUCCESS || static_cast<std::size_t>(written) != n;
    done += n;
  }
  failed = MPI_File_close(&file) != MPI_SUCCESS || failed;
  if (cluster::allreduce_or(ctx_, failed))
    throw std::runtime_error("cannot write " + partial_path_.string() + " (disk full?)");
  std::fclose(slice_);
  slice_ = nullptr;
  std::error_code ec;
  std::filesystem::remove(slice_path_, ec);
  if (ctx_.is_root()) std::filesystem::rename(partial_path_, final_path_, ec);
  if (cluster::allreduce_or(ctx_, static_cast<bool>(ec)))
    throw std::runtime_error("cannot rename " + partial_path_.string() + ": " + ec.message());
  committed_ = true;
}

}  // namespace ch::io
