#!/usr/bin/env bash
# SLURM drill: run the quick configuration of the whole workflow on a real, one-node SLURM cluster
# started on 127.0.0.1, check the outputs against tests/baselines, stop every daemon it started.
#
#   tests/cluster/run-slurm.sh            # as root on Debian/Ubuntu; installs SLURM if missing
#
# Environment:
#   PYTHON                 interpreter with dissent + snakemake + the SLURM plugin
#                          (default: .venv/bin/python of the repository, else python3)
#   SLURM_DRILL_TIMEOUT    seconds before the Snakemake run is interrupted (default 900)
#   SLURM_DRILL_KEEP=1     keep the scratch directory (printed at the end)
#   SLURM_DRILL_FAILURE=0  skip the second phase (a job that fails must fail the run, clearly)
#
# Works in a scratch copy of the repository (git-tracked + untracked-not-ignored files), never in the
# repository itself. Exit status: 0 all good; 1 the workflow or a check failed; 2 setup failed;
# 124 the time limit was hit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIMIT=${SLURM_DRILL_TIMEOUT:-900}
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x "$ROOT/.venv/bin/python" ]]; then PYTHON=$ROOT/.venv/bin/python; else PYTHON=python3; fi
fi
WORK=$(mktemp -d /tmp/dissent-slurm.XXXXXX)
chmod 755 "$WORK"
STARTED=$(date +%s)

log() { printf '[slurm-drill %3ds] %s\n' "$(($(date +%s) - STARTED))" "$*" >&2; }
die() { log "FAILED: $*"; exit "${2:-1}"; }

# ---------------------------------------------------------------- cleanup: every daemon we started
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -f "$WORK/slurm.conf" ]] && command -v scancel >/dev/null; then
        SLURM_CONF=$WORK/slurm.conf timeout 10 scancel --user="$(id -un)" >/dev/null 2>&1 || true
    fi
    for name in slurmd slurmctld munged; do
        local pidfile="$WORK/run/$name.pid"
        if [[ -s "$pidfile" ]]; then
            local pid
            pid=$(cat "$pidfile")
            if kill -0 "$pid" 2>/dev/null; then
                kill -TERM "$pid" 2>/dev/null || true
                for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
                kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
                log "stopped $name (pid $pid)"
            fi
        fi
    done
    if [[ -s "$WORK/run/etc-conf" ]] && grep -qF "# written by dissent" /etc/slurm/slurm.conf 2>/dev/null; then
        rm -f /etc/slurm/slurm.conf
    fi
    if [[ $rc -ne 0 && -d "$WORK/log" ]]; then
        for f in "$WORK"/log/*.log; do
            [[ -s "$f" ]] && { echo "----- tail of $f" >&2; tail -n 15 "$f" >&2; }
        done
    fi
    if [[ "${SLURM_DRILL_KEEP:-0}" == 1 || $rc -ne 0 ]]; then
        log "scratch directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    log "exit $rc"
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ---------------------------------------------------------------- install SLURM from Debian packages
[[ $(id -u) -eq 0 ]] || die "must run as root (installs packages, starts daemons)" 2
# One drill at a time on a machine (they share /etc/slurm/slurm.conf, see below).
exec 9>/tmp/dissent-slurm-drill.lock
flock -w "$LIMIT" 9 || die "another SLURM drill holds /tmp/dissent-slurm-drill.lock" 2
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
        || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    command -v apt-get >/dev/null || die "SLURM is not installed and apt-get is unavailable" 2
    log "installing slurmctld slurmd slurm-client munge (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    pkgs=(slurmctld slurmd slurm-client munge)
    if ! apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >"$WORK/apt.log" 2>&1; then
        apt-get update -qq >>"$WORK/apt.log" 2>&1 || true
        apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >>"$WORK/apt.log" 2>&1 \
            || { tail -n 20 "$WORK/apt.log" >&2; die "apt-get install failed" 2; }
    fi
fi
log "$(slurmctld -V), $("$PYTHON" -m snakemake --version | sed 's/^/snakemake /')"

# ---------------------------------------------------------------- munge: private key and socket
mkdir -p "$WORK"/{run,log,state,spool,munge}
chmod 700 "$WORK/munge"
MUNGE_SOCKET=$WORK/munge/munge.socket
if command -v mungekey >/dev/null; then
    mungekey --create --keyfile="$WORK/munge/munge.key" --force >/dev/null 2>&1
else
    dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1 count=1024 status=none
fi
chmod 600 "$WORK/munge/munge.key"
munged --force --key-file="$WORK/munge/munge.key" --socket="$MUNGE_SOCKET" \
    --pid-file="$WORK/run/munged.pid" --log-file="$WORK/log/munged.log" \
    --seed-file="$WORK/munge/munge.seed" >>"$WORK/log/munged.log" 2>&1 \
    || die "munged did not start" 2
for _ in $(seq 50); do [[ -S "$MUNGE_SOCKET" ]] && break; sleep 0.1; done
munge --socket="$MUNGE_SOCKET" -n | unmunge --socket="$MUNGE_SOCKET" >/dev/null \
    || die "munge does not work" 2

# ---------------------------------------------------------------- slurm.conf for one node
free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(slurmd -C | grep -o 'RealMemory=[0-9]*' | cut -d= -f2)
MEM=$((MEM * 9 / 10))
CTLD_PORT=$(free_port)
SLURMD_PORT=$(free_port)
while [[ "$SLURMD_PORT" == "$CTLD_PORT" ]]; do SLURMD_PORT=$(free_port); done
export SLURM_CONF=$WORK/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=dissentdrill
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
CredType=cred/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
MailProg=/bin/true
ReturnToService=2
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=drill Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
# The job-step plugin removes SLURM_* variables (SLURM_CONF too) before its inner `srun`, which then
# only finds the configuration at the compiled-in default path: put ours there for the drill unless
# a real configuration lives there (a marked leftover of an earlier drill is replaced).
ETC_CONF=/etc/slurm/slurm.conf
MARK="# written by dissent tests/cluster/run-slurm.sh"
if [[ -e "$ETC_CONF" ]] && ! grep -qF "$MARK" "$ETC_CONF"; then
    die "$ETC_CONF exists (a real SLURM installation?); not touching it" 2
fi
mkdir -p /etc/slurm
{ echo "$MARK"; cat "$SLURM_CONF"; } >"$ETC_CONF"
echo "$ETC_CONF" >"$WORK/run/etc-conf"
slurmctld -i || die "slurmctld did not start" 2
slurmd || die "slurmd did not start" 2
for _ in $(seq 100); do
    state=$(timeout 5 sinfo -h -N -o '%T' 2>/dev/null | head -n1 || true)
    [[ "$state" == idle* ]] && break
    sleep 0.2
done
[[ "${state:-}" == idle* ]] || die "the node is not idle (state '${state:-none}')" 2
log "one-node cluster up: $HOST, $CPUS CPUs, ${MEM} MB, ports $CTLD_PORT/$SLURMD_PORT"

# ---------------------------------------------------------------- scratch copy of the repository
REPO=$WORK/repo
mkdir -p "$REPO"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) | (cd "$ROOT" && while IFS= read -r -d '' f; do
    [[ -f "$f" ]] && { mkdir -p "$REPO/$(dirname "$f")"; cp -p "$f" "$REPO/$f"; }
done)
cd "$REPO"
export PYTHONPATH=$REPO/src

# Short status polling: on this tiny cluster a job is done in seconds (a real cluster keeps the
# profile's defaults).
FAST=(--slurm-init-seconds-before-status-checks 3 --seconds-between-status-checks 3)
# The drill checks the cluster mechanics on the reference paper of the workflow (its quick figures
# span two- and one-panel figures, several chunk groups); the full check runs locally in the tests.
FAST+=(--config "papers=[zou2022]")

# ---------------------------------------------------------------- phase 1: the quick run on SLURM
log "phase 1: snakemake --profile profiles/slurm check (time limit ${LIMIT}s)"
set +e
timeout -s INT -k 60 "$LIMIT" "$PYTHON" -m snakemake --profile profiles/slurm "${FAST[@]}" -- check \
    >"$WORK/log/snakemake.log" 2>&1
rc=$?
set -e
PHASE1=$(($(date +%s) - STARTED))
cp "$WORK/log/snakemake.log" "$WORK/snakemake-phase1.log"
if [[ $rc -eq 124 ]]; then
    tail -n 40 "$WORK/log/snakemake.log" >&2
    die "the run hit the time limit of ${LIMIT}s" 124
fi
if [[ $rc -ne 0 ]]; then
    tail -n 60 "$WORK/log/snakemake.log" >&2
    [[ -f results/checks/summary.md ]] && cat results/checks/summary.md >&2
    die "snakemake --profile profiles/slurm check exited with $rc"
fi
cat results/checks/summary.md
submitted=$(grep -c "Job .* has been submitted with SLURM jobid" "$WORK/log/snakemake.log" || true)
solved=$(find results/quick -path '*/chunks/*.nc' | wc -l)
[[ "$submitted" -ge 1 ]] || die "no job went through SLURM"
grep -q "Finished" "$WORK/log/slurmctld.log" 2>/dev/null || true
log "phase 1 passed: $solved solve chunks in $submitted SLURM jobs, figures match the baselines"

# ---------------------------------------------------------------- phase 2: a failing job fails clearly
if [[ "${SLURM_DRILL_FAILURE:-1}" == 1 ]]; then
    grid=$(find results/quick -name grid.nc | sort | head -n1)
    chunk=$(find "$(dirname "$grid")/chunks" -name '*.nc' | sort | head -n1)
    log "phase 2: corrupt $grid, force $chunk: the SLURM job must fail and the run must say so"
    truncate -s 100 "$grid"
    set +e
    timeout -s INT -k 60 300 "$PYTHON" -m snakemake --profile profiles/slurm "${FAST[@]}" --retries 0 \
        --forcerun "$chunk" -- "$chunk" >"$WORK/log/snakemake-failure.log" 2>&1
    rc=$?
    set -e
    [[ $rc -ne 124 ]] || die "phase 2: a failing job made the run hang"
    [[ $rc -ne 0 ]] || die "phase 2: a failing SLURM job was reported as success"
    grep -q "Error in rule solve" "$WORK/log/snakemake-failure.log" \
        || { tail -n 40 "$WORK/log/snakemake-failure.log" >&2; die "phase 2: no 'Error in rule solve'"; }
    grep -q "CorruptResultError: $grid" "$WORK/log/snakemake-failure.log" \
        || { tail -n 40 "$WORK/log/snakemake-failure.log" >&2; die "phase 2: the error does not name $grid"; }
    log "phase 2 passed: the failed SLURM job failed the run (exit $rc)"
fi

log "SLURM drill passed: phase 1 (install + cluster + quick run + check) ${PHASE1}s, total $(($(date +%s) - STARTED))s"
