#include "io/lz4_filter.hpp"

#include <hdf5.h>
#include <lz4.h>

#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace ch::io {
namespace {

// Blocks this large keep a whole chunk in one LZ4 block (chunks are at most a few MB).
constexpr std::uint32_t kDefaultBlockBytes = 1u << 30;

void put_be(unsigned char* p, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) p[i] = static_cast<unsigned char>(v & 0xff);
}
std::uint64_t get_be(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

size_t compress(size_t cd_nelmts, const unsigned int cd_values[], size_t nbytes, size_t* buf_size,
                void** buf) {
  std::uint64_t block = cd_nelmts > 0 && cd_values[0] > 0 ? cd_values[0] : kDefaultBlockBytes;
  if (block > nbytes) block = nbytes;
  if (block == 0) block = 1;
  if (block > static_cast<std::uint64_t>(LZ4_MAX_INPUT_SIZE)) return 0;
  const std::uint64_t blocks = nbytes == 0 ? 0 : (nbytes - 1) / block + 1;
  const std::size_t bound =
      12 + blocks * (4 + static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(block))));
  auto* out = static_cast<unsigned char*>(H5allocate_memory(bound, false));
  if (!out) return 0;
  put_be(out, nbytes, 8);
  put_be(out + 8, block, 4);
  std::size_t at = 12;
  const auto* in = static_cast<const char*>(*buf);
  for (std::uint64_t done = 0; done < nbytes;) {
    const auto n = static_cast<int>(std::min<std::uint64_t>(block, nbytes - done));
    const int packed = LZ4_compress_default(in + done, reinterpret_cast<char*>(out + at + 4), n,
                                            LZ4_compressBound(n));
    if (packed <= 0 || packed >= n) {  // incompressible (or failed): the block as is
      std::memcpy(out + at + 4, in + done, static_cast<std::size_t>(n));
      put_be(out + at, static_cast<std::uint64_t>(n), 4);
      at += 4 + static_cast<std::size_t>(n);
    } else {
      put_be(out + at, static_cast<std::uint64_t>(packed), 4);
      at += 4 + static_cast<std::size_t>(packed);
    }
    done += static_cast<std::uint64_t>(n);
  }
  H5free_memory(*buf);
  *buf = out;
  *buf_size = bound;
  return at;
}

size_t decompress(size_t nbytes, size_t* buf_size, void** buf) {
  const auto* in = static_cast<const unsigned char*>(*buf);
  if (nbytes < 12) return 0;
  const std::uint64_t size = get_be(in, 8), block = get_be(in + 8, 4);
  if (block == 0 && size > 0) return 0;
  auto* out = static_cast<char*>(H5allocate_memory(size > 0 ? size : 1, false));
  if (!out) return 0;
  std::size_t at = 12;
  for (std::uint64_t done = 0; done < size;) {
    const std::uint64_t n = std::min(block, size - done);
    if (at + 4 > nbytes) break;
    const std::uint64_t packed = get_be(in + at, 4);
    at += 4;
    if (packed > nbytes - at) break;
    if (packed == n) {
      std::memcpy(out + done, in + at, n);
    } else if (LZ4_decompress_safe(reinterpret_cast<const char*>(in + at), out + done,
                                   static_cast<int>(packed), static_cast<int>(n)) != static_cast<int>(n)) {
      break;
    }
    at += packed;
    done += n;
    if (done == size) {
      H5free_memory(*buf);
      *buf = out;
      *buf_size = size;
      return size;
    }
  }
  H5free_memory(out);
  return 0;  // a corrupt stream: HDF5 reports the read as failed
}

size_t lz4_filter(unsigned int flags, size_t cd_nelmts, const unsigned int cd_values[], size_t nbytes,
                  size_t* buf_size, void** buf) {
  return (flags & H5Z_FLAG_REVERSE) ? decompress(nbytes, buf_size, buf)
                                    : compress(cd_nelmts, cd_values, nbytes, buf_size, buf);
}

}  // namespace

void register_lz4_filter() {
  static std::once_flag once;
  std::call_once(once, [] {
    static const H5Z_class2_t kLz4 = {H5Z_CLASS_T_VERS, static_cast<H5Z_filter_t>(kLz4FilterId), 1, 1,
                                      "HDF5 lz4 filter (liblz4)", nullptr, nullptr, lz4_filter};
    if (H5Zregister(&kLz4) < 0) throw std::runtime_error("HDF5: cannot register the LZ4 filter");
  });
}

}  // namespace ch::io
