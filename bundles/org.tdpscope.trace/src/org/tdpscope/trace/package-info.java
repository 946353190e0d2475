/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
/**
 * Reading real KVM MMU traces ({@code kvmmmu} and {@code kvm} tracepoints) without UI or dependencies.
 * <ul>
 * <li>{@link org.tdpscope.trace.TraceReader} streams tracefs, trace-cmd report, perf script and
 * mail-copied text into {@link org.tdpscope.trace.TraceEvent}s with typed
 * {@link org.tdpscope.trace.Payload}s, counting what it cannot use in
 * {@link org.tdpscope.trace.TraceDiagnostics};</li>
 * <li>{@link org.tdpscope.trace.TraceReconstruction} rebuilds page tables, SPTEs (and the line that set
 * each), roots, fast zaps, MMIO SPTEs, splits and lanes from the events. Roots are inferred from the
 * tracepoints, or exact when the trace holds the root records of the capture recipe in
 * {@code docs/capture} ({@code tdpscope_*} kprobe events or kvm-roots.bt lines,
 * {@link org.tdpscope.trace.Payload.RootAlloc} and the other root payloads);</li>
 * <li>{@link org.tdpscope.trace.KernelTraceFormat} prints events in the kernel's formats, so a
 * simulated run can be written as a trace and read back.</li>
 * </ul>
 * The formats are those of {@code FORMATS.md} (shared/traces) and section 3 of {@code KERNEL-ERAS.md}.
 */
package org.tdpscope.trace;
