#!/usr/bin/env bash
# scripts/qemu-cpu.sh - The one CPU model of make run, make test and make
# bench: EPYC-Rome with SVM and nested paging, less the features QEMU's TCG
# does not emulate. QEMU would drop them anyway, with a warning each ("TCG
# doesn't support requested feature"); named here, every boot is quiet and
# the guest's CPUID is the same. Sourced by the shell scripts (QEMU_CPU,
# and TCG_LACKS for a model of one's own: "EPYC-Rome,-svm,$TCG_LACKS");
# run, it prints QEMU_CPU (tests/integration/hvconsole.py reads it so).
TCG_LACKS=-rdseed,-sha-ni,-rdpid,-fxsr-opt,-misalignsse,-3dnowprefetch,-osvw,-topoext,-perfctr-core,-clzero
TCG_LACKS+=,-xsaveerptr,-wbnoinvd,-ibpb,-amd-stibp,-nrip-save,-xsavec,-xsaves
QEMU_CPU=EPYC-Rome,+svm,+npt,$TCG_LACKS
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	echo "$QEMU_CPU"
fi
