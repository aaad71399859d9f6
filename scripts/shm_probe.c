/* Does Open MPI's shared-memory transport work here with the single-copy mechanism the
 * environment selects? Two ranks swap a message far above the eager limit and check every byte;
 * exit 0 only if both did. scripts/mpi_env.sh runs it with `cma` (Linux cross-memory attach,
 * process_vm_readv), which some containers forbid. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size != 2) {
    if (rank == 0) fprintf(stderr, "shm_probe: run with 2 ranks\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  const int n = 1 << 22; /* 4 MiB */
  unsigned char* out = malloc(n);
  unsigned char* in = malloc(n);
  if (!out || !in) MPI_Abort(MPI_COMM_WORLD, 2);
  for (int i = 0; i < n; ++i) out[i] = (unsigned char)(i * 31 + rank);
  MPI_Sendrecv(out, n, MPI_BYTE, 1 - rank, 0, in, n, MPI_BYTE, 1 - rank, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  int bad = 0;
  for (int i = 0; i < n; ++i) bad |= in[i] != (unsigned char)(i * 31 + (1 - rank));
  int any = 0;
  MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
  free(out);
  free(in);
  MPI_Finalize();
  return any ? 1 : 0;
}
