/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.hover;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.tdpscope.sim.Era;
import org.tdpscope.sim.Invariant;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;

/**
 * What the words of the scenario language mean, for hover: keywords (some depend on the element
 * they stand in: {@code on} in {@code on valid roots} is not {@code on} in {@code accessed-dirty on}),
 * policies and their knobs, invariants, kernel eras, root roles and rule overrides. The texts say
 * what the README's language summary and the simulator's documentation say.
 */
final class TdpHoverTexts {

    private static final Map<String, String> KEYWORDS = new HashMap<>();
    /** Keyed by "ElementClass keyword": the meaning of a keyword in one kind of element. */
    private static final Map<String, String> IN_CONTEXT = new HashMap<>();
    private static final Map<String, String> KNOBS = new HashMap<>();
    private static final Map<String, String> ROLES = new HashMap<>();
    private static final Map<String, String> ERAS = new HashMap<>();
    private static final Map<String, String> BROKEN = new HashMap<>();

    private TdpHoverTexts() {
    }

    private static void kw(String word, String text) {
        KEYWORDS.put(word, text);
    }

    private static void in(String element, String word, String text) {
        IN_CONTEXT.put(element + " " + word, text);
    }

    static {
        kw("scenario", "A scenario: a whiteboard sketch of a race in KVM's TDP MMU: the VM, the kernel era and policy, "
                + "the threads and their operations, an explicit interleaving (the schedule) and what you expect.");
        kw("vm", "The simulated VM: memslots, the TDP tables, guest paging and mappings, and the vCPUs.");
        kw("memslot", "`memslot N: gfn A .. B [read-only] [dirty-logging]`: a range of guest frames backed by host "
                + "memory. The end is exclusive; `..+N` gives a length.");
        kw("gfn", "A guest frame number: a guest-physical address divided by 4096.");
        kw("read-only", "The memslot is read-only: no writable SPTE is ever installed for it.");
        kw("dirty-logging", "Dirty logging is on for the memslot: its leaves stay at 4K and writes are tracked "
                + "(write-protect and clear-dirty walks act on them).");
        kw("tdp", "`tdp 4-level|5-level, accessed-dirty on|off`: the shape of the TDP tables (two-dimensional paging: "
                + "EPT on Intel, NPT on AMD).");
        kw("-level", "The number of paging levels.");
        kw("accessed-dirty", "Hardware accessed and dirty bits in TDP entries: `on`, the dirty state lives in the SPTEs; "
                + "`off`, writes are tracked by write-protection.");
        kw("paging", "`guest paging 4-level|5-level`: the guest's own page tables, walked by `access gva` (the 2-D walk).");
        kw("maps", "`guest maps: map gva X .. +2M -> gpa Y …`: the guest's virtual-to-physical mappings.");
        kw("map", "`map gva X .. +N -> gpa Y [user] [rw|ro] [nx] [global] [4K|2M|1G]`: one guest mapping.");
        kw("gva", "A guest-virtual address.");
        kw("gpa", "A guest-physical address.");
        kw("rw", "The guest mapping is writable.");
        kw("ro", "The guest mapping is read-only.");
        kw("nx", "The guest mapping is not executable.");
        kw("global", "The guest mapping is global (survives a CR3 switch).");
        kw("vcpu", "A virtual CPU. In `vm`: `vcpu NAME role R` declares it and its root role; in `threads`: "
                + "`vcpu NAME: ops` is its program.");
        kw("role", "`role default|smm|guest|…`: the vCPU's root role. vCPUs whose roles are equal share a root; a "
                + "different role gets a root of its own.");
        kw("type", "`type default|tdx|sev`: the VM type. Since 6.12 only default VMs fast-zap on a memslot DELETE or "
                + "MOVE; a TDX VM has mirror roots (6.14).");
        kw("tdx", "A TDX VM: each vCPU has a mirror root for private gfns (v6.14).");
        kw("sev", "An SEV VM.");
        kw("host", "`host maxphyaddr N`: the host's physical address width.");
        kw("maxphyaddr", "The host's physical address width in bits; zaps stopped there, not at the TDP's reach, "
                + "before 86931ff7207b.");
        kw("kernel", "`kernel ERA` (`mainline` when absent): the era whose root-lifecycle rules the run follows. "
                + "`kernel compare E, E` or `kernel compare all` runs several side by side; "
                + "`with RULE VALUE` overrides single rules to mix eras, as a hand backport does.");
        kw("with", "`with RULE VALUE, …`: overrides rules of the era (a hand backport that mixes eras).");
        kw("compare", "Runs every listed policy (or kernel era) side by side; `compare all` runs all of them.");
        kw("policy", "`policy P [knobs]` or `policy compare …`: how the yield-safe root walk and the root list "
                + "behave: where new roots are inserted, whether invalidation takes roots off the list, and what "
                + "`tdp_mmu_next_root` does with a `prev` that turned invalid while the walker yielded.");
        kw("threads", "The threads that race: vCPU programs, walkers and invalidators. The schedule interleaves them.");
        kw("load", "`load root`: the vCPU loads the root for its role (kvm_mmu_load): it takes a reference on a valid "
                + "root of that role, or creates one. New roots are named A, B, C, … in creation order.");
        kw("reload", "`reload`: the vCPU drops its root and loads one again, as after KVM_REQ_MMU_RELOAD when its root "
                + "was invalidated.");
        kw("fault", "`fault gfn X [read|write|exec]`: a TDP page fault: the vCPU installs an SPTE for the gfn in its "
                + "current root.");
        kw("access", "`access gva X [read|write|fetch] [user]`: a guest access: a 2-D walk through the guest's page "
                + "tables and the TDP tables, faulting where an entry is missing.");
        kw("exec", "An instruction fetch.");
        kw("fetch", "An instruction fetch.");
        kw("user", "A user-mode access (or a mapping user code may use).");
        kw("walker", "`walker NAME: op gfn A .. B, options`: a thread that walks the roots with the yield-safe "
                + "iterator (`for_each_tdp_mmu_root_yield_safe`, `tdp_mmu_next_root`) and changes the SPTEs of a gfn "
                + "range in each root it visits.");
        kw("write-protect", "Clears the writable bit of the range's SPTEs (kvm_tdp_mmu_wrprot_slot, e.g. when dirty "
                + "logging starts).");
        kw("zap", "Removes the range's SPTEs (kvm_tdp_mmu_zap_leafs).");
        kw("clear-dirty", "Clears the dirty state of the range's SPTEs (dirty-log harvesting).");
        kw("zap-collapsible", "Zaps 4K SPTEs that could be one huge page again (after dirty logging stops).");
        kw("age", "Clears accessed bits (an mmu_notifier aging walk).");
        kw("notifier", "`notifier unmap gfn A .. B`: an mmu_notifier invalidation (kvm_unmap_gfn_range): it zaps the "
                + "range in every root.");
        kw("unmap", "`notifier unmap`: an mmu_notifier invalidation of the range.");
        kw("mmu_lock", "`mmu_lock shared|exclusive`: the kvm->mmu_lock mode the walk holds (read or write).");
        kw("shared", "mmu_lock held for read: other shared holders run concurrently.");
        kw("exclusive", "mmu_lock held for write: nobody else holds it.");
        kw("yield", "`yield after gfn X [in root R] | yield every N | yield always | never yield`: where the walk drops "
                + "mmu_lock and reschedules (tdp_mmu_iter_cond_resched): the window in which other threads run.");
        kw("never", "`never yield`: the walk keeps mmu_lock to its end.");
        kw("every", "`yield every N`: the walk yields after every N SPTEs.");
        kw("always", "`yield always`: the walk yields wherever it may.");
        kw("broken", "`broken: FLAG`: this thread runs a deliberately broken kernel variant, to show what an invariant "
                + "catches.");
        kw("without", "`without slots_lock`: the invalidation runs without holding slots_lock.");
        kw("slots_lock", "kvm->slots_lock, which serializes memslot updates and fast zaps.");
        kw("flag", "`flag after walk`: the memslot's dirty-logging flag is set after the write-protect walk instead of "
                + "before it.");
        kw("invalidator", "`invalidator NAME: op`: a thread that invalidates roots: `fast zap`, `delete memslot N`, "
                + "`move memslot N to gfn X`, `enable dirty logging on memslot N`.");
        kw("fast", "`fast zap` (kvm_mmu_zap_all_fast): marks every root invalid, takes references as the era's rules "
                + "say, and zaps them; vCPUs reload afterwards. Takes slots_lock unless `without slots_lock`.");
        kw("delete", "`delete memslot N`: a memslot DELETE: its SPTEs go from every root (fast zap on default VMs).");
        kw("move", "`move memslot N to gfn X`: a memslot MOVE: its SPTEs go from every root.");
        kw("enable", "`enable dirty logging on memslot N`: turns dirty logging on: the memslot's flag is set and a "
                + "write-protect walk runs over its range.");
        kw("schedule", "The interleaving: each step runs one thread to a point (`until yield`, `until next root`, "
                + "`to end`, `N ops`, or one operation). Without a schedule each thread runs to its end in order. An "
                + "RCU grace period elapses after each step.");
        kw("grace", "`grace period`: an RCU grace period elapses; roots freed under RCU are really freed now.");
        kw("period", "`grace period`: an RCU grace period elapses.");
        kw("kworker", "The zap worker of v5.18 to v6.5: invalidated and defunct roots are zapped on a workqueue.");
        kw("until", "`until yield`: the thread runs until its walk yields; `until next root`: until its read-lock walk "
                + "moves to the next root (v6.9+).");
        kw("next", "`until next root`: the thread runs until its walk moves to the next root (v6.9+ read-lock walks).");
        kw("to", "`to end`: the thread runs to the end of its program.");
        kw("end", "`to end`: the thread runs to the end of its program.");
        kw("ops", "`N ops`: the thread runs N operations.");
        kw("op", "`1 op`: the thread runs one operation.");
        kw("explore", "`explore { … }`: the bounds and options of `tdpscope explore` and the Explorer view, which try "
                + "every interleaving (the schedule is ignored there). Command-line flags override the block.");
        kw("depth", "`depth N`: the longest schedule explored.");
        kw("yields", "`yields N`: how many yields a walk may make in one explored schedule.");
        kw("invalidations", "`invalidations N`: how many invalidations one explored schedule may contain.");
        kw("repeat", "`repeat T, …`: threads whose program repeats forever (an invalidation storm; livelock search).");
        kw("policies", "`policies P, … | policies all`: the policies to explore.");
        kw("check", "`check expectations`: failed expectations count as bad outcomes of the exploration too.");
        kw("expectations", "`check expectations`: failed expectations count as bad outcomes.");
        kw("expect", "What the run must show. `under P, …:` or `under kernel E:` limits an expectation to some "
                + "policies or eras. A failed expectation is an error at its line.");
        kw("under", "`under P, …:` / `under kernel E [and P]:`: the expectation holds only for these policies or eras.");
        kw("visited", "`T visited [A, B]`: the roots the walker visited in its last walk, in order.");
        kw("refcount", "`R refcount N`: the root's reference count at the end of the run.");
        kw("freed", "`R [not] freed [by T]`: whether the root was freed (after an RCU grace period), and by which "
                + "thread's last put.");
        kw("by", "The thread that did it.");
        kw("not", "Negates the expectation.");
        kw("valid", "The root is valid at the end of the run (its invalid flag is clear).");
        kw("invalid", "The root is invalid at the end of the run (an invalidation marked it).");
        kw("violation", "`violation INVARIANT [at step N] [by T]`: the run breaks this invariant. "
                + "`no violation`: it breaks none.");
        kw("no", "`no violation`: the run breaks no invariant.");
        kw("at", "`at step N`: the step at which it happens.");
        kw("step", "A step of the run (the numbers of the step table and the trace).");
        kw("spte", "`spte gfn X in R [not] present|writable`: the SPTE of the gfn in root R at the end of the run.");
        kw("present", "The SPTE is present (maps the gfn).");
        kw("writable", "The SPTE is present and writable.");
        kw("and", "`under kernel E and P`: this era and these policies.");
        kw("mainline", eraText(Era.MAINLINE));
        kw("all", "All of them.");
        kw("read", "A read access.");
        kw("write", "A write access.");

        in("LoadRoot", "root", KEYWORDS.get("load"));
        in("YieldOption", "root", "`in root R`: the walk yields only while it is in that root.");
        in("YieldOption", "in", "`in root R`: the walk yields only while it is in that root.");
        in("YieldOption", "after", "`yield after gfn X`: the walk yields right after the SPTE of that gfn.");
        in("YieldOption", "gfn", "`yield after gfn X`: the walk yields right after the SPTE of that gfn.");
        in("VcpuRootCheck", "on", "`v on root R`: the vCPU's current root at the end of the run.");
        in("VcpuRootCheck", "root", "`v on root R`: the vCPU's current root at the end of the run.");
        in("RootsOption", "on", "`on valid roots | on all roots`: which roots the walk visits: only valid ones, or "
                + "invalid ones too.");
        in("RootsOption", "valid", "`on valid roots`: the walk skips invalid roots.");
        in("RootsOption", "all", "`on all roots`: the walk visits invalid roots too.");
        in("RootsOption", "roots", "`on valid roots | on all roots`: which roots the walk visits.");
        in("RootsCheck", "roots", "`roots [A, B]`: the root list (tdp_mmu_roots) at the end of the run, in list order.");
        in("EnableDirtyLog", "on", KEYWORDS.get("enable"));
        in("EnableDirtyLog", "dirty", KEYWORDS.get("enable"));
        in("EnableDirtyLog", "logging", KEYWORDS.get("enable"));
        in("EnableDirtyLog", "memslot", KEYWORDS.get("enable"));
        in("DeleteSlot", "memslot", KEYWORDS.get("delete"));
        in("MoveSlot", "memslot", KEYWORDS.get("move"));
        in("MoveSlot", "to", "`move memslot N to gfn X`: the memslot's new start.");
        in("FastZap", "zap", KEYWORDS.get("fast"));
        in("TdpDecl", "on", "Accessed and dirty bits on.");
        in("TdpDecl", "off", "Accessed and dirty bits off: writes are tracked by write-protection.");
        in("GuestPaging", "guest", KEYWORDS.get("paging"));
        in("GuestMaps", "guest", KEYWORDS.get("maps"));
        in("FlagAfterWalk", "after", KEYWORDS.get("flag"));
        in("FlagAfterWalk", "walk", KEYWORDS.get("flag"));
        in("NoViolationCheck", "violation", KEYWORDS.get("no"));
        in("ViolationCheck", "step", "`at step N`: the step at which the invariant breaks.");
        in("KernelDecl", "all", "`kernel compare all`: every era, side by side.");
        in("PolicyDecl", "all", "`policy compare all`: all four policies, side by side.");
        in("ExplorePolicies", "all", "`policies all`: explore every policy.");
        in("ThreadStep", "root", KEYWORDS.get("next"));
        in("ThreadStep", "yield", "`until yield`: the thread runs until its walk yields.");
        in("FaultOp", "read", "A read fault.");
        in("FaultOp", "write", "A write fault: the SPTE is made writable (and dirty).");
        in("FaultOp", "exec", "An execute fault.");
        in("AccessOp", "read", "A read access.");
        in("AccessOp", "write", "A write access.");
        in("AccessOp", "fetch", "An instruction fetch.");
        in("VmTypeDecl", "default", "A default VM: since 6.12 the only type that fast-zaps on a memslot DELETE or MOVE.");

        KNOBS.put("head", "Knob: new roots are inserted at the head of the root list (mainline).");
        KNOBS.put("tail", "Knob: new roots are inserted at the tail, so a walk in progress meets the roots made during it.");
        KNOBS.put("delist", "Knob: invalidation moves roots off the list, to a private list of invalid roots.");
        KNOBS.put("keep-listed", "Knob: invalid roots stay on the list until their last put.");
        KNOBS.put("go-on", "Knob: after an invalid prev the walk goes on from prev's next pointer.");
        KNOBS.put("restart", "Knob: after an invalid prev the walk restarts from the head of the list.");
        KNOBS.put("terminate", "Knob: after an invalid prev the walk ends.");

        ROLES.put("default", "Root role `default`: the ordinary role (address space 0, not a nested guest).");
        ROLES.put("smm", "Root role `smm`: System Management Mode, address space 1. An SMM vCPU does not share a root "
                + "with default vCPUs: it gets one of its own.");
        ROLES.put("guest", "Root role `guest`: a nested (L2) guest. Its root is not shared with L1 vCPUs.");

        BROKEN.put("no-root-ref", "The walk takes no reference on the root it is in, so the root can be freed while it "
                + "yields (use-after-free).");
        BROKEN.put("put-prev-first", "The walk drops its reference on prev before it takes one on next.");
        BROKEN.put("yield-without-progress", "The walk yields without having made progress (a livelock risk).");
        BROKEN.put("yield-without-flush", "The walk yields with a TLB flush still pending.");
        BROKEN.put("fault-ignores-invalid-root", "The fault installs SPTEs into the vCPU's root even when that root "
                + "was invalidated.");
        BROKEN.put("free-roots-under-write-lock", "The vCPU frees its root with mmu_lock held for write, where the era "
                + "asserts the read lock.");
        BROKEN.put("shadow-reclaim-under-read-lock", "The fault path reclaims shadow pages under the read lock "
                + "(it needs the write lock; 47b0c2e4c220).");

        for (Era e : Era.values()) {
            ERAS.put(e.word(), eraText(e));
        }
    }

    private static String eraText(Era e) {
        String detail = switch (e) {
        case V5_15 -> "the mmu_notifier unmap walks roots with the plain iterator (no references, can yield); `get` "
                + "also fails on an invalid root; a fault does not retry on an invalidated root; a yield's restart is "
                + "followed by one more step of the caller; zaps stop at host MAXPHYADDR.";
        case V5_16 -> "the fixes of the 5.16 cycle are in; roots start with one reference, the last put zaps and "
                + "frees, fast zap references every live root.";
        case V5_18 -> "invalidated and defunct roots are zapped by a per-VM workqueue (`kworker`).";
        case V6_4 -> "roots start with two references, the TDP MMU's own gifted to the zapper.";
        case V6_6 -> "no workqueue; the invalidating thread zaps flagged roots under the read lock.";
        case V6_9 -> "roots are allocated and freed with mmu_lock held for read.";
        case V6_14 -> "root types and TDX mirror roots; fast zap invalidates direct roots only; memslot DELETE/MOVE "
                + "fast-zaps default VMs only.";
        case MAINLINE -> "the newest rules (6.15 to 7.0): as v6.14, plus aging with no mmu_lock (RCU only).";
        default -> "see the README's *Kernel eras*.";
        };
        return "Kernel era **" + e.label() + "**: " + detail;
    }

    /** The meaning of a keyword in an element of class {@code element} (its EClass name), or null. */
    static String keyword(String word, String element) {
        String t = element == null ? null : IN_CONTEXT.get(element + " " + word);
        if (t != null) {
            return t;
        }
        if (BROKEN.containsKey(word)) {
            return "`broken: " + word + "`: " + BROKEN.get(word);
        }
        return KEYWORDS.get(word);
    }

    /** A policy word ({@code restart}, or a hybrid such as {@code restart+keep-listed}), or null. */
    static String policy(String word) {
        Policy p = Policy.fromWord(word);
        if (p == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder("Policy **").append(p.word()).append("**");
        String history = switch (p.preset().word()) {
        case "continue" -> "mainline";
        case "restart" -> "v1 patch 15";
        case "terminate" -> "v1 patch 17, the seed";
        case "fifo" -> "the reviewer's proposal";
        default -> null;
        };
        if (!p.hybrid() && history != null) {
            sb.append(" (").append(history).append(")");
        }
        sb.append(": new roots at the ").append(p.insertAtTail() ? "tail" : "head").append(" of the list; ")
                .append(p.invalidationDelists() ? "invalidation moves roots off the list"
                        : "invalid roots stay listed until their last put")
                .append("; after an invalid prev the walk ").append(switch (p.afterInvalidPrev()) {
                case GO_ON -> "goes on from prev's next pointer";
                case RESTART -> "restarts from the head";
                case TERMINATE -> "ends";
                default -> p.afterInvalidPrev().word();
                }).append('.');
        if (p.oddity() != null && p.hybrid()) {
            sb.append("\n\nA hybrid: ").append(p.oddity()).append('.');
        }
        return sb.toString();
    }

    /** A knob word after a preset, or null. */
    static String knob(String word) {
        return KNOBS.get(word);
    }

    /** An invariant word, or null. */
    static String invariant(String word) {
        Invariant i = Invariant.fromWord(word);
        return i == null ? null : "Invariant **" + i.word() + "** (" + i.number() + "): " + i.rule() + ".";
    }

    /** A kernel era word, or null. */
    static String era(String word) {
        return ERAS.get(word);
    }

    /** A root role word. */
    static String role(String word) {
        String t = ROLES.get(word);
        return t != null ? t
                : "Root role `" + word + "`: a role of its own; vCPUs with this role share a root, others do not.";
    }

    /** A rule of a {@code with} override ({@code fast-zap-refs}), with its values, or null. */
    static String rule(String word) {
        for (String r : KernelRules.RULES) {
            if (r.startsWith(word + " ")) {
                return "Rule override `" + word + "`: one of `" + r.substring(word.length() + 1).replace("|", "`, `")
                        + "` (see the README's *Kernel eras*).";
            }
        }
        return null;
    }

    /** The ordinal of a root name: A is 1st, B 2nd, …, AA 27th; 0 for no root name. */
    static int rootOrdinal(String name) {
        if (name == null || name.isEmpty() || !name.equals(name.toUpperCase(Locale.ROOT))) {
            return 0;
        }
        int n = 0;
        for (char c : name.toCharArray()) {
            if (c < 'A' || c > 'Z') {
                return 0;
            }
            n = n * 26 + (c - 'A' + 1);
        }
        return n;
    }

    static String ordinal(int n) {
        int m100 = n % 100;
        String suffix = m100 >= 11 && m100 <= 13 ? "th" : switch (n % 10) {
        case 1 -> "st";
        case 2 -> "nd";
        case 3 -> "rd";
        default -> "th";
        };
        return n + suffix;
    }
}
