#!/bin/bash
# Copyright (c) 2026 TDP Scope contributors.
# SPDX-License-Identifier: EPL-2.0
#
# kvm-roots-kprobes.sh: kprobe events (group "tdpscope") on the KVM x86 TDP MMU root-lifecycle functions,
# so their records land in the same ftrace buffer, with the same clock, as the kvmmmu tracepoints.
# The record format is documented in docs/capture/README.md ("Record format"); TDP Scope's trace reader
# parses it.
#
#   kvm-roots-kprobes.sh print     print the kprobe_events lines for this kernel, change nothing
#   kvm-roots-kprobes.sh setup     write them to kprobe_events (replacing earlier tdpscope probes)
#   kvm-roots-kprobes.sh enable    enable the tdpscope events (setup first)
#   kvm-roots-kprobes.sh disable   disable them
#   kvm-roots-kprobes.sh clear     remove them
#
# The probes read struct fields at offsets taken from BTF with pahole (dwarves package), so load the
# kvm module first (modprobe kvm_intel or kvm_amd). Environment overrides:
#   TRACEFS                 tracefs mount (default /sys/kernel/tracing, else /sys/kernel/debug/tracing)
#   OFF_ROLE OFF_SPT OFF_COUNT           offsets in struct kvm_mmu_page of role, spt, tdp_mmu_root_count
#   OFF_VCPU_MMU OFF_ROOT_HPA OFF_MIRROR_HPA
#                           offsetof(struct kvm_vcpu, arch.mmu), offsetof(struct kvm_mmu, root.hpa),
#                           offsetof(struct kvm_mmu, mirror_root_hpa) (6.14+)
#   INVALID_BIT             bit of role.invalid in role.word (default: from BTF, else 11)
#   TDPSCOPE_PAGE_OFFSET    the kernel's page_offset_base, when /proc/kallsyms has no page_offset_base
#                           (CONFIG_KALLSYMS_ALL=n); see README "Physical addresses"
#   NEXT_ROOT_SYM           symbol of tdp_mmu_next_root when the compiler cloned it
#                           (e.g. tdp_mmu_next_root.constprop.0)
set -eu

die() { echo "kvm-roots-kprobes.sh: $*" >&2; exit 1; }
note() { echo "kvm-roots-kprobes.sh: $*" >&2; }

tracefs() {
	if [ -n "${TRACEFS:-}" ]; then echo "$TRACEFS"; return; fi
	for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		if [ -e "$d/README" ]; then echo "$d"; return; fi
	done
	die "no tracefs (mount -t tracefs nodev /sys/kernel/tracing)"
}

ksym() { grep -E " [tT] $1( |\$)" /proc/kallsyms >/dev/null 2>&1; }
ksym_any() { grep -E " [tTdDbBrR] $1( |\$)" /proc/kallsyms >/dev/null 2>&1; }

# pahole -C STRUCT from the kvm module's BTF (module build) or vmlinux BTF (KVM built in)
pahole_struct() {
	command -v pahole >/dev/null 2>&1 || return 1
	if [ -e /sys/kernel/btf/kvm ]; then
		pahole --btf_base=/sys/kernel/btf/vmlinux -C "$1" /sys/kernel/btf/kvm 2>/dev/null
	else
		pahole -C "$1" /sys/kernel/btf/vmlinux 2>/dev/null
	fi
}

# offset STRUCT MEMBER: byte offset of MEMBER (first match, anonymous unions included)
offset() {
	pahole_struct "$1" | awk -v m="$2" '
		$0 ~ "[ *]" m ";" && match($0, /\/\* +[0-9]+/) {
			s = substr($0, RSTART + 2, RLENGTH - 2); gsub(/ /, "", s); print s; exit
		}'
}

# bit STRUCT MEMBER: bit offset of a bitfield member ("/* 0:11  4 */")
bit() {
	pahole_struct "$1" | awk -v m="$2" '
		$0 ~ "[ ]" m ":1;" && match($0, /\/\* +[0-9]+: *[0-9]+/) {
			s = substr($0, RSTART + 2, RLENGTH - 2); sub(/.*:/, "", s); gsub(/ /, "", s); print s; exit
		}'
}

need_offset() { # NAME VALUE: die when an offset is unknown
	[ -n "$2" ] || die "offset $1 unknown: install pahole (dwarves) and BTF, or set $1=..."
}

definitions() {
	local t readme role spt count inv pob args ret_args
	t=$(tracefs)
	readme=$(cat "$t/README" 2>/dev/null || true)

	role=${OFF_ROLE:-$(offset kvm_mmu_page role || true)}
	spt=${OFF_SPT:-$(offset kvm_mmu_page spt || true)}
	count=${OFF_COUNT:-$(offset kvm_mmu_page tdp_mmu_root_count || true)}
	inv=${INVALID_BIT:-$(bit kvm_mmu_page_role invalid || true)}
	inv=${inv:-11}
	need_offset OFF_ROLE "$role"
	need_offset OFF_SPT "$spt"
	need_offset OFF_COUNT "$count"

	# physical address of a root's table = spt - page_offset_base
	if ksym_any page_offset_base; then
		pob=" pob=@page_offset_base:x64"
	elif [ -n "${TDPSCOPE_PAGE_OFFSET:-}" ]; then
		case "$readme" in
		*imm-value*) pob=" pob=\\${TDPSCOPE_PAGE_OFFSET}:x64" ;;
		*) die "this kernel's probes take no immediate values: cannot print TDPSCOPE_PAGE_OFFSET" ;;
		esac
	else
		pob=""
		note "page_offset_base is not in /proc/kallsyms and TDPSCOPE_PAGE_OFFSET is not set:"
		note "root records will carry no physical address (README, 'Physical addresses')"
	fi

	# ARG: fetch args that describe the root at FETCHARG
	root_args() {
		echo "sp=$1:x64 spt=+$spt($1):x64 role=+$role($1):x32 count=+$count($1):u32" \
			"invalid=+$role($1):b1@$inv/32$pob"
	}

	ret_args=no
	case "$readme" in
	*"return probes support:"*'$arg'*) ret_args=yes ;;
	esac

	# alloc: the vCPU's root after kvm_tdp_mmu_alloc_root / kvm_tdp_mmu_get_vcpu_root_hpa
	if ksym kvm_tdp_mmu_get_vcpu_root_hpa; then # 5.10 .. 6.8: returns __pa(root->spt)
		echo "r:tdpscope/tdpscope_alloc_root kvm_tdp_mmu_get_vcpu_root_hpa hpa=\$retval:x64"
	elif ksym kvm_tdp_mmu_alloc_root; then # 6.9+: sets vcpu->arch.mmu->root.hpa (or mirror_root_hpa)
		if [ "$ret_args" = yes ]; then
			local vmmu roothpa mirrorhpa arch archmmu rootinfo hpainfo
			arch=$(offset kvm_vcpu arch || true)
			archmmu=$(offset kvm_vcpu_arch mmu || true)
			[ -n "$arch" ] && [ -n "$archmmu" ] && vmmu=$((arch + archmmu)) || vmmu=""
			rootinfo=$(offset kvm_mmu root || true)
			hpainfo=$(offset kvm_mmu_root_info hpa || true)
			[ -n "$rootinfo" ] && [ -n "$hpainfo" ] && roothpa=$((rootinfo + hpainfo)) || roothpa=""
			vmmu=${OFF_VCPU_MMU:-$vmmu}
			roothpa=${OFF_ROOT_HPA:-$roothpa}
			need_offset OFF_VCPU_MMU "$vmmu"
			need_offset OFF_ROOT_HPA "$roothpa"
			mirrorhpa=${OFF_MIRROR_HPA:-$(offset kvm_mmu mirror_root_hpa || true)}
			if ksym kvm_tdp_mmu_invalidate_roots && [ -n "$mirrorhpa" ]; then # 6.14+: (vcpu, mirror)
				echo "r:tdpscope/tdpscope_alloc_root kvm_tdp_mmu_alloc_root mirror=\$arg2:u8" \
					"hpa=+$roothpa(+$vmmu(\$arg1)):x64 mirror_hpa=+$mirrorhpa(+$vmmu(\$arg1)):x64"
			else
				echo "r:tdpscope/tdpscope_alloc_root kvm_tdp_mmu_alloc_root hpa=+$roothpa(+$vmmu(\$arg1)):x64"
			fi
		else
			note "return probes cannot read arguments here: the alloc record names no root; the load_pgd"
			note "records say which root each vCPU loads"
			echo "r:tdpscope/tdpscope_alloc_root kvm_tdp_mmu_alloc_root"
		fi
	else
		note "neither kvm_tdp_mmu_alloc_root nor kvm_tdp_mmu_get_vcpu_root_hpa found: is kvm loaded?"
	fi

	# walks: tdp_mmu_next_root returns the next root with a reference (kvm_tdp_mmu_get_root is inline)
	local next=${NEXT_ROOT_SYM:-}
	if [ -z "$next" ]; then
		if ksym tdp_mmu_next_root; then
			next=tdp_mmu_next_root
		else
			next=$(awk '$3 ~ /^tdp_mmu_next_root\./ { print $3; exit }' /proc/kallsyms)
		fi
	fi
	if [ -n "$next" ]; then
		echo "r:tdpscope/tdpscope_next_root $next $(root_args '$retval')"
	else
		note "tdp_mmu_next_root is inlined in this kernel: no walk records"
	fi

	# references dropped (count is before the decrement): kvm_tdp_mmu_put_root(kvm, root[, shared])
	echo "p:tdpscope/tdpscope_put_root kvm_tdp_mmu_put_root $(root_args '$arg2')"

	# invalidation
	if ksym kvm_tdp_mmu_invalidate_roots; then # 6.14+
		echo "p:tdpscope/tdpscope_invalidate_roots kvm_tdp_mmu_invalidate_roots types=\$arg2:x32"
	elif ksym kvm_tdp_mmu_invalidate_all_roots; then
		echo "p:tdpscope/tdpscope_invalidate_roots kvm_tdp_mmu_invalidate_all_roots"
	fi

	# zap of invalidated roots, and of each root
	if ksym kvm_tdp_mmu_zap_invalidated_roots; then
		if ksym kvm_tdp_mmu_invalidate_roots; then # 6.14+: (kvm, shared)
			echo "p:tdpscope/tdpscope_zap_invalidated_roots kvm_tdp_mmu_zap_invalidated_roots shared=\$arg2:u8"
		else
			echo "p:tdpscope/tdpscope_zap_invalidated_roots kvm_tdp_mmu_zap_invalidated_roots"
		fi
		echo "r:tdpscope/tdpscope_zap_invalidated_roots_done kvm_tdp_mmu_zap_invalidated_roots"
	fi
	if ksym tdp_mmu_zap_root; then # 5.18+: tdp_mmu_zap_root(kvm, root, shared)
		echo "p:tdpscope/tdpscope_zap_root tdp_mmu_zap_root $(root_args '$arg2') shared=\$arg3:u8"
		if [ "$ret_args" = yes ]; then
			echo "r:tdpscope/tdpscope_zap_root_done tdp_mmu_zap_root $(root_args '$arg2')"
		else
			echo "r:tdpscope/tdpscope_zap_root_done tdp_mmu_zap_root"
		fi
	fi

	# which root a vCPU loads: vmx_load_mmu_pgd / svm_load_mmu_pgd(vcpu, root_hpa, root_level)
	local f
	for f in vmx_load_mmu_pgd svm_load_mmu_pgd; do
		if ksym $f; then
			echo "p:tdpscope/tdpscope_load_pgd $f hpa=\$arg2:x64 level=\$arg3:s32"
		fi
	done
}

clear_probes() {
	local t=$1
	if [ -d "$t/events/tdpscope" ]; then
		echo 0 > "$t/events/tdpscope/enable" || true
	fi
	grep -E '^[pr][0-9]*:tdpscope/' "$t/kprobe_events" 2>/dev/null | sed -e 's/^[pr][0-9]*:/-:/' -e 's/ .*//' |
		while read -r del; do echo "$del" >> "$t/kprobe_events"; done
}

main() {
	local cmd=${1:-print} t
	case "$cmd" in
	print)
		definitions
		;;
	setup)
		t=$(tracefs)
		[ -w "$t/kprobe_events" ] || die "$t/kprobe_events is not writable (root? CONFIG_KPROBE_EVENTS?)"
		clear_probes "$t"
		definitions | while read -r line; do
			if ! echo "$line" >> "$t/kprobe_events"; then
				note "rejected: $line"
				tail -n 3 "$t/error_log" >&2 2>/dev/null || true
				exit 1
			fi
		done
		note "defined: $(ls "$t/events/tdpscope" | grep -v -e enable -e filter | tr '\n' ' ')"
		;;
	enable)
		t=$(tracefs)
		echo 1 > "$t/events/tdpscope/enable"
		;;
	disable)
		t=$(tracefs)
		echo 0 > "$t/events/tdpscope/enable"
		;;
	clear)
		clear_probes "$(tracefs)"
		;;
	*)
		die "usage: $0 print|setup|enable|disable|clear"
		;;
	esac
}

main "$@"
