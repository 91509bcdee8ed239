#!/usr/bin/env bash
# A throwaway one-node Slurm cluster on this machine (Debian's slurm-wlm: slurmctld + slurmd, authenticated by a
# private munged) for the experiment --slurm test. Everything lives in one folder; nothing under /etc is changed.
# Usage: scripts/slurm-test-cluster.sh install|start|status|stop
#   install  apt-get the packages (root)          start   start the daemons, wait until the node is idle
#   status   exit 0 when the cluster answers      stop    cancel its jobs, stop the daemons, delete the folder
# Clients find the cluster through SLURM_CONF=$DCGAN_SLURM_DIR/slurm.conf (start prints it); the folder defaults to
# /tmp/dcgan-slurm, the ports to 16817/16818, so a real Slurm on the same machine is not touched.
set -euo pipefail
dir="${DCGAN_SLURM_DIR:-/tmp/dcgan-slurm}"
conf="$dir/slurm.conf"
export SLURM_CONF="$conf"

fail() { echo "slurm-test-cluster: $*" >&2; exit 1; }

pid_of() { [ -f "$dir/$1.pid" ] && cat "$dir/$1.pid" 2>/dev/null || true; }

answers() { [ -f "$conf" ] && timeout 5 sinfo -h -o '%t' 2>/dev/null | grep -q .; }

install() {
  [ "$(id -u)" = 0 ] || fail "install needs root (apt-get)"
  local missing=()
  for cmd in slurmctld slurmd sbatch munged; do command -v "$cmd" >/dev/null || missing+=("$cmd"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge) >/dev/null 2>&1 || fail "could not install slurmctld slurmd slurm-client munge"
}

start() {
  [ "$(id -u)" = 0 ] || fail "start needs root (slurmd runs jobs as their users)"
  for cmd in slurmctld slurmd sbatch munged; do command -v "$cmd" >/dev/null || fail "$cmd is not installed (run: $0 install)"; done
  if answers; then
    echo "SLURM_CONF=$conf"
    return 0
  fi
  stop >/dev/null 2>&1 || true
  mkdir -p "$dir"/{state,spool,munge}
  chmod 700 "$dir" "$dir/munge"
  node="$(hostname -s)"
  # The detected hardware line (CPUs, sockets, cores, memory) so slurmd never drains the node as misconfigured.
  hardware="$(slurmd -C | head -1 | sed 's/^NodeName=[^ ]*//')"

  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1 count=1024 status=none
  chmod 400 "$dir/munge/munge.key"
  munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munge/munged.seed"

  cat >"$conf" <<EOF
# One-node test cluster written by scripts/slurm-test-cluster.sh.
ClusterName=dcgan-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
KillWait=10
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 $hardware State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  slurmctld -c -f "$conf"
  slurmd -f "$conf"
  for _ in $(seq 1 100); do
    if timeout 5 sinfo -h -o '%t' 2>/dev/null | grep -qx 'idle'; then
      echo "SLURM_CONF=$conf"
      return 0
    fi
    sleep 0.2
  done
  tail -5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
  fail "the node did not become idle within 20 seconds (logs above)"
}

stop() {
  if answers; then
    local jobs
    jobs="$(squeue -h -o '%A' 2>/dev/null | sort -u || true)"
    if [ -n "$jobs" ]; then
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      for _ in $(seq 1 75); do [ -z "$(squeue -h -t all -o '%A %T' 2>/dev/null | grep -v -e CANCELLED -e COMPLETED -e FAILED)" ] && break; sleep 0.2; done
    fi
  fi
  for daemon in slurmd slurmctld munged; do
    pid="$(pid_of "$daemon")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$dir"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  status) answers ;;
  stop) stop ;;
  *) echo "usage: $0 install|start|status|stop" >&2; exit 2 ;;
esac
