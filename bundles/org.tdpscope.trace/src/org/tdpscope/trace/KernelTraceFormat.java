/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.tdpscope.trace.Payload.*;

/**
 * Prints events the way the kernel's {@code TP_printk} strings (and trace-cmd's plugin, for the events
 * it renders itself) print them, in the line shape the event was read from. {@link TraceReader} reads
 * the output back into equal events, so a simulated run can be written as a trace and imported.
 */
public final class KernelTraceFormat {

    private KernelTraceFormat() {
    }

    /** One record line (no stack lines, no line terminator). */
    public static String line(TraceEvent e) {
        StringBuilder b = new StringBuilder(160);
        prefix(b, e.prefix(), e.prefix().timestampNs());
        name(b, e);
        b.append(payload(e.name(), e.payload()));
        return b.toString();
    }

    /** The record line, then its {@code <stack trace>} record if it has one, each ending in '\n'. */
    public static void write(TraceEvent e, Appendable out) {
        try {
            out.append(line(e)).append('\n');
            if (!e.prefix().stack().isEmpty()) {
                StringBuilder b = new StringBuilder(120);
                prefix(b, e.prefix(), e.prefix().timestampNs());
                b.append("<stack trace>\n");
                for (String f : e.prefix().stack()) {
                    b.append(" => ").append(f).append('\n');
                }
                out.append(b);
            }
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** All lines of {@link #write(TraceEvent, Appendable)} as one string. */
    public static String text(TraceEvent e) {
        StringBuilder b = new StringBuilder(200);
        write(e, b);
        return b.toString();
    }

    private static void prefix(StringBuilder b, Prefix p, long ts) {
        switch (p.shape()) {
        case PERF_SCRIPT:
            padLeft(b, p.comm(), 16).append(' ');
            padLeft(b, Integer.toString(p.pid()), 6).append(" [");
            cpu(b, p.cpu()).append("] ");
            time(b, ts).append(": ");
            return;
        case TRACE_CMD:
            padLeft(b, p.comm(), 16).append('-');
            padRight(b, Integer.toString(p.pid()), 5).append(' ');
            tgid(b, p);
            b.append('[');
            cpu(b, p.cpu()).append("] ");
            flags(b, p);
            padLeft(b, time(new StringBuilder(), ts).toString(), 12).append(": ");
            return;
        default: // tracefs: "%16s-%-7d [%03d] flags %5lu.%06lu: "
            padLeft(b, p.comm(), 16).append('-');
            padRight(b, Integer.toString(p.pid()), 7).append(' ');
            tgid(b, p);
            b.append('[');
            cpu(b, p.cpu()).append("] ");
            flags(b, p);
            padLeft(b, time(new StringBuilder(), ts).toString(), 12).append(": ");
        }
    }

    private static void tgid(StringBuilder b, Prefix p) {
        if (p.tgid() >= 0) {
            b.append('(');
            padLeft(b, Integer.toString(p.tgid()), 7).append(") ");
        }
    }

    private static void flags(StringBuilder b, Prefix p) {
        if (!p.flags().isEmpty()) {
            b.append(p.flags()).append(' ');
        }
    }

    private static void name(StringBuilder b, TraceEvent e) {
        switch (e.prefix().shape()) {
        case PERF_SCRIPT:
            b.append(e.system()).append(':').append(e.name()).append(": ");
            return;
        case TRACE_CMD: // trace-cmd pads "name:" to 21 columns, then one space
            padRight(b, e.name() + ":", 21).append(' ');
            return;
        default:
            b.append(e.name()).append(": ");
        }
    }

    private static StringBuilder cpu(StringBuilder b, int cpu) {
        String s = Integer.toString(cpu);
        for (int i = s.length(); i < 3; i++) {
            b.append('0');
        }
        return b.append(s);
    }

    /** Seconds with 6 fraction digits, or 9 when the clock has sub-microsecond digits. */
    private static StringBuilder time(StringBuilder b, long ns) {
        b.append(ns / 1_000_000_000L).append('.');
        long frac = ns % 1_000_000_000L;
        String f = frac % 1000 == 0 ? Long.toString(frac / 1000) : Long.toString(frac);
        int width = frac % 1000 == 0 ? 6 : 9;
        for (int i = f.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(f);
    }

    private static StringBuilder padLeft(StringBuilder b, String s, int width) {
        for (int i = s.length(); i < width; i++) {
            b.append(' ');
        }
        return b.append(s);
    }

    private static StringBuilder padRight(StringBuilder b, String s, int width) {
        b.append(s);
        for (int i = s.length(); i < width; i++) {
            b.append(' ');
        }
        return b;
    }

    private static String x(long v) {
        return Long.toHexString(v);
    }

    /** {@code %0<width>llx}. */
    private static String x0(long v, int width) {
        String s = Long.toHexString(v);
        if (s.length() >= width) {
            return s;
        }
        StringBuilder b = new StringBuilder(width);
        for (int i = s.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(s).toString();
    }

    /** {@code %#016lx}: "0x" plus at least 14 digits. */
    private static String hva(long v) {
        return "0x" + x0(v, 14);
    }

    /** The payload text of an event, exactly as its TP_printk (or trace-cmd plugin) prints it. */
    public static String payload(TraceEvent e) {
        return payload(e.name(), e.payload());
    }

    /** The payload text of {@code name} with this payload. */
    public static String payload(String name, Payload p) {
        if (p instanceof TdpMmuSpteChanged c) {
            return "as id " + c.asId() + " gfn " + x(c.gfn()) + " level " + c.level() + " old_spte " + x(c.oldSpte())
                    + " new_spte " + x(c.newSpte());
        }
        if (p instanceof MmuSetSpte c) {
            return "gfn " + x(c.gfn()) + " spte " + x(c.spte()) + " (" + c.perm() + ") level " + c.level() + " at "
                    + x(c.at());
        }
        if (p instanceof MmuSpteRequested c) {
            return "gfn " + x(c.gfn()) + " pfn " + x(c.pfn()) + " level " + c.level();
        }
        if (p instanceof MmuGetPage c) {
            MmuPage g = c.page();
            String created = c.created() ? "new" : "existing";
            if (g.text() == MmuPage.Text.PLUGIN || g.text() == MmuPage.Text.PLUGIN_OLD) {
                return created + " sp gfn " + x(g.gfn()) + " " + page(g);
            }
            return page(g) + " " + created;
        }
        if (p instanceof MmuPrepareZapPage c) {
            return page(c.page());
        }
        if (p instanceof MmuSyncPage c) {
            return page(c.page());
        }
        if (p instanceof MmuUnsyncPage c) {
            return page(c.page());
        }
        if (p instanceof MmuZapPage c) {
            return page(c.page());
        }
        if (p instanceof MmuZapAllFast c) {
            String gen = name.equals("kvm_mmu_invalidate_zap_all_pages") ? x(c.gen()) : Long.toString(c.gen());
            return "kvm-mmu-valid-gen " + gen + " used_pages " + x(c.usedPages());
        }
        if (p instanceof MmuSplitHugePage c) {
            return "gfn " + x(c.gfn()) + " spte " + x(c.spte()) + " level " + c.level() + " errno " + c.errno();
        }
        if (p instanceof MarkMmioSpte c) {
            return "sptep:" + c.sptep() + " gfn " + x(c.gfn()) + " access " + Integer.toHexString(c.access()) + " gen "
                    + x(c.gen());
        }
        if (p instanceof HandleMmioPageFault c) {
            return "addr:" + x(c.addr()) + " gfn " + x(c.gfn()) + " access " + Integer.toHexString(c.access());
        }
        if (p instanceof CheckMmioSpte c) {
            return "spte " + x(c.spte()) + " kvm_gen " + x(c.kvmGen()) + " spte-gen " + x(c.spteGen()) + " valid "
                    + (c.valid() ? 1 : 0);
        }
        if (p instanceof FastPageFault c) {
            return "vcpu " + c.vcpu() + " gva " + x(c.gva()) + " error_code " + c.errorCode() + " sptep " + c.sptep()
                    + " old 0x" + x(c.oldSpte()) + " new " + x(c.newSpte()) + " spurious " + (c.spurious() ? 1 : 0)
                    + " fixed " + (c.fixed() ? 1 : 0);
        }
        if (p instanceof MmuPagetableWalk c) {
            return "addr " + x(c.addr()) + " pferr " + Integer.toHexString(c.pferr()) + " " + c.flags();
        }
        if (p instanceof MmuPagingElement c) {
            return "pte " + x(c.pte()) + " level " + c.level();
        }
        if (p instanceof MmuWalkerError c) {
            return "pferr " + Integer.toHexString(c.pferr()) + " " + c.flags();
        }
        if (p instanceof MmuSetAccessedBit c) {
            return "gpa " + x(c.gpa());
        }
        if (p instanceof MmuSetDirtyBit c) {
            return "gpa " + x(c.gpa());
        }
        if (p instanceof KvmEntry c) {
            switch (c.text()) {
            case VCPU:
                return "vcpu " + c.vcpu();
            case PLUGIN:
                return "vcpu " + c.vcpu() + " rip 0x" + x(c.rip()) + (c.guestSym() != null ? " " + c.guestSym() : "")
                        + (c.immediateExit() ? "[immediate exit]" : "");
            default:
                return "vcpu " + c.vcpu() + ", rip 0x" + x(c.rip()) + (c.immediateExit() ? "[immediate exit]" : "");
            }
        }
        if (p instanceof KvmExit c) {
            switch (c.text()) {
            case KERNEL:
                return exitKernel(c.vcpu(), c.reason(), c.rip(), c.info1(), c.info2(), c.intrInfo(), c.errorCode());
            case KERNEL_4X:
                return "vcpu " + c.vcpu() + " reason " + c.reason() + " rip 0x" + x(c.rip()) + " info " + x(c.info1())
                        + " " + x(c.info2());
            default:
                return "reason " + c.reason() + " rip 0x" + x(c.rip())
                        + (c.guestSym() != null ? " " + c.guestSym() : "") + " info " + x(c.info1()) + " "
                        + x(c.info2());
            }
        }
        if (p instanceof KvmNestedVmexit c) {
            if (c.kernelText()) {
                return exitKernel(c.vcpu(), c.reason(), c.rip(), c.info1(), c.info2(), c.intInfo(), c.intInfoErr());
            }
            return "rip " + x(c.rip()) + (c.guestSym() != null ? " " + c.guestSym() : "") + " reason " + c.reason()
                    + " info1 " + x(c.info1()) + " info2 " + x(c.info2()) + " int_info " + x(c.intInfo())
                    + " int_info_err " + x(c.intInfoErr());
        }
        if (p instanceof KvmPageFault c) {
            if (c.vcpu() != null) {
                return "vcpu " + c.vcpu() + " rip 0x" + x(c.rip()) + " address 0x" + x0(c.address(), 16)
                        + " error_code 0x" + x(c.errorCode());
            }
            return "address " + x(c.address()) + " error_code " + x(c.errorCode());
        }
        if (p instanceof KvmUnmapHvaRange c) {
            return "mmu notifier unmap range: " + hva(c.start()) + " -- " + hva(c.end());
        }
        if (p instanceof KvmAgeHva c) {
            return "mmu notifier age hva: " + hva(c.start()) + " -- " + hva(c.end());
        }
        if (p instanceof KvmTestAgeHva c) {
            return "mmu notifier test age hva: " + hva(c.hva());
        }
        if (p instanceof KvmUserspaceExit c) {
            return "reason " + c.reason() + (c.code() != null ? " (" + c.code() + ")" : "");
        }
        if (p instanceof KvmFpu c) {
            return c.load() ? "load" : "unload";
        }
        if (p instanceof KvmPio c) {
            String s = "pio_" + (c.write() ? "write" : "read") + " at 0x" + Integer.toHexString(c.port()) + " size "
                    + c.size() + " count " + c.count();
            return c.val() == null ? s : s + " val 0x" + x(c.val()) + " " + (c.more() ? "(...)" : "");
        }
        if (p instanceof RootAlloc c) {
            return rootRecord(c.site(), c.root(), c.mirror() == null ? "" : " mirror=" + (c.mirror() ? 1 : 0));
        }
        if (p instanceof RootNext c) {
            return rootRecord(c.site(), c.root(), "");
        }
        if (p instanceof RootPut c) {
            return rootRecord(c.site(), c.root(), "");
        }
        if (p instanceof RootZap c) {
            return rootRecord(c.site(), c.root(), c.shared() == null ? "" : " shared=" + (c.shared() ? 1 : 0));
        }
        if (p instanceof RootsInvalidate c) {
            return site(c.site()) + (c.types() == null ? "" : " types=0x" + x(c.types()));
        }
        if (p instanceof RootsZapInvalidated c) {
            return site(c.site()) + (c.shared() == null ? "" : " shared=" + (c.shared() ? 1 : 0));
        }
        if (p instanceof RootLoad c) {
            return site(c.site()) + " hpa=0x" + x(c.hpa()) + (c.level() == null ? "" : " level=" + c.level());
        }
        return ((Unknown) p).text();
    }

    private static String site(String site) {
        return "(" + site + ")";
    }

    /**
     * A root record in the capture recipe's format (docs/capture/README.md): the probe site, then the
     * fields that were printed, in the order kvm-roots.bt prints them.
     */
    private static String rootRecord(String site, RootFields r, String extra) {
        StringBuilder b = new StringBuilder(160).append(site(site));
        hexField(b, "sp", r.sp());
        hexField(b, "spt", r.spt());
        hexField(b, "hpa", r.hpa());
        hexField(b, "pob", r.pob());
        hexField(b, "role", r.role());
        if (r.count() != null) {
            b.append(" count=").append(r.count());
        }
        if (r.invalid() != null) {
            b.append(" invalid=").append(r.invalid() ? 1 : 0);
        }
        return b.append(extra).toString();
    }

    private static void hexField(StringBuilder b, String key, Long v) {
        if (v != null) {
            b.append(' ').append(key).append("=0x").append(x(v));
        }
    }

    private static String exitKernel(Integer vcpu, String reason, long rip, long info1, long info2, Long intr,
            Long error) {
        return "vcpu " + vcpu + " reason " + reason + " rip 0x" + x(rip) + " info1 0x" + x0(info1, 16) + " info2 0x"
                + x0(info2, 16) + " intr_info 0x" + x0(intr, 8) + " error_code 0x" + x0(error, 8);
    }

    /**
     * The page text of the page-class events in the printer's own format: kernel
     * {@code KVM_MMU_PAGE_PRINTK()}, or the trace-cmd plugin's role text (which has no gfn).
     */
    public static String page(MmuPage g) {
        String tail = " root " + g.rootCount() + " " + (g.unsync() ? "unsync" : "sync");
        switch (g.text()) {
        case KERNEL:
            return "sp gen " + g.gen() + " gfn " + x(g.gfn()) + " " + role(g) + tail;
        case KERNEL_4X:
            return "sp gen " + x(g.gen()) + " gfn " + x(g.gfn()) + " " + role(g) + tail;
        default:
            return role(g) + tail;
        }
    }

    /** The role part of a page text (see {@link MmuPage#role()}). */
    static String role(MmuPage g) {
        String access = (g.direct() ? " direct " : " ") + g.access() + (g.invalid() ? " invalid" : "");
        switch (g.text()) {
        case KERNEL:
            return "l" + g.level() + " " + g.gpteBytes() + "-byte q" + g.quadrant() + access + " " + bang(g.nxe())
                    + "nxe " + bang(g.ad() == null || g.ad()) + "ad";
        case KERNEL_4X:
            return g.level() + (g.pae() ? " pae" : "") + " q" + g.quadrant() + access + " " + bang(g.nxe()) + "nxe"
                    + (g.ad() == null ? "" : " " + bang(g.ad()) + "ad");
        case PLUGIN:
            return g.level() + " q" + g.quadrant() + access + " " + bang(g.pae()) + "pae " + bang(g.nxe()) + "nxe "
                    + bang(g.wp()) + "wp" + (g.smep() ? " smep" : "") + (g.smap() ? " smap" : "")
                    + (g.smm() ? " smm" : "");
        default:
            return g.level() + "/" + g.glevels() + " q" + g.quadrant() + access + " " + bang(g.pge()) + "pge "
                    + bang(g.nxe()) + "nxe";
        }
    }

    private static String bang(boolean set) {
        return set ? "" : "!";
    }
}
