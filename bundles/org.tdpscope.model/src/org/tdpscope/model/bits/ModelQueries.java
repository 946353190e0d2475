/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.bits;

import org.eclipse.emf.ecore.EObject;
import org.tdpscope.model.GuestEntry;
import org.tdpscope.model.GuestTablePage;
import org.tdpscope.model.HostTablePage;
import org.tdpscope.model.Machine;
import org.tdpscope.model.Root;
import org.tdpscope.model.Run;
import org.tdpscope.model.Spte;
import org.tdpscope.model.TraceEvent;

/** The bodies of derived features that look at an object's container (called from generated code). */
public final class ModelQueries {

    private ModelQueries() {
    }

    public static int level(Spte e) {
        return e.eContainer() instanceof HostTablePage p ? p.getLevel() : -1;
    }

    public static int level(GuestEntry e) {
        return e.eContainer() instanceof GuestTablePage p ? p.getLevel() : -1;
    }

    /** The first gfn an SPTE covers: its page's base gfn plus index times the pages per entry. */
    public static long gfn(Spte e) {
        if (e.eContainer() instanceof HostTablePage p) {
            return p.getBaseGfn() + e.getIndex() * SpteBits.pagesPerLevel(p.getLevel());
        }
        return -1;
    }

    /** The root an event names, looked up in the final snapshot of the run that contains the event. */
    public static Root root(TraceEvent e) {
        String name = e.getRootName();
        if (name == null) {
            return null;
        }
        EObject c = e.eContainer();
        if (c instanceof Run run && run.getFinalSnapshot() != null) {
            return rootNamed(run.getFinalSnapshot(), name);
        }
        return null;
    }

    public static Root rootNamed(Machine m, String name) {
        for (Root r : m.getRoots()) {
            if (name.equals(r.getName())) {
                return r;
            }
        }
        return null;
    }
}
