/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

/** Every kind of state change the simulator records; {@link #id()} is the name used in traces. */
public enum EventType {
    ROOT_CREATE("root.create"), ROOT_REUSE("root.reuse"), ROOT_GET("root.get"), ROOT_PUT("root.put"),
    ROOT_INVALIDATE("root.invalidate"), ROOT_UNLINK("root.unlink"), ROOT_FREE("root.free"),
    WALK_START("walk.start"), WALK_VISIT("walk.visit"), WALK_YIELD("walk.yield"), WALK_RESUME("walk.resume"),
    WALK_RESTART("walk.restart"), WALK_END("walk.end"),
    SPTE_SET("spte.set"), SPTE_ZAP("spte.zap"), SPTE_WRPROT("spte.wrprot"), SPTE_CLEAR_DIRTY("spte.clear_dirty"),
    SPTE_AGE("spte.age"),
    FAULT("fault"), ACCESS("access"), TLB_FLUSH("tlb.flush"), LOCK_ACQUIRE("lock.acquire"), LOCK_RELEASE("lock.release"),
    RCU_SYNC("rcu.sync"), MEMSLOT("memslot"), VCPU_RELOAD_REQUEST("vcpu.request_reload"), VIOLATION("violation"),
    WORK_QUEUE("work.queue"), WALK_POINT("walk.point"), ROOT_SCHEDULE_ZAP("root.schedule_zap"), MIRROR_HOOK("mirror.hook"),
    /** A guest write to CR0/CR4/EFER/RFLAGS or a CPL change, and whether KVM reset the vCPU's MMU context. */
    VCPU_CPU("vcpu.cpu"),
    /** A raw write to a guest paging entry. */
    GUEST_ENTRY("guest.entry"),
    /**
     * One position of a walk's SPTE iterator (level, index, gfn), emitted only when asked for
     * ({@code --all-events}); it carries the step of the event before it, so step numbers do not move.
     */
    WALK_ITER("walk.iter");

    private final String id;

    EventType(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static EventType fromId(String id) {
        for (EventType t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        return null;
    }
}
