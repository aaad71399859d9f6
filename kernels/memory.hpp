// Releasing a container's storage at a phase boundary.
#pragma once

namespace ch {

// Frees the storage of `c` now. `c = {}` does not for std::vector: it is the initializer-list
// assignment, which empties the vector and keeps its capacity (so a "freed" array of a finished
// phase still counted in the next phase's peak).
template <class Container>
void free_storage(Container& c) {
  Container().swap(c);
}

}  // namespace ch
