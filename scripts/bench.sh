#!/usr/bin/env bash
# scripts/bench.sh [--quick] - The benchmark behind `make bench`.
#
# Boots tests/bench/bench.asm under the hypervisor (a VM of the default ISO
# build) and directly in QEMU (-kernel, Multiboot v1), both with QEMU's
# -icount shift=0, where the TSC counts emulated instructions: the figures
# are exact instruction counts, the same on every run (checked: the icount
# run is done twice). Then 5 runs each without icount give wall-clock TSC
# medians (min/max too). Then three more boots, without icount, of a
# 2-vCPU VM on two host CPUs (QEMU -smp 2): the IPI round trip between
# them in wall-clock time, min of the runs (icount runs the CPUs one after another, so it cannot
# measure that). Writes build/bench.json and prints a table.
# --quick: one icount run each, no wall-clock runs, no IPI boot (the smoke
# test).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[[ ${1:-} == --quick ]] && quick=1
OUT=build/bench
mkdir -p "$OUT"
BENCH_BIN=build/bench/bench.bin
MODULE="vm=bench type=flat mode=protected load=0x100000 entry=0x100040 mem=128M"
IPI_MODULE="$MODULE cpus=2 cpu=0,1"
source scripts/qemu-cpu.sh
CPU=$QEMU_CPU
TIMEOUT=300

# ISOs with the bench guest as the only module: as shipped, and with the
# exit counters off (to show what they cost).
make_bench_iso() {   # NAME EXTRA_CMDLINE [MODULE_ARGS]
	local cfg=$OUT/$1.grub.cfg
	{
		cat tests/integration/grub.cfg.in
		echo 'menuentry "svm-hv bench" {'
		echo "	multiboot2 /boot/hv.elf on_idle=poweroff on_panic=poweroff $2"
		echo "	module2 /boot/bench.bin ${3:-$MODULE}"
		echo '	boot'
		echo '}'
	} >"$cfg"
	scripts/mkiso.sh "$OUT/$1.iso" build/hv.elf "$cfg" "$BENCH_BIN"
}
make_bench_iso bench ""
make_bench_iso bench-nostats "exitstats=off"
[[ $quick -eq 1 ]] || make_bench_iso bench-ipi "" "$IPI_MODULE"

qemu_base=(-accel tcg -cpu "$CPU" -m 512M -M pc -display none -nic none -no-reboot -monitor none)
qemu_common=("${qemu_base[@]}" -smp 1)

run_hv() {     # LOG [icount] [ISO name] [host CPUs]
	timeout "$TIMEOUT" qemu-system-x86_64 "${qemu_base[@]}" -smp "${4:-1}" ${2:+-icount shift=0} \
		-serial "file:$1" -cdrom "$OUT/${3:-bench}.iso" </dev/null >/dev/null 2>&1 || true
	# CRLF to LF, and the shell's prompt, erased before each line, gone
	sed -i -e 's/^.*\r\x1b\[K//' -e 's/\r//g' "$1"
}

run_bare() {   # LOG [icount]
	timeout "$TIMEOUT" qemu-system-x86_64 "${qemu_common[@]}" ${2:+-icount shift=0} \
		-serial "file:$1" -kernel "$BENCH_BIN" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		</dev/null >/dev/null 2>&1 || true
	sed -i 's/\r//g' "$1"
}

# per_op LOG NAME: for the exit round trips, (total - empty-loop baseline
# scaled to the same count) / count: the cost of one operation on top of the
# loop around it. For the loops that are their own measurement (compute,
# page touches) simply total / count: compare those with bare, as a ratio.
per_op() {
	awk -v name="$2" '
		/^(bench\| )?bench empty / { etot = $(NF-1); en = $NF }
		$0 ~ "^(bench\\| )?bench " name " " { tot = $(NF-1); n = $NF }
		END { if (n == "" || en == "") { print "null"; exit }
		      base = (name ~ /^(cpuid|out_absorbed|in_uart_lsr|vmmcall|pm_timer_read|lapic_eoi_(xapic|xapic_paged|x2apic))$/) ? etot * n / en : 0
		      v = (tot - base) / n
		      if (v >= 10) printf "%d", v + 0.5; else printf "%.2f", v }' "$1"
}

hv_line() {   # LOG REGEX: the first number after REGEX in the hypervisor log
	grep -oE "$2 [0-9]+" "$1" | head -1 | grep -oE '[0-9]+$' || echo null
}

ops=(cpuid out_absorbed in_uart_lsr vmmcall first_touch_4k compute_loop page_walk_4k
	pm_timer_read lapic_eoi_xapic lapic_eoi_xapic_paged lapic_eoi_x2apic lapic_timer_oneshot)

# bench_field LOG NAME: the numbers after "bench NAME" in the guest's output.
bench_field() {
	grep -E "^(bench\| )?bench $2 " "$1" | head -1 | sed -E "s/^(bench\| )?bench $2 //"
}

echo "bench: icount runs (exact instruction counts)"
run_hv "$OUT/hv-icount-1.log" icount
run_bare "$OUT/bare-icount.log" icount
grep -q 'bench: done' "$OUT/hv-icount-1.log" || { echo "bench: the guest did not finish under the hypervisor"; tail -20 "$OUT/hv-icount-1.log"; exit 1; }
grep -q 'bench: done' "$OUT/bare-icount.log" || { echo "bench: the guest did not finish on bare QEMU"; exit 1; }
run_hv "$OUT/hv-icount-nostats.log" icount bench-nostats
deterministic=null
if [[ $quick -eq 0 ]]; then
	run_hv "$OUT/hv-icount-2.log" icount
	if diff <(grep -E '^bench\| bench ' "$OUT/hv-icount-1.log") <(grep -E '^bench\| bench ' "$OUT/hv-icount-2.log") >/dev/null; then
		deterministic=true
	else
		deterministic=false
	fi
fi

declare -A wall_med wall_min wall_max bare_med
median_of() {   # LOG-PREFIX OP: median over the 5 runs
	for i in 1 2 3 4 5; do per_op "$1-$i.log" "$2"; echo; done | grep -v null | sort -g | sed -n 3p
}
if [[ $quick -eq 0 ]]; then
	echo "bench: 5 wall-clock runs each (TSC, no icount)"
	for i in 1 2 3 4 5; do
		run_hv "$OUT/hv-wall-$i.log"
		run_bare "$OUT/bare-wall-$i.log"
	done
	for op in "${ops[@]}"; do
		vals=$(for i in 1 2 3 4 5; do per_op "$OUT/hv-wall-$i.log" "$op"; echo; done | grep -v null | sort -g)
		if [[ -n $vals ]]; then
			wall_min[$op]=$(head -1 <<<"$vals")
			wall_max[$op]=$(tail -1 <<<"$vals")
			wall_med[$op]=$(sed -n 3p <<<"$vals")
			[[ -n ${wall_med[$op]} ]] || wall_med[$op]=${wall_min[$op]}
		fi
		bare_med[$op]=$(median_of "$OUT/bare-wall" "$op")
	done
fi

# The IPI boots: vCPU 0 on host CPU 0 pings vCPU 1 on host CPU 1, which
# answers, N_IPI_RUNS boots of many round trips each; the figure is the min
# of the runs' minima (and the mean over every round trip), TSC ticks to ns
# with the TSC rate the hypervisor calibrated (its "TSC N.NNN MHz" line).
N_IPI_RUNS=3
ipi_json=null ipi_line="ipi_roundtrip: not measured (--quick)"
if [[ $quick -eq 0 ]]; then
	echo "bench: IPI boots (2 vCPUs on 2 host CPUs, wall clock, $N_IPI_RUNS runs)"
	ipi_min="" ipi_total=0 ipi_n=0 ipi_run_mins=() tsc_mhz=""
	for r in $(seq 1 "$N_IPI_RUNS"); do
		IPI_LOG=$OUT/hv-ipi-$r.log
		run_hv "$IPI_LOG" "" bench-ipi 2
		grep -q 'bench: done' "$IPI_LOG" || { echo "bench: IPI run $r did not finish"; tail -20 "$IPI_LOG"; exit 1; }
		read -r run_min run_n < <(bench_field "$IPI_LOG" ipi_min)
		read -r run_total _ < <(bench_field "$IPI_LOG" ipi_total)
		read -r ipi_cpu0 ipi_cpu1 < <(bench_field "$IPI_LOG" ipi_cpus)
		[[ $ipi_cpu0 != "$ipi_cpu1" ]] || { echo "bench: both vCPUs of IPI run $r ran on host CPU $ipi_cpu0"; exit 1; }
		[[ -n $tsc_mhz ]] || tsc_mhz=$(grep -oE 'hv: TSC [0-9.]+ MHz' "$IPI_LOG" | head -1 | grep -oE '[0-9.]+')
		ipi_run_mins+=("$run_min")
		[[ -z $ipi_min || $run_min -lt $ipi_min ]] && ipi_min=$run_min
		ipi_total=$((ipi_total + run_total)) ipi_n=$((ipi_n + run_n))
	done
	read -r ipi_min_ns ipi_mean_ns < <(awk -v m="$ipi_min" -v t="$ipi_total" -v n="$ipi_n" -v f="$tsc_mhz" \
		'BEGIN { printf "%d %d\n", m * 1000 / f + 0.5, t / n * 1000 / f + 0.5 }')
	run_mins_ns=$(for m in "${ipi_run_mins[@]}"; do awk -v m="$m" -v f="$tsc_mhz" 'BEGIN { printf "%d\n", m * 1000 / f + 0.5 }'; done | paste -sd' ')
	ipi_json=$(printf '{"min_ns": %s, "mean_ns": %s, "min_tsc": %s, "runs": %s, "run_min_ns": [%s], "round_trips": %s, "tsc_mhz": %s, "host_cpus": [%s, %s]}' \
		"$ipi_min_ns" "$ipi_mean_ns" "$ipi_min" "$N_IPI_RUNS" "${run_mins_ns// /, }" "$ipi_n" "$tsc_mhz" "$ipi_cpu0" "$ipi_cpu1")
	ipi_line="ipi_roundtrip_ns: min $ipi_min_ns (min of $N_IPI_RUNS runs: $run_mins_ns), mean $ipi_mean_ns over $ipi_n round trips (vCPU 0 on cpu$ipi_cpu0, vCPU 1 on cpu$ipi_cpu1; min $ipi_min TSC ticks at $tsc_mhz MHz)"
fi

HV=$OUT/hv-icount-1.log BARE=$OUT/bare-icount.log
json=build/bench.json
{
	echo "{"
	for op in "${ops[@]}"; do
		icount=$(per_op "$HV" "$op")
		bare=$(per_op "$BARE" "$op")
		ratio=null
		if [[ $icount != null && $bare != null && $bare != 0 ]]; then
			ratio=$(awk -v a="$icount" -v b="$bare" 'BEGIN { printf "%.3f", a / b }')
		fi
		printf '  "%s": {"icount": %s, "bare_icount": %s, "ratio_to_bare": %s, "tsc_median": %s, "tsc_min": %s, "tsc_max": %s, "bare_tsc_median": %s},\n' \
			"$op" "$icount" "$bare" "$ratio" "${wall_med[$op]:-null}" "${wall_min[$op]:-null}" "${wall_max[$op]:-null}" "${bare_med[$op]:-null}"
	done
	printf '  "exit_counters_cost_icount": {'
	sep=""
	for op in cpuid out_absorbed vmmcall; do
		with=$(per_op "$HV" "$op")
		without=$(per_op "$OUT/hv-icount-nostats.log" "$op")
		printf '%s"%s": %s' "$sep" "$op" "$(awk -v a="$with" -v b="$without" 'BEGIN { if (a == "null" || b == "null") print "null"; else print a - b }')"
		sep=", "
	done
	printf '},\n'
	printf '  "handoff_to_first_vmrun_icount": %s,\n' "$(hv_line "$HV" 'hand-off to first VMRUN:')"
	printf '  "vm_overhead_bytes": %s,\n' "$(hv_line "$HV" 'overhead beyond guest RAM:')"
	read -r text data bss _ < <(size build/hv.elf | tail -1)
	printf '  "image": {"text": %s, "data": %s, "bss": %s},\n' "$text" "$data" "$bss"
	printf '  "ipi_roundtrip": %s,\n' "$ipi_json"
	printf '  "icount_deterministic": %s\n' "$deterministic"
	echo "}"
} >"$json"

printf '\n%-21s %8s %8s %8s %11s %11s %11s %11s\n' operation icount bare ratio tsc_median tsc_min tsc_max bare_tsc
for op in "${ops[@]}"; do
	awk -v op="$op" -F'[:,{} ]+' '$0 ~ "^  \"" op "\": \\{\"icount\"" {
		for (i = 1; i < NF; i++) v[$i] = $(i + 1)
		for (k in v) if (v[k] == "null") v[k] = "n/a"
		printf "%-21s %8s %8s %8s %11s %11s %11s %11s\n", op, v["\"icount\""], v["\"bare_icount\""],
			v["\"ratio_to_bare\""], v["\"tsc_median\""], v["\"tsc_min\""], v["\"tsc_max\""],
			v["\"bare_tsc_median\""] }' "$json"
done
echo
echo "$ipi_line"
# The virtual PC issue's bound: an xAPIC EOI (an OS writes one after every
# interrupt) costs at most two CPUID round trips.
eoi_check=$(awk -F'[:,{} ]+' '
	/^  "cpuid": \{"icount"/ { c = $4 } /^  "lapic_eoi_xapic": \{"icount"/ { e = $4 }
	END { if (c == "" || e == "" || c == "null" || e == "null") print "check: lapic_eoi_xapic not measured: FAILED"
	      else printf "check: lapic_eoi_xapic %d <= 2 x cpuid %d: %s\n", e, c, (e <= 2 * c) ? "ok" : "FAILED" }' "$json")
echo "$eoi_check"
grep -E 'counters_cost|handoff|overhead|image|deterministic' "$json" | sed 's/^ *//'
echo "bench: wrote $json"
[[ $eoi_check == *": ok" ]]
