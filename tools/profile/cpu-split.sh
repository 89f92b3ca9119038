#!/usr/bin/env bash
# Where the machine's CPU goes while a benchmark runs: the silo, the simulator, PostgreSQL and everything else, as a
# percentage of one core (from /proc, so it needs no tools). Usage: tools/profile/cpu-split.sh SECONDS
set -euo pipefail
seconds=${1:?seconds}
hz=$(getconf CLK_TCK)
# One awk reads every process's utime + stime (fields 14 and 15), so both snapshots are quick and comparable.
ticks() { awk '{ split(FILENAME, p, "/"); print p[3], $14 + $15 }' /proc/[0-9]*/stat 2>/dev/null | sort; }
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8, $5+$6}' /proc/stat; }
before=$(mktemp); after=$(mktemp); names=$(mktemp)
ticks > "$before"; read -r used1 idle1 <<<"$(busy)"; start=$(date +%s.%N)
sleep "$seconds"
ticks > "$after"; read -r used2 idle2 <<<"$(busy)"; end=$(date +%s.%N)
# The command lines tell the processes apart.
for pid in $(cut -d' ' -f1 "$after"); do echo "$pid $(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | cut -c1-200)"; done | sort > "$names"
join "$before" "$after" | join - "$names" | awk -v hz="$hz" -v s="$(echo "$end - $start" | bc -l)" '
  { d = $3 - $2
    if ($0 ~ /Buurtzorg\.Silo\.dll/) silo += d; else if ($0 ~ /Buurtzorg\.Simulator\.dll/) sim += d
    else if ($0 ~ /postgres/) pg += d; else other += d }
  END { printf "over %.1f s, percent of one core: silo %d%%, simulator %d%%, postgres %d%%, everything else %d%%\n",
        s, silo * 100 / hz / s, sim * 100 / hz / s, pg * 100 / hz / s, other * 100 / hz / s }'
echo "machine busy $(( (used2 - used1) * 100 / ((used2 - used1) + (idle2 - idle1)) ))% of $(nproc) cores"
rm -f "$before" "$after" "$names"
