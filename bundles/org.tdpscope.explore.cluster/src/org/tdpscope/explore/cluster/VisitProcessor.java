/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.explore.cluster;

import java.io.IOException;
import java.util.Map;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * The check-and-insert of one visit, run on the member that owns the state's partition (so it is atomic for that
 * state, whichever members visit it): the rule of {@code VisitedStates.visit}. The record is
 * {@code {depth, yields, sleep, pathOrder}}; the result is null when the visit goes on and the state is new,
 * {@link #REPLACED} (empty) when it goes on over an older record of the state (the record is now this visit's), or
 * the stored record that lets it be skipped (the caller caches it). Telling new states apart lets every member count
 * the distinct states it added, which the coordinator's progress line sums.
 */
final class VisitProcessor implements EntryProcessor<Long, long[], long[]>, IdentifiedDataSerializable {

    static final int FACTORY = 0x7D95;
    static final int ID = 1;

    /** The result of a visit that goes on over an older record of its state (compare by length: it is serialized). */
    static final long[] REPLACED = new long[0];

    private int depth;
    private int yields;
    private long sleep;
    private long order;
    private boolean prune;

    VisitProcessor() {
    }

    VisitProcessor(int depth, int yields, long sleep, long order, boolean prune) {
        this.depth = depth;
        this.yields = yields;
        this.sleep = sleep;
        this.order = order;
        this.prune = prune;
    }

    /** The rule: a visit started before, no deeper, with no more yields, no larger sleep set, at equal depth first. */
    static boolean dominates(long[] r, int depth, int yields, long sleep, long order) {
        return r[1] <= yields && (r[2] & ~sleep) == 0
                && (r[0] < depth || r[0] == depth && Long.compareUnsigned(r[3], order) <= 0);
    }

    @Override
    public long[] process(Map.Entry<Long, long[]> entry) {
        long[] r = entry.getValue();
        if (r != null && prune && dominates(r, depth, yields, sleep, order)) {
            return r;
        }
        entry.setValue(new long[] { depth, yields, sleep, order });
        return r == null ? null : REPLACED;
    }

    @Override
    public int getFactoryId() {
        return FACTORY;
    }

    @Override
    public int getClassId() {
        return ID;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(depth);
        out.writeInt(yields);
        out.writeLong(sleep);
        out.writeLong(order);
        out.writeBoolean(prune);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        depth = in.readInt();
        yields = in.readInt();
        sleep = in.readLong();
        order = in.readLong();
        prune = in.readBoolean();
    }

    /** Registered in every member's configuration (no Java serialization on the hot path). */
    static final class Factory implements DataSerializableFactory {
        @Override
        public IdentifiedDataSerializable create(int typeId) {
            return typeId == ID ? new VisitProcessor() : null;
        }
    }
}
