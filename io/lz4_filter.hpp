// The HDF5 LZ4 filter (registered filter id 32004), implemented over liblz4.
//
// Why: deflate (zlib level 1) was the largest single cost of ingest — about 0.7 µs of CPU per
// row on `small`, most of the 1 µs budget of the 1 M rows/s per core target — for tables that
// the pipeline itself reads back a moment later. LZ4 compresses several times faster and
// decompresses at memory speed, at the price of larger files (docs/performance.md has both).
//
// The stream is the one of the registered filter (the "H5Z-LZ4" plugin of the HDF Group's filter
// registry), so other readers open these datasets with the stock plugin: h5py with Debian's
// `hdf5-filter-plugin` (or `import hdf5plugin`), HDFView with its bundled LZ4 plugin:
//   big-endian u64 original size, big-endian u32 block size, then per block a big-endian u32
//   compressed size and the block (stored as is when LZ4 would not make it smaller).
#pragma once

#include <cstddef>

namespace ch::io {

inline constexpr int kLz4FilterId = 32004;

// Registers the filter once per process (HDF5 has no LZ4 built in).
void register_lz4_filter();

}  // namespace ch::io
