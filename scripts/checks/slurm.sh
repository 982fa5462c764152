#!/usr/bin/env bash
# Sweeps against a real Slurm (docs/cli.md, "Running on a cluster"):
# starts munged (when none is running), slurmctld and slurmd on this
# machine with a minimal configuration of its own (temporary directory,
# non-default ports), and:
#
#  1. 'sweep slurm' writes the scripts of a small freefield --quick study
#     (4 tasks), submit.sh submits the task array and the merge job;
#  2. one running task gets USR1 (scancel --signal=USR1 JOB_TASK): it must
#     checkpoint, exit 3, requeue itself and resume from its checkpoint;
#  3. the merge job (afterany) must run after the requeued task and write
#     study.h5, which h5py checks against every task file and xarray
#     (h5netcdf) opens group by group;
#  4. 'sweep local -j 2' runs the same study here: its merged datasets, and
#     the interrupted task's file, must equal the Slurm ones bit for bit;
#  5. for every other experiment with a --quick preset named in
#     SLURMCHECK_MORE (default: phi4, when it exists), two replicas of
#     --quick go through Slurm and local alike and must merge identically.
#
# The daemons are shut down on exit; on failure the slurmctld and slurmd
# logs, the queue and the job logs are printed. Needs root (CI runs as
# root); otherwise it says so and skips, unless SLURMCHECK=require.
# SLURMCHECK_KEEP=1 keeps the temporary directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
PYTHON=${PYTHON:-/usr/bin/python3}
say() { echo "slurm.sh: $*"; }
die() { echo "slurm.sh: FAIL: $*" >&2; exit 1; }
t0=$(date +%s)

if [ "$(id -u)" -ne 0 ]; then
  if [ "${SLURMCHECK:-}" = require ]; then die "needs root to run slurmctld and slurmd"; fi
  say "SKIPPED: running slurmctld and slurmd needs root (CI runs as root; SLURMCHECK=require makes this an error)"
  exit 0
fi
./scripts/deps.sh slurm-wlm munge python3-xarray python3-h5netcdf

tmp=$(mktemp -d /tmp/rgflow-slurm.XXXXXX)
chmod 755 "$tmp"
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/log"
conf=$tmp/slurm.conf
export SLURM_CONF=$conf
started_munge=
ctld_pid=
slurmd_pid=

diagnostics() {
  echo "---- slurm.sh diagnostics ($tmp) ----" >&2
  for f in "$tmp/log/slurmctld.log" "$tmp/log/slurmd.log"; do
    [ -f "$f" ] && { echo "== tail -n 60 $f" >&2; tail -n 60 "$f" >&2; }
  done
  if [ -n "$ctld_pid" ]; then
    echo "== squeue" >&2; squeue -a -o '%.18i %.12j %.10T %.10M %.20R' >&2 || true
    echo "== scontrol show job" >&2; scontrol show job >&2 || true
    echo "== sinfo" >&2; sinfo -N -l >&2 || true
  fi
  for f in "$tmp"/*/logs/*; do
    [ -f "$f" ] && { echo "== tail -n 40 $f" >&2; tail -n 40 "$f" | cut -c1-400 >&2; }
  done
  echo "---- end of diagnostics ----" >&2
}

stop_pid() { # pid: TERM, then KILL after 10 s
  local pid=$1 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT
  [ "$rc" -ne 0 ] && diagnostics
  if [ -n "$ctld_pid" ]; then
    scancel --quiet --user=root 2>/dev/null || true
    scontrol shutdown >/dev/null 2>&1 || true
    for _ in $(seq 50); do kill -0 "$ctld_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  stop_pid "$slurmd_pid"
  stop_pid "$ctld_pid"
  [ -n "$started_munge" ] && stop_pid "$started_munge"
  if [ "${SLURMCHECK_KEEP:-}" = 1 ] || [ "$rc" -ne 0 ]; then
    say "kept $tmp"
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for SECONDS WHAT COMMAND...: poll COMMAND until it succeeds.
wait_for() {
  local secs=$1 what=$2
  shift 2
  local end=$(($(date +%s) + secs))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || die "timed out after ${secs}s waiting for $what"
    sleep 0.5
  done
}

# ---- munge ----------------------------------------------------------------
munge_ok() { munge -n | unmunge >/dev/null 2>&1; }
if ! munge_ok; then
  mkdir -p /run/munge /var/log/munge /var/lib/munge /etc/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge
  chmod 0755 /run/munge
  if [ ! -s /etc/munge/munge.key ]; then
    runuser -u munge -- /usr/sbin/mungekey --create --keyfile=/etc/munge/munge.key || die "cannot create the munge key"
  fi
  runuser -u munge -- /usr/sbin/munged || die "munged did not start (see /var/log/munge/munged.log)"
  started_munge=$(cat /run/munge/munged.pid 2>/dev/null || true)
  wait_for 20 "munged to answer" munge_ok
  say "started munged (pid $started_munge)"
fi

# ---- slurmctld and slurmd -------------------------------------------------
free_port() { # a port nothing listens on (bash's /dev/tcp: no ss or netstat needed)
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
host=$(hostname -s)
ctld_port=$(free_port)
slurmd_port=$(free_port)
[ "$slurmd_port" != "$ctld_port" ] || slurmd_port=$((ctld_port + 1))
cat >"$conf" <<EOF
ClusterName=rgflowcheck
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
JobRequeue=1
# A requeued job may start again only after the credential lifetime
# (cred_expire, 120 s by default) and at the next scheduling pass (up to
# 60 s): shortened here so the check takes seconds, not minutes.
AuthInfo=cred_expire=10
SchedulerParameters=sched_interval=2,bf_interval=2
MinJobAge=3600
KillWait=10
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 RealMemory=2048 State=UNKNOWN
PartitionName=check Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -c -f "$conf" || die "slurmctld did not start"
wait_for 20 "slurmctld's pid file" test -s "$tmp/slurmctld.pid"
ctld_pid=$(cat "$tmp/slurmctld.pid")
wait_for 30 "slurmctld to answer" scontrol ping
slurmd -f "$conf" || die "slurmd did not start"
wait_for 20 "slurmd's pid file" test -s "$tmp/slurmd.pid"
slurmd_pid=$(cat "$tmp/slurmd.pid")
node_idle() { sinfo -h -n "$host" -o %T | grep -qx idle; }
wait_for 60 "node $host to be idle" node_idle
say "slurmctld (pid $ctld_pid, port $ctld_port) and slurmd (pid $slurmd_pid, port $slurmd_port) up, $(sinfo -V)"

# ---- the study --------------------------------------------------------------
# freefield --quick, with 4000 training steps so that a task runs for a few
# seconds and USR1 can reach it mid-run; m² × regulator = 4 tasks.
study() { # out-dir
  cat <<EOF
seed: 20261128
out: $1
train:
  steps: 4000
  min_steps: 4000
sweep:
  experiment: freefield
  preset: quick
  name: rgcheck
  axes:
    - key: field.m2
      values: [0.25, 0.5]
    - key: flow.regulator
      values: [fermi-dirac, litim]
  slurm: {time: "00:10:00", mem: 500M, cpus_per_task: 1, max_parallel: 2, signal_lead: 30}
EOF
}
ntasks=4
victim=1
sdir=$tmp/slurm-study
ldir=$tmp/local-study
study "$sdir" >"$tmp/slurm.yaml"
study "$ldir" >"$tmp/local.yaml"

go run ./experiments/sweep slurm --config "$tmp/slurm.yaml" || die "sweep slurm failed"
bash "$sdir/submit.sh" || die "submit.sh failed"
jid=$(cat "$sdir/array.jobid")
mid=$(cat "$sdir/merge.jobid")
say "array job $jid, merge job $mid"

# USR1 to one task while it trains.
vlog=$sdir/logs/rgcheck_${jid}_${victim}.out
training() { grep -q '"stage":"train learned"' "$vlog"; }
wait_for 180 "task $victim to start training ($vlog)" training
if grep -q '"msg":"complete"' "$vlog"; then die "task $victim finished before USR1 could be sent: make it longer"; fi
# scancel --signal can answer "Job can not be altered now, try again later"
# in the first second of a job (and then retry for a minute or more) even
# when the signal reached the step: send it with a timeout, and judge by
# what the task logs.
got_usr1() { grep -q '"msg":"signal received' "$vlog"; }
for attempt in 1 2 3; do
  timeout 5 scancel --signal=USR1 "${jid}_${victim}" || say "scancel --signal=USR1 ${jid}_${victim} (attempt $attempt): exit $?"
  for _ in $(seq 20); do got_usr1 && break 2; sleep 0.25; done
  grep -q '"msg":"complete"' "$vlog" && die "task $victim finished before USR1 reached it"
done
got_usr1 || die "task ${jid}_${victim} never received USR1"
say "task ${jid}_${victim} received USR1"

job_state() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }
merge_ended() { case $(job_state "$mid") in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) return 0 ;; esac; return 1; }
wait_for 300 "the merge job $mid to end" merge_ended
mstate=$(job_state "$mid")
mlog=$(ls "$sdir"/logs/rgcheck-merge_"$mid".out 2>/dev/null || true)
[ -n "$mlog" ] && cat "$mlog"
[ "$mstate" = COMPLETED ] || die "merge job $mid ended $mstate"

# The interrupted task: signal, checkpoint, exit 3, requeue, resume.
for want in '"msg":"signal received' 'interrupted after a checkpoint' "stopped on a signal after checkpointing; requeueing it" \
  '"msg":"resuming"' '"has_checkpoint":true' "restart 1" '"msg":"complete"'; do
  grep -q "$want" "$vlog" || die "task $victim's log lacks '$want'"
done
restarts=$(scontrol show job "${jid}_${victim}" | grep -o 'Restarts=[0-9]*' | cut -d= -f2)
[ "${restarts:-0}" -ge 1 ] || die "task ${jid}_${victim} shows Restarts=${restarts:-?}"
for n in $(seq 0 $((ntasks - 1))); do
  st=$(scontrol show job "${jid}_${n}" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)
  [ "$st" = COMPLETED ] || die "array task ${jid}_${n} ended $st"
done
# afterany must have waited for the requeued run, not the interrupted one.
field() { scontrol show job "$1" | grep -o "$2=[^ ]*" | head -1 | cut -d= -f2; }
vend=$(field "${jid}_${victim}" EndTime)
mstart=$(field "$mid" StartTime)
[[ "$mstart" > "$vend" || "$mstart" == "$vend" ]] || die "the merge job started at $mstart, before task $victim's requeued run ended ($vend)"
say "task $victim: USR1 → checkpoint → exit 3 → requeued (Restarts=$restarts) → resumed → complete at $vend; merge started $mstart"

"$PYTHON" scripts/checks/slurm_compare.py study "$sdir" "$ntasks" || die "the merged file of the Slurm study"

# The same study on this machine.
go run ./experiments/sweep local -j 2 --config "$tmp/local.yaml" || die "sweep local failed"
"$PYTHON" scripts/checks/slurm_compare.py study "$ldir" "$ntasks" || die "the merged file of the local study"
"$PYTHON" scripts/checks/xarray_example.py --groups "$sdir/study.h5" || die "the merged file of the Slurm study does not open group by group in xarray"
"$PYTHON" scripts/checks/slurm_compare.py same "$sdir/task-000$victim.h5" "$ldir/task-000$victim.h5" ||
  die "the requeued task differs from the uninterrupted local run"
"$PYTHON" scripts/checks/slurm_compare.py studies "$sdir" "$ldir" || die "Slurm and local merged files differ"

# Other experiments with a quick preset (phi4 once it exists): two
# replicas of --quick, on Slurm and here, merged files bit for bit.
replica_study() { # experiment
  local exp=$1 d m
  for d in slurm local; do
    cat >"$tmp/$exp-$d.yaml" <<EOF
seed: 7
out: $tmp/$exp-$d
sweep:
  experiment: $exp
  preset: quick
  replicas: 2
  slurm: {time: "00:10:00", mem: 500M, cpus_per_task: 1, max_parallel: 2}
EOF
  done
  go run ./experiments/sweep slurm --submit --config "$tmp/$exp-slurm.yaml" || die "$exp: sweep slurm --submit failed"
  m=$(cat "$tmp/$exp-slurm/merge.jobid")
  merge_done() { case $(job_state "$m") in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) return 0 ;; esac; return 1; }
  wait_for 600 "the merge job $m of the $exp study to end" merge_done
  [ "$(job_state "$m")" = COMPLETED ] || die "$exp: merge job $m ended $(job_state "$m")"
  "$PYTHON" scripts/checks/slurm_compare.py study "$tmp/$exp-slurm" 2 || die "$exp: the merged file of the Slurm study"
  "$PYTHON" scripts/checks/xarray_example.py --groups "$tmp/$exp-slurm/study.h5" || die "$exp: the merged file does not open group by group in xarray"
  go run ./experiments/sweep local -j 2 --config "$tmp/$exp-local.yaml" || die "$exp: sweep local failed"
  "$PYTHON" scripts/checks/slurm_compare.py studies "$tmp/$exp-slurm" "$tmp/$exp-local" || die "$exp: Slurm and local merged files differ"
}
for exp in ${SLURMCHECK_MORE-phi4}; do
  # The help is read whole before grep looks at it: under pipefail,
  # grep -q leaving at the first match made the writer fail with SIGPIPE
  # and the study was skipped at random.
  if [ -f "experiments/$exp/main.go" ] && help=$(go run "./experiments/$exp" --help 2>/dev/null) && grep -q -- '--quick' <<<"$help"; then
    replica_study "$exp"
  else
    say "no experiments/$exp with a --quick preset: skipped its study"
  fi
done
say "ok ($(($(date +%s) - t0)) s)"
