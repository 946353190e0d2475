/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * A circular doubly linked list with a sentinel head, behaving like the kernel's RCU lists:
 * {@link #delRcu} leaves the removed entry's {@code next} intact so a reader standing on it can
 * still step forward, and moving an entry to another list re-points its {@code next} into that list.
 */
final class RootList {

    final Root head;

    RootList(String label) {
        head = new Root(label);
    }

    /** The copy of {@code list} in a fork (its head's links are fixed up with the roots'). */
    RootList(RootList list, Fork f) {
        head = f.root(list.head);
    }

    void addHead(Root r) {
        insertAfter(head, r);
    }

    void addTail(Root r) {
        insertAfter(head.prev, r);
    }

    private static void insertAfter(Root at, Root r) {
        r.prev = at;
        r.next = at.next;
        at.next.prev = r;
        at.next = r;
    }

    /** {@code list_del_rcu}: unlink; r.next still leads to the old successor. */
    static void delRcu(Root r) {
        r.prev.next = r.next;
        r.next.prev = r.prev;
        r.prev = null;
    }

    /** {@code list_move_tail} to this list. */
    void moveTail(Root r) {
        delRcu(r);
        addTail(r);
    }

    boolean isEmpty() {
        return head.next == head;
    }

    Root first() {
        return head.next == head ? null : head.next;
    }

    /** Entries head to tail (a copy). */
    List<Root> toList() {
        List<Root> out = new ArrayList<>();
        for (Root r = head.next; r != head; r = r.next) {
            out.add(r);
        }
        return out;
    }
}
