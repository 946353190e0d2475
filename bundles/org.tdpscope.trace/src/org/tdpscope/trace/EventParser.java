/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tdpscope.trace.Payload.*;

/**
 * Turns an event name and its payload text into a typed {@link Payload}. The frequent events are
 * scanned by hand (a trace is mostly {@code kvm_tdp_mmu_spte_changed}, and import speed is measured
 * against grep); the rare ones with optional parts use the regexes of FORMATS.md.
 */
final class EventParser {

    private static final Set<String> KVMMMU = Set.of("kvm_tdp_mmu_spte_changed", "kvm_mmu_set_spte",
            "kvm_mmu_spte_requested", "kvm_mmu_get_page", "kvm_mmu_prepare_zap_page", "kvm_mmu_sync_page",
            "kvm_mmu_unsync_page", "kvm_mmu_zap_page", "kvm_mmu_zap_all_fast", "kvm_mmu_invalidate_zap_all_pages",
            "kvm_mmu_split_huge_page", "mark_mmio_spte", "handle_mmio_page_fault", "check_mmio_spte",
            "fast_page_fault", "kvm_mmu_pagetable_walk", "kvm_mmu_paging_element", "kvm_mmu_walker_error",
            "kvm_mmu_set_accessed_bit", "kvm_mmu_set_dirty_bit");

    private static final Set<String> KVM = Set.of("kvm_entry", "kvm_exit", "kvm_page_fault", "kvm_unmap_hva_range",
            "kvm_age_hva", "kvm_test_age_hva", "kvm_userspace_exit", "kvm_fpu", "kvm_pio", "kvm_nested_vmexit");

    /** Root records of the capture recipe (docs/capture): kprobe events of group tdpscope, kvm-roots.bt lines. */
    static final Set<String> ROOTS = Set.of("tdpscope_alloc_root", "tdpscope_next_root", "tdpscope_put_root",
            "tdpscope_zap_root", "tdpscope_zap_root_done", "tdpscope_invalidate_roots",
            "tdpscope_zap_invalidated_roots", "tdpscope_zap_invalidated_roots_done", "tdpscope_load_pgd");

    private static final String ACCESS = "(?<access>[-w][-u][-x])(?<invalid> invalid)?";
    private static final String TAIL = " root (?<root>\\d+) (?<sync>sync|unsync)";
    private static final Pattern PAGE_KERNEL = Pattern.compile("sp gen (?<gen>[0-9a-f]+) gfn (?<gfn>[0-9a-f]+) "
            + "l(?<level>\\d) (?<bytes>[48])-byte q(?<q>\\d)(?<direct> direct)? " + ACCESS
            + " (?<nonx>!?)nxe (?<noad>!?)ad" + TAIL);
    private static final Pattern PAGE_4X = Pattern.compile("sp gen (?<gen>[0-9a-f]+) gfn (?<gfn>[0-9a-f]+) "
            + "(?<level>\\d)(?<pae> pae)? q(?<q>\\d)(?<direct> direct)? " + ACCESS
            + " (?<nonx>!?)nxe(?: (?<noad>!?)ad)?" + TAIL);
    private static final Pattern ROLE_PLUGIN = Pattern.compile("(?<level>\\d+) q(?<q>\\d)(?<direct> direct)? "
            + ACCESS + " (?<nopae>!?)pae (?<nonx>!?)nxe (?<nowp>!?)wp(?<smep> smep)?(?<smap> smap)?(?<smm> smm)?"
            + TAIL);
    private static final Pattern ROLE_PLUGIN_OLD = Pattern.compile("(?<level>\\d+)/(?<glevels>\\d+) q(?<q>\\d)"
            + "(?<direct> direct)? " + ACCESS + " (?<nopge>!?)pge (?<nonx>!?)nxe" + TAIL);

    private static final Pattern FAST_PAGE_FAULT = Pattern.compile("vcpu (\\d+) gva ([0-9a-f]+) error_code "
            + "([A-Z|]*) sptep (\\S+) old (?:0x)?([0-9a-f]+) new ([0-9a-f]+) spurious ([01]) fixed ([01])");
    private static final Pattern WALK = Pattern.compile("addr ([0-9a-f]+) pferr ([0-9a-f]+) ?([A-Z|]*)");
    private static final Pattern WALKER_ERROR = Pattern.compile("pferr ([0-9a-f]+) ?([A-Z|]*)");
    private static final String REASON = "(UNKNOWN \\(\\d+\\)|\\S+)";
    private static final Pattern EXIT_SHORT = Pattern.compile("(?:vcpu (\\d+) )?reason " + REASON
            + " rip 0x([0-9a-f]+)(?: (\\S+))? info ([0-9a-f]+) ([0-9a-f]+)");
    private static final Pattern NESTED_PLUGIN = Pattern.compile("rip ([0-9a-f]+)(?: (\\S+))? ?reason " + REASON
            + " info1 ([0-9a-f]+) info2 ([0-9a-f]+) int_info ([0-9a-f]+) int_info_err ([0-9a-f]+)");
    private static final Pattern PIO = Pattern.compile("pio_(read|write) at 0x([0-9a-f]+) size (\\d+) count (\\d+)"
            + "(?: val 0x([0-9a-f]+))?( \\(\\.\\.\\.\\))?");
    private static final Pattern USERSPACE_EXIT = Pattern.compile("reason (\\S+)(?: \\((-?\\d+)\\))?");

    /** One instance per known name, so that a name read anywhere (every block of a parallel read) is the same object. */
    private static final java.util.Map<String, String> CANONICAL = new java.util.HashMap<>();

    static {
        for (Set<String> names : java.util.List.of(KVMMMU, KVM, ROOTS)) {
            for (String n : names) {
                CANONICAL.put(n, n);
            }
        }
    }

    private EventParser() {
    }

    /** The shared instance of a known tracepoint name; {@code name} itself for any other. */
    static String canonical(String name) {
        String c = CANONICAL.get(name);
        return c != null ? c : name;
    }

    static boolean known(String name) {
        return KVMMMU.contains(name) || KVM.contains(name) || ROOTS.contains(name);
    }

    static String system(String name) {
        return KVMMMU.contains(name) ? "kvmmmu" : ROOTS.contains(name) ? "tdpscope" : "kvm";
    }

    /** The typed payload, {@link Unknown} for unknown events, or null when a known event's text is malformed. */
    static Payload parse(String name, String s) {
        return parse(name, s, 0, s.length());
    }

    /** As {@link #parse(String, String)} for the payload {@code s[from, to)}, read in place. */
    static Payload parse(String name, String s, int from, int to) {
        try {
            return parseOrNull(name, s, from, to);
        } catch (RuntimeException e) { // overlong numbers and the like: malformed, never fatal
            return null;
        }
    }

    private static String sub(String s, int from, int to) {
        return from == 0 && to == s.length() ? s : s.substring(from, to);
    }

    private static Payload parseOrNull(String name, String s, int from, int to) {
        switch (name) {
        case "kvm_tdp_mmu_spte_changed": {
            Scan c = new Scan(s, from, to);
            c.lit("as id ");
            int as = c.i32();
            c.lit(" gfn ");
            long gfn = c.hex();
            c.lit(" level ");
            int level = c.i32();
            c.lit(" old_spte ");
            long old = c.hex();
            c.lit(" new_spte ");
            long neu = c.hex();
            return c.end() ? new TdpMmuSpteChanged(as, gfn, level, old, neu) : null;
        }
        case "kvm_mmu_set_spte": {
            Scan c = new Scan(s, from, to);
            c.lit("gfn ");
            long gfn = c.hex();
            c.lit(" spte ");
            long spte = c.hex();
            c.lit(" (");
            String perm = c.perm();
            c.lit(") level ");
            int level = c.i32();
            c.lit(" at ");
            long at = c.hex();
            return c.end() ? new MmuSetSpte(gfn, spte, perm, level, at) : null;
        }
        case "kvm_mmu_spte_requested": {
            Scan c = new Scan(s, from, to);
            c.lit("gfn ");
            long gfn = c.hex();
            c.lit(" pfn ");
            long pfn = c.hex();
            c.lit(" level ");
            int level = c.i32();
            return c.end() ? new MmuSpteRequested(gfn, pfn, level) : null;
        }
        case "kvm_mmu_get_page":
            return getPage(sub(s, from, to));
        case "kvm_mmu_prepare_zap_page": {
            MmuPage p = page(sub(s, from, to));
            return p == null ? null : new MmuPrepareZapPage(p);
        }
        case "kvm_mmu_sync_page": {
            MmuPage p = page(sub(s, from, to));
            return p == null ? null : new MmuSyncPage(p);
        }
        case "kvm_mmu_unsync_page": {
            MmuPage p = page(sub(s, from, to));
            return p == null ? null : new MmuUnsyncPage(p);
        }
        case "kvm_mmu_zap_page": {
            MmuPage p = page(sub(s, from, to));
            return p == null ? null : new MmuZapPage(p);
        }
        case "kvm_mmu_zap_all_fast":
        case "kvm_mmu_invalidate_zap_all_pages": {
            Scan c = new Scan(s, from, to);
            c.lit("kvm-mmu-valid-gen ");
            long gen = name.equals("kvm_mmu_zap_all_fast") ? c.dec() : c.hex(); // %u, 4.x %lx
            c.lit(" used_pages ");
            long used = c.hex();
            return c.end() ? new MmuZapAllFast(gen, used) : null;
        }
        case "kvm_mmu_split_huge_page": {
            Scan c = new Scan(s, from, to);
            c.lit("gfn ");
            long gfn = c.hex();
            c.lit(" spte ");
            long spte = c.hex();
            c.lit(" level ");
            int level = c.i32();
            c.lit(" errno ");
            int errno = c.i32();
            return c.end() ? new MmuSplitHugePage(gfn, spte, level, errno) : null;
        }
        case "mark_mmio_spte": {
            Scan c = new Scan(s, from, to);
            c.lit("sptep:");
            String sptep = c.word();
            c.lit(" gfn ");
            long gfn = c.hex();
            c.lit(" access ");
            int access = (int) c.hex();
            c.lit(" gen ");
            long gen = c.hex();
            return c.end() ? new MarkMmioSpte(sptep, gfn, access, gen) : null;
        }
        case "handle_mmio_page_fault": {
            Scan c = new Scan(s, from, to);
            c.lit("addr:");
            long addr = c.hex();
            c.lit(" gfn ");
            long gfn = c.hex();
            c.lit(" access ");
            int access = (int) c.hex();
            return c.end() ? new HandleMmioPageFault(addr, gfn, access) : null;
        }
        case "check_mmio_spte": {
            Scan c = new Scan(s, from, to);
            c.lit("spte ");
            long spte = c.hex();
            c.lit(" kvm_gen ");
            long kvmGen = c.hex();
            c.lit(" spte-gen ");
            long spteGen = c.hex();
            c.lit(" valid ");
            long valid = c.dec();
            return c.end() && (valid == 0 || valid == 1) ? new CheckMmioSpte(spte, kvmGen, spteGen, valid == 1)
                    : null;
        }
        case "fast_page_fault": {
            Matcher m = FAST_PAGE_FAULT.matcher(sub(s, from, to));
            if (!m.matches()) {
                return null;
            }
            return new FastPageFault(Integer.parseInt(m.group(1)), hex(m.group(2)), m.group(3), m.group(4),
                    hex(m.group(5)), hex(m.group(6)), m.group(7).equals("1"), m.group(8).equals("1"));
        }
        case "kvm_mmu_pagetable_walk": {
            Matcher m = WALK.matcher(sub(s, from, to));
            return m.matches() ? new MmuPagetableWalk(hex(m.group(1)), (int) hex(m.group(2)), m.group(3)) : null;
        }
        case "kvm_mmu_paging_element": {
            Scan c = new Scan(s, from, to);
            c.lit("pte ");
            long pte = c.hex();
            c.lit(" level ");
            int level = c.i32();
            return c.end() ? new MmuPagingElement(pte, level) : null;
        }
        case "kvm_mmu_walker_error": {
            Matcher m = WALKER_ERROR.matcher(sub(s, from, to));
            return m.matches() ? new MmuWalkerError((int) hex(m.group(1)), m.group(2)) : null;
        }
        case "kvm_mmu_set_accessed_bit":
        case "kvm_mmu_set_dirty_bit": {
            Scan c = new Scan(s, from, to);
            c.lit("gpa ");
            long gpa = c.hex();
            if (!c.end()) {
                return null;
            }
            return name.equals("kvm_mmu_set_dirty_bit") ? new MmuSetDirtyBit(gpa) : new MmuSetAccessedBit(gpa);
        }
        case "kvm_entry":
            return entry(s, from, to);
        case "kvm_exit":
            return exit(s, from, to);
        case "kvm_nested_vmexit":
            return nestedVmexit(s, from, to);
        case "kvm_page_fault": {
            Scan c = new Scan(s, from, to);
            if (s.startsWith("vcpu ", from)) {
                c.lit("vcpu ");
                int vcpu = c.i32();
                c.lit(" rip 0x");
                long rip = c.hex();
                c.lit(" address 0x");
                long address = c.hex();
                c.lit(" error_code 0x");
                long error = c.hex();
                return c.end() ? new KvmPageFault(vcpu, rip, address, error) : null;
            }
            c.lit("address ");
            long address = c.hex();
            c.lit(" error_code ");
            long error = c.hex();
            return c.end() ? new KvmPageFault(null, null, address, error) : null;
        }
        case "kvm_unmap_hva_range": {
            long[] r = hvaRange(s, from, to, "mmu notifier unmap range: ");
            return r == null ? null : new KvmUnmapHvaRange(r[0], r[1]);
        }
        case "kvm_age_hva": {
            long[] r = hvaRange(s, from, to, "mmu notifier age hva: ");
            return r == null ? null : new KvmAgeHva(r[0], r[1]);
        }
        case "kvm_test_age_hva": {
            Scan c = new Scan(s, from, to);
            c.lit("mmu notifier test age hva: ");
            c.opt("0x");
            long hva = c.hex();
            return c.end() ? new KvmTestAgeHva(hva) : null;
        }
        case "kvm_userspace_exit": {
            Matcher m = USERSPACE_EXIT.matcher(sub(s, from, to));
            if (!m.matches()) {
                return null;
            }
            return new KvmUserspaceExit(m.group(1), m.group(2) == null ? null : Integer.valueOf(m.group(2)));
        }
        case "kvm_fpu":
            return to - from == 4 && s.startsWith("load", from) ? new KvmFpu(true)
                    : to - from == 6 && s.startsWith("unload", from) ? new KvmFpu(false) : null;
        case "kvm_pio": {
            Matcher m = PIO.matcher(sub(s, from, to));
            if (!m.matches()) {
                return null;
            }
            return new KvmPio(m.group(1).equals("write"), (int) hex(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), m.group(5) == null ? null : hex(m.group(5)), m.group(6) != null);
        }
        case "tdpscope_alloc_root":
        case "tdpscope_next_root":
        case "tdpscope_put_root":
        case "tdpscope_zap_root":
        case "tdpscope_zap_root_done":
        case "tdpscope_invalidate_roots":
        case "tdpscope_zap_invalidated_roots":
        case "tdpscope_zap_invalidated_roots_done":
        case "tdpscope_load_pgd":
            return rootRecord(name, s, from, to);
        default:
            return new Unknown(sub(s, from, to));
        }
    }

    /**
     * A root record of the capture recipe: an optional probe site in parentheses (kprobe_events prints
     * {@code (sym+0x0/0x120 [kvm])} or {@code (caller+off/size <- sym)}, trace-cmd {@code (ffffffffc0a1b2c0)},
     * kvm-roots.bt {@code (kprobe:sym)}), then {@code key=value} fields separated by spaces. Values are
     * {@code 0x} hex, decimal, or {@code (fault)}. Unknown keys are skipped, so later versions of the
     * scripts can add fields; anything that is not {@code key=value} makes the record malformed.
     */
    private static Payload rootRecord(String name, String s, int from, int to) {
        String site = "";
        int p = from;
        if (p < to && s.charAt(p) == '(') {
            int close = s.indexOf(')', p);
            if (close < 0 || close >= to) {
                return null;
            }
            site = s.substring(p + 1, close);
            p = close + 1;
        }
        java.util.Map<String, Long> kv = new java.util.HashMap<>();
        while (p < to) {
            if (s.charAt(p) == ' ' || s.charAt(p) == '\t') {
                p++;
                continue;
            }
            int end = p;
            while (end < to && s.charAt(end) != ' ' && s.charAt(end) != '\t') {
                end++;
            }
            int eq = s.indexOf('=', p);
            if (eq <= p || eq >= end) {
                return null;
            }
            Long v = null; // (fault): the probe could not read it; kept as a key without a value
            if (!(end - eq - 1 == 7 && s.startsWith("(fault)", eq + 1))) {
                v = number(s, eq + 1, end);
                if (v == null) {
                    return null;
                }
            }
            kv.put(s.substring(p, eq), v);
            p = end;
        }
        Boolean mirror = flag(kv.get("mirror"));
        Long hpa = kv.get("hpa");
        if (Boolean.TRUE.equals(mirror) && kv.containsKey("mirror_hpa")) {
            hpa = kv.get("mirror_hpa"); // kprobe 6.14+: both are printed, the argument says which it is
        }
        RootFields root = new RootFields(kv.get("sp"), kv.get("spt"), hpa, kv.get("pob"), kv.get("role"),
                kv.get("count"), flag(kv.get("invalid")));
        switch (name) {
        case "tdpscope_alloc_root":
            return new RootAlloc(site, root, mirror);
        case "tdpscope_next_root":
            return root.sp() == null && root.physical() == -1 ? null : new RootNext(site, root);
        case "tdpscope_put_root":
            return root.named() ? new RootPut(site, root) : null;
        case "tdpscope_zap_root":
            return root.named() ? new RootZap(site, root, flag(kv.get("shared")), false) : null;
        case "tdpscope_zap_root_done":
            return new RootZap(site, root, flag(kv.get("shared")), true);
        case "tdpscope_invalidate_roots":
            return new RootsInvalidate(site, kv.get("types"));
        case "tdpscope_zap_invalidated_roots":
            return new RootsZapInvalidated(site, flag(kv.get("shared")), false);
        case "tdpscope_zap_invalidated_roots_done":
            return new RootsZapInvalidated(site, flag(kv.get("shared")), true);
        default: { // tdpscope_load_pgd
            Long level = kv.get("level");
            return hpa == null ? null
                    : new RootLoad(site, hpa, level == null ? null : Integer.valueOf(level.intValue()));
        }
        }
    }

    private static Boolean flag(Long v) {
        return v == null ? null : v != 0;
    }

    /** {@code 0x} hex (up to 64 bits) or signed decimal; null if neither. */
    private static Long number(String s, int from, int to) {
        Scan c = new Scan(s, from, to);
        long v = c.opt("0x") ? c.hex() : c.dec();
        return c.end() ? Long.valueOf(v) : null;
    }

    private static long[] hvaRange(String s, int from, int to, String head) {
        Scan c = new Scan(s, from, to);
        c.lit(head);
        c.opt("0x"); // %#016lx prints 0x; tolerate copies that lost it
        long start = c.hex();
        c.lit(" -- ");
        c.opt("0x");
        long end = c.hex();
        return c.end() ? new long[] { start, end } : null;
    }

    private static Payload entry(String s, int from, int to) {
        Scan c = new Scan(s, from, to);
        c.lit("vcpu ");
        int vcpu = c.i32();
        if (c.end()) {
            return new KvmEntry(vcpu, null, false, null, EntryText.VCPU);
        }
        EntryText text;
        if (c.opt(", rip 0x")) {
            text = EntryText.KERNEL;
        } else if (c.opt(" rip 0x")) {
            text = EntryText.PLUGIN;
        } else {
            return null;
        }
        long rip = c.hex();
        boolean immediate = c.opt("[immediate exit]") || c.opt(" [immediate exit]");
        String sym = null;
        if (text == EntryText.PLUGIN && !immediate && c.opt(" ")) {
            sym = c.word(); // guest symbol added by the plugin's add_rip_function()
        }
        return c.end() ? new KvmEntry(vcpu, rip, immediate, sym, text) : null;
    }

    /**
     * The 5.10+ kernel text {@code "vcpu %u reason %s rip 0x%lx info1 0x%016llx info2 0x%016llx intr_info
     * 0x%08x error_code 0x%08x"} (the reason may hold VMX flag names after a space), as
     * {vcpu, rip, info1, info2, intr_info, error_code}, or null. Scanned by hand: one per VM exit.
     */
    private static long[] exitKernel(String s, int from, int to, String[] reason) {
        if (!s.startsWith("vcpu ", from)) {
            return null;
        }
        Scan c = new Scan(s, from, to);
        c.lit("vcpu ");
        long vcpu = c.i32();
        c.lit(" reason ");
        int r = c.position();
        int rip = s.indexOf(" rip 0x", r);
        if (!c.ok() || rip <= r || rip >= to) {
            return null;
        }
        reason[0] = s.substring(r, rip);
        c.skipTo(rip);
        c.lit(" rip 0x");
        long[] v = new long[6];
        v[0] = vcpu;
        v[1] = c.hex();
        c.lit(" info1 0x");
        v[2] = c.hex();
        c.lit(" info2 0x");
        v[3] = c.hex();
        c.lit(" intr_info 0x");
        v[4] = c.hex();
        c.lit(" error_code 0x");
        v[5] = c.hex();
        return c.end() ? v : null;
    }

    private static Payload exit(String s, int from, int to) {
        String[] reason = new String[1];
        long[] v = exitKernel(s, from, to, reason);
        if (v != null) {
            return new KvmExit((int) v[0], reason[0], v[1], null, v[2], v[3], v[4], v[5], ExitText.KERNEL);
        }
        Matcher m = EXIT_SHORT.matcher(sub(s, from, to));
        if (!m.matches()) {
            return null;
        }
        boolean kernel = m.group(1) != null; // 4.8 kernel text has the vcpu, the plugin never does
        if (kernel && m.group(4) != null) {
            return null;
        }
        return new KvmExit(kernel ? Integer.valueOf(m.group(1)) : null, m.group(2), hex(m.group(3)), m.group(4),
                hex(m.group(5)), hex(m.group(6)), null, null, kernel ? ExitText.KERNEL_4X : ExitText.PLUGIN);
    }

    private static Payload nestedVmexit(String s, int from, int to) {
        String[] reason = new String[1];
        long[] v = exitKernel(s, from, to, reason);
        if (v != null) {
            return new KvmNestedVmexit((int) v[0], reason[0], v[1], null, v[2], v[3], v[4], v[5], true);
        }
        Matcher m = NESTED_PLUGIN.matcher(sub(s, from, to));
        if (!m.matches()) {
            return null;
        }
        return new KvmNestedVmexit(null, m.group(3), hex(m.group(1)), m.group(2), hex(m.group(4)), hex(m.group(5)),
                hex(m.group(6)), hex(m.group(7)), false);
    }

    private static Payload getPage(String s) {
        if (s.startsWith("sp gen ")) {
            boolean created;
            if (s.endsWith(" new")) {
                created = true;
                s = s.substring(0, s.length() - 4);
            } else if (s.endsWith(" existing")) {
                created = false;
                s = s.substring(0, s.length() - 9);
            } else {
                return null;
            }
            MmuPage p = kernelPage(s);
            return p == null ? null : new MmuGetPage(p, created);
        }
        // trace-cmd plugin: "%s " new/existing, "sp gfn %llx ", role text
        Scan c = new Scan(s);
        boolean created = c.opt("new ");
        if (!created) {
            c.lit("existing ");
        }
        c.lit("sp gfn ");
        long gfn = c.hex();
        c.lit(" ");
        if (!c.ok()) {
            return null;
        }
        MmuPage p = pluginRole(c.rest(), gfn);
        return p == null ? null : new MmuGetPage(p, created);
    }

    /** Page text of the page-class events: kernel text, or the plugin's role text without {@code sp gfn}. */
    private static MmuPage page(String s) {
        return s.startsWith("sp gen ") ? kernelPage(s) : pluginRole(s, -1);
    }

    private static MmuPage kernelPage(String s) {
        Matcher m = PAGE_KERNEL.matcher(s);
        if (m.matches()) {
            String gen = m.group("gen");
            return new MmuPage(MmuPage.Text.KERNEL, isDecimal(gen) ? Long.parseLong(gen) : hex(gen),
                    hex(m.group("gfn")), Integer.parseInt(m.group("level")), 0, Integer.parseInt(m.group("bytes")),
                    Integer.parseInt(m.group("q")), m.group("direct") != null, m.group("access"),
                    m.group("invalid") != null, false, m.group("nonx").isEmpty(), m.group("noad").isEmpty(), false,
                    false, false, false, false, Integer.parseInt(m.group("root")), m.group("sync").equals("unsync"));
        }
        m = PAGE_4X.matcher(s);
        if (m.matches()) {
            String noad = m.group("noad");
            return new MmuPage(MmuPage.Text.KERNEL_4X, hex(m.group("gen")), hex(m.group("gfn")),
                    Integer.parseInt(m.group("level")), 0, 0, Integer.parseInt(m.group("q")),
                    m.group("direct") != null, m.group("access"), m.group("invalid") != null, m.group("pae") != null,
                    m.group("nonx").isEmpty(), noad == null ? null : noad.isEmpty(), false, false, false, false, false,
                    Integer.parseInt(m.group("root")), m.group("sync").equals("unsync"));
        }
        return null;
    }

    private static MmuPage pluginRole(String s, long gfn) {
        Matcher m = ROLE_PLUGIN.matcher(s);
        if (m.matches()) {
            return new MmuPage(MmuPage.Text.PLUGIN, -1, gfn, Integer.parseInt(m.group("level")), 0, 0,
                    Integer.parseInt(m.group("q")), m.group("direct") != null, m.group("access"),
                    m.group("invalid") != null, m.group("nopae").isEmpty(), m.group("nonx").isEmpty(), null,
                    m.group("nowp").isEmpty(), m.group("smep") != null, m.group("smap") != null,
                    m.group("smm") != null, false, Integer.parseInt(m.group("root")),
                    m.group("sync").equals("unsync"));
        }
        m = ROLE_PLUGIN_OLD.matcher(s);
        if (m.matches()) {
            return new MmuPage(MmuPage.Text.PLUGIN_OLD, -1, gfn, Integer.parseInt(m.group("level")),
                    Integer.parseInt(m.group("glevels")), 0, Integer.parseInt(m.group("q")),
                    m.group("direct") != null, m.group("access"), m.group("invalid") != null, false,
                    m.group("nonx").isEmpty(), null, false, false, false, false, m.group("nopge").isEmpty(),
                    Integer.parseInt(m.group("root")), m.group("sync").equals("unsync"));
        }
        return null;
    }

    private static boolean isDecimal(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    static long hex(String s) {
        return Long.parseUnsignedLong(s, 16);
    }

    /**
     * A cursor over a payload: literal text and numbers in a fixed order, like the printk that wrote it.
     * Any mismatch clears {@link #ok()}; callers check {@link #end()} once at the end.
     */
    static final class Scan {
        private final String s;
        private final int end;
        private int p;
        private boolean ok = true;

        Scan(String s) {
            this(s, 0, s.length());
        }

        /** A cursor over {@code s[from, to)}. */
        Scan(String s, int from, int to) {
            this.s = s;
            this.p = from;
            this.end = to;
        }

        boolean ok() {
            return ok;
        }

        int position() {
            return p;
        }

        void skipTo(int q) {
            p = q;
        }

        void lit(String t) {
            if (ok && p + t.length() <= end && s.startsWith(t, p)) {
                p += t.length();
            } else {
                ok = false;
            }
        }

        boolean opt(String t) {
            if (ok && p + t.length() <= end && s.startsWith(t, p)) {
                p += t.length();
                return true;
            }
            return false;
        }

        /** Up to 16 significant hex digits (a u64). */
        long hex() {
            if (!ok) {
                return 0;
            }
            int start = p;
            long v = 0;
            int n = end;
            while (p < n) {
                char ch = s.charAt(p);
                int d;
                if (ch >= '0' && ch <= '9') {
                    d = ch - '0';
                } else if (ch >= 'a' && ch <= 'f') {
                    d = ch - 'a' + 10;
                } else if (ch >= 'A' && ch <= 'F') {
                    d = ch - 'A' + 10;
                } else {
                    break;
                }
                if ((v >>> 60) != 0) {
                    ok = false; // more than 64 bits
                    return 0;
                }
                v = v << 4 | d;
                p++;
            }
            if (p == start) {
                ok = false;
            }
            return v;
        }

        /** A signed decimal that fits a long. */
        long dec() {
            if (!ok) {
                return 0;
            }
            boolean neg = p < end && s.charAt(p) == '-';
            int start = neg ? p + 1 : p;
            int q = start;
            while (q < end && s.charAt(q) >= '0' && s.charAt(q) <= '9') {
                q++;
            }
            if (q == start || q - start > 18) {
                ok = false;
                return 0;
            }
            long v = 0;
            for (int i = start; i < q; i++) {
                v = v * 10 + (s.charAt(i) - '0');
            }
            p = q;
            return neg ? -v : v;
        }

        int i32() {
            long v = dec();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                ok = false;
                return 0;
            }
            return (int) v;
        }

        /** {@code [r-][w-][x-][u-]?}, the permission text of kvm_mmu_set_spte. */
        String perm() {
            if (!ok || p + 3 > end) {
                ok = false;
                return "";
            }
            int len = p + 4 <= end && (s.charAt(p + 3) == 'u' || s.charAt(p + 3) == '-') ? 4 : 3;
            String t = s.substring(p, p + len);
            if ((t.charAt(0) != 'r' && t.charAt(0) != '-') || (t.charAt(1) != 'w' && t.charAt(1) != '-')
                    || (t.charAt(2) != 'x' && t.charAt(2) != '-')) {
                ok = false;
                return "";
            }
            p += len;
            return t;
        }

        /** A run of non-space characters. */
        String word() {
            int start = p;
            while (p < end && s.charAt(p) != ' ') {
                p++;
            }
            if (p == start) {
                ok = false;
            }
            return s.substring(start, p);
        }

        String rest() {
            String r = s.substring(p, end);
            p = end;
            return r;
        }

        boolean end() {
            return ok && p == end;
        }
    }
}
