#!/usr/bin/env bash
# A real one-host Slurm 22.05 cluster for tests and demos (Debian 12: slurmctld, slurmd, munge).
#
#   slurm/local-cluster.sh start    start munged, slurmctld and slurmd; wait until the node is idle
#   slurm/local-cluster.sh stop     cancel our jobs, stop the daemons by the pids they wrote
#   slurm/local-cluster.sh status   print daemon pids and `sinfo`; exit 0 only if all are running
#   slurm/local-cluster.sh env      print `export SLURM_CONF=...` (use: eval "$(... env)")
#
# Everything (slurm.conf, munge key and socket, state, spool, logs, pid files) lives in
# ${CH_SLURM_DIR:-/tmp/ch-slurm}, so the cluster leaves the system's /etc/slurm, /etc/munge and
# a system munged alone, and several such clusters can share a machine if they use different
# directories and ports. Must run as root (slurmd launches jobs as the submitting user).
#
# Settings (environment):
#   CH_SLURM_DIR       state directory                       [/tmp/ch-slurm]
#   CH_SLURM_PORT      slurmctld port; slurmd uses PORT+1    [6917]  (not 6817: a site or another
#                      test cluster on the same machine may use Slurm's default ports)
#   CH_SLURM_TIMEOUT   seconds `start` waits for an idle node, `stop` for daemons to exit [60]
#   CH_SLURM_PARTITION partition name                        [debug]
#   CH_SLURM_CRED_EXPIRE  AuthInfo cred_expire: seconds a requeued job waits before it may
#                      start again (Slurm's default is 120)   [10]
#
# Facts this relies on (docs/operations.md, /work/shared/notes/slurm-one-host.md): host name from
# `hostname -s`, CPUs/RealMemory from `slurmd -C`, no cgroups (proctrack/linuxproc, task/none and
# no cgroup.conf), select/cons_tres with CR_Core and an OverSubscribe=YES partition.
set -euo pipefail

DIR=${CH_SLURM_DIR:-/tmp/ch-slurm}
PORT=${CH_SLURM_PORT:-6917}
TIMEOUT=${CH_SLURM_TIMEOUT:-60}
PARTITION=${CH_SLURM_PARTITION:-debug}
CRED_EXPIRE=${CH_SLURM_CRED_EXPIRE:-10}
CONF=$DIR/etc/slurm.conf
MUNGE_DIR=$DIR/munge
MUNGE_SOCKET=$MUNGE_DIR/munge.socket
DAEMONS=(munged slurmctld slurmd) # start order; stop goes in reverse

die() {
  echo "local-cluster: error: $*" >&2
  exit 1
}
say() { echo "local-cluster: $*" >&2; }

pidfile() { echo "$DIR/run/$1.pid"; }

# pid_of NAME: the pid NAME wrote, if that process is alive and still is NAME (a pid file left
# behind by a crashed daemon may name an unrelated process by now, which we must not signal).
pid_of() {
  local file pid comm
  file=$(pidfile "$1")
  [[ -r $file ]] || return 1
  read -r pid <"$file" || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ $comm == "$1" ]] || return 1
  echo "$pid"
}

running() { pid_of "$1" >/dev/null; }

all_running() {
  local d
  for d in "${DAEMONS[@]}"; do running "$d" || return 1; done
}

any_running() {
  local d
  for d in "${DAEMONS[@]}"; do running "$d" && return 0; done
  return 1
}

# Slurm client commands read this; the munge socket they use is named in slurm.conf (AuthInfo).
export SLURM_CONF=$CONF

node_name() { hostname -s; }

# node_state: the node's state as sinfo prints it (idle, mix, alloc, down*, drain, ...), or "".
node_state() {
  sinfo -h -N -n "$(node_name)" -o '%t' 2>/dev/null | head -n 1 || true
}

# wait_for DESCRIPTION CMD...: poll CMD once a second until it succeeds, at most $TIMEOUT seconds.
# (Polling a condition with a bound, not a fixed sleep: start-up takes as long as it takes.)
wait_for() {
  local what=$1 deadline=$((SECONDS + TIMEOUT))
  shift
  until "$@"; do
    if ((SECONDS >= deadline)); then
      say "timed out after ${TIMEOUT}s waiting for $what"
      return 1
    fi
    sleep 1
  done
}

node_idle() { [[ $(node_state) == idle ]]; }
munge_works() { munge -n --socket="$MUNGE_SOCKET" 2>/dev/null | unmunge --socket="$MUNGE_SOCKET" >/dev/null 2>&1; }

require_tools() {
  local t missing=()
  for t in munged mungekey munge unmunge slurmctld slurmd sinfo scontrol squeue runuser; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  ((${#missing[@]} == 0)) ||
    die "missing ${missing[*]}; install the Debian packages: apt-get install -y slurmctld slurmd slurm-client munge"
  [[ $(id -u) == 0 ]] || die "must run as root (slurmd starts jobs as their users)"
  id munge >/dev/null 2>&1 || die "no 'munge' user; is the munge package installed?"
}

write_config() {
  local host hw
  host=$(node_name)
  # Daemons and job steps find each other by this name.
  getent hosts "$host" >/dev/null ||
    die "host name '$host' does not resolve; add '127.0.0.1 $host' to /etc/hosts"
  # `slurmd -C` prints this node's real topology and memory, e.g.
  # "NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105".
  # slurmd refuses to serve a node that claims more than it has, so the node line copies it.
  hw=$(slurmd -C | sed -n 's/^NodeName=[^ ]* //p' | head -n 1)
  [[ -n $hw ]] || die "slurmd -C printed no node line"
  mkdir -p "$DIR/etc" "$DIR/state" "$DIR/spool" "$DIR/log" "$DIR/run"
  cat >"$CONF.tmp" <<EOF
# Generated by slurm/local-cluster.sh; rewritten at every start.
ClusterName=ch-local
# No mail on this box; the default /bin/mail is missing and slurmctld complains.
MailProg=/bin/true
SlurmctldHost=$host
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire also delays the restart of a requeued job (default 120 s); short for tests.
AuthInfo=socket=$MUNGE_SOCKET,cred_expire=$CRED_EXPIRE
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool/%n
SlurmctldPidFile=$(pidfile slurmctld)
SlurmdPidFile=$(pidfile slurmd)
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups on this machine (and a cgroup.conf would make slurmd fail): track processes by
# /proc and do no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
# Look at pending jobs every 2 s, not every 60 s: a requeued job becomes eligible by time (after
# cred_expire), not by an event, and tests should not wait a minute for it.
SchedulerParameters=sched_interval=2,bf_interval=5
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# No database: finished jobs stay visible to 'scontrol show job' for an hour, and every finished
# job (state, exit code) is also appended to a text file, for scripts that wait on jobs.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.log
MinJobAge=3600
# A job whose afterok dependency can never be met is cancelled instead of pending forever.
DependencyParameters=kill_invalid_depend
# A node that was down (e.g. after a restart) comes back when its slurmd registers.
ReturnToService=2
NodeName=$host $hw State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
EOF
  mv "$CONF.tmp" "$CONF"
}

start_munge() {
  mkdir -p "$MUNGE_DIR"
  # munged insists on owning its key, socket directory, log and seed (and refuses group/world
  # writable paths); clients connect through the socket, so the directory stays traversable.
  chown munge: "$MUNGE_DIR"
  chmod 0755 "$MUNGE_DIR"
  (( ${#MUNGE_SOCKET} < 100 )) || die "munge socket path too long for a unix socket: $MUNGE_SOCKET (set a shorter CH_SLURM_DIR)"
  if [[ ! -s $MUNGE_DIR/munge.key ]]; then
    # Our own key: this cluster does not depend on (or disturb) the system's /etc/munge.
    runuser -u munge -- mungekey --create --keyfile="$MUNGE_DIR/munge.key" ||
      die "mungekey failed"
  fi
  rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock"
  local pid_tmp=$MUNGE_DIR/munged.pid
  runuser -u munge -- munged --socket="$MUNGE_SOCKET" --key-file="$MUNGE_DIR/munge.key" \
    --pid-file="$pid_tmp" --log-file="$MUNGE_DIR/munged.log" --seed-file="$MUNGE_DIR/munged.seed" ||
    die "munged failed to start; see $MUNGE_DIR/munged.log"
  # munged writes its pid file after forking; the file lives in its own (munge-owned) directory,
  # so copy it next to the others once it is there.
  wait_for "munged pid file" test -s "$pid_tmp" || die "munged wrote no pid file; see $MUNGE_DIR/munged.log"
  cp "$pid_tmp" "$(pidfile munged)"
  wait_for "munge" munge_works || die "munge does not answer on $MUNGE_SOCKET; see $MUNGE_DIR/munged.log"
}

start() {
  require_tools
  if all_running; then
    say "already running ($DIR)"
  else
    # A half-running cluster (e.g. slurmd died) is restarted whole.
    if any_running; then
      say "some daemons are not running; restarting all"
      stop
    fi
    # The state directory is kept: it holds the job id counter, so job ids (and with them the
    # default run directories runs/$SLURM_JOB_ID) are not reused after a restart. `stop` cancels
    # all jobs first, so there is nothing else in it worth recovering.
    rm -rf "$DIR/spool" "$DIR/run"
    mkdir -p "$DIR/log"
    : >"$DIR/log/slurmctld.log"
    : >"$DIR/log/slurmd.log"
    write_config
    start_munge
    # Both daemons fork into the background and write their pid files; -i: state files that do
    # not fit the new config (e.g. another host name) are ignored instead of fatal.
    slurmctld -f "$CONF" -i || die "slurmctld failed to start; see $DIR/log/slurmctld.log"
    wait_for "slurmctld" running slurmctld || die "slurmctld is not running; see $DIR/log/slurmctld.log"
    slurmd -f "$CONF" || die "slurmd failed to start; see $DIR/log/slurmd.log"
    wait_for "slurmd" running slurmd || die "slurmd is not running; see $DIR/log/slurmd.log"
  fi
  if ! wait_for "idle node" node_idle; then
    local state
    state=$(node_state)
    die "node $(node_name) is not idle after ${TIMEOUT}s (state: '${state:-unknown}'); logs: $DIR/log/slurmctld.log $DIR/log/slurmd.log; 'scontrol show node $(node_name)' gives the reason"
  fi
  say "running: node $(node_name) idle, SLURM_CONF=$CONF"
}

stop_daemon() {
  local name=$1 pid
  pid=$(pid_of "$name") || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  if ! wait_for "$name to exit" eval "! running $name"; then
    say "$name (pid $pid) ignored SIGTERM for ${TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

no_jobs() { [[ -z $(squeue -h -o '%A' 2>/dev/null) ]]; }

stop() {
  if running slurmctld; then
    # Cancel what is still queued or running so that no job steps outlive the cluster.
    local jobs
    jobs=$(squeue -h -o '%A' 2>/dev/null || true)
    if [[ -n $jobs ]]; then
      say "cancelling jobs: $(echo "$jobs" | tr '\n' ' ')"
      # shellcheck disable=SC2086  # a list of job ids
      scancel $jobs 2>/dev/null || true
      wait_for "jobs to end" no_jobs || say "jobs still listed after ${TIMEOUT}s; stopping anyway"
    fi
  fi
  local i
  for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do stop_daemon "${DAEMONS[i]}"; done
  rm -f "$DIR"/run/*.pid
  say "stopped ($DIR)"
}

status() {
  local d pid rc=0
  for d in "${DAEMONS[@]}"; do
    if pid=$(pid_of "$d"); then
      echo "$d: running (pid $pid)"
    else
      echo "$d: not running"
      rc=3
    fi
  done
  if running slurmctld; then
    sinfo || rc=3
  fi
  return "$rc"
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) status ;;
env) printf 'export SLURM_CONF=%q\n' "$CONF" ;;
*)
  echo "usage: $0 start|stop|status|env" >&2
  exit 2
  ;;
esac
