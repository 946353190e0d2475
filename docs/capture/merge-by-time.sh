#!/bin/bash
# Copyright (c) 2026 TDP Scope contributors.
# SPDX-License-Identifier: EPL-2.0
#
# merge-by-time.sh FILE... > merged.txt
#
# Merges trace texts by timestamp: tracefs trace / trace_pipe text, `trace-cmd report -t` text and the
# output of kvm-roots.bt, so that TDP Scope reads the root records between the kvmmmu events they
# belong to. Both sides must use the same clock: bpftrace's nsecs is CLOCK_MONOTONIC, so record the
# tracepoints with `trace-cmd record -C mono` (or `echo mono > /sys/kernel/tracing/trace_clock`).
#
# A record's timestamp is its first "SECONDS.FRACTION:" field. Lines without one (headers, <stack trace>
# and " => " lines, wrapped lines) stay behind the record before them. Records with equal timestamps keep
# the order of the files on the command line, then their order in the file. The sort is stable and
# streams through sort(1)'s temporary files, so large traces do not need to fit in memory.
set -eu

[ $# -ge 1 ] || { echo "usage: $0 FILE... > merged.txt" >&2; exit 2; }

n=0
for f in "$@"; do
	n=$((n + 1))
	LC_ALL=C awk -v file="$n" '
		BEGIN { sec = 0; ns = 0; seq = 0 }
		{
			sub(/\r$/, "")
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^[0-9]+\.[0-9]+:$/) { # seconds and 1-9 fraction digits, as nanoseconds
					dot = index($i, ".")
					sec = substr($i, 1, dot - 1)
					ns = substr(substr($i, dot + 1, length($i) - dot - 1) "000000000", 1, 9)
					break
				}
			}
			printf "%s\t%s\t%d\t%d\t%s\n", sec, ns, file, seq++, $0
		}' "$f"
done | LC_ALL=C sort -s -t "$(printf '\t')" -k1,1n -k2,2n -k3,3n -k4,4n | cut -f 5-
