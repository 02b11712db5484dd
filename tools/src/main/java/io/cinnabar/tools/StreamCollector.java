package io.cinnabar.tools;

import io.cinnabar.rdb.StreamGroupData;
import io.cinnabar.rdb.StreamId;
import io.cinnabar.rdb.StreamMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Gathers one stream as the reader hands it over — listpacks kept as they are, metadata completed for the
 * version 10/11 stream types (a version 9 stream has no first id, max deleted id or entries-added: first id is
 * the first live entry's, max deleted 0-0, entries-added the length, as Redis assumes on load), groups with
 * their PELs and consumers — so that it can be written again by {@code RdbWriter.stream} or as a DUMP payload.
 * Memory: the stream's listpacks and groups, i.e. one value.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class StreamCollector {
    final List<byte[][]> listpacks = new ArrayList<>();
    final List<StreamGroupData> groups = new ArrayList<>();
    StreamMetadata meta;
    private StreamId firstEntry;
    private boolean decodeNext = true;
    private List<StreamGroupData.Pending> pending;
    private List<StreamGroupData.Consumer> consumers;
    private List<StreamId> consumerPel;
    private byte[] groupName;
    private StreamId groupLast;
    private long groupRead;

    void reset() {
        listpacks.clear();
        groups.clear();
        meta = null;
        firstEntry = null;
        decodeNext = true;
        groupName = null;
    }

    /** Keeps the listpack; returns whether the reader may skip decoding it (once the first entry id is known). */
    boolean listpack(byte[] masterId, byte[] listpack) {
        listpacks.add(new byte[][] {masterId, listpack});
        return !decodeNext;
    }

    void entry(StreamId id) {
        if (firstEntry == null) {
            firstEntry = id;
        }
        decodeNext = false;
    }

    void metadata(StreamMetadata m) {
        StreamId first = m.firstId() != null ? m.firstId() : firstEntry == null ? StreamId.ZERO : firstEntry;
        meta = new StreamMetadata(m.length(), m.lastId(), first, m.maxDeletedId() == null ? StreamId.ZERO : m.maxDeletedId(),
            m.entriesAdded() < 0 ? m.length() : m.entriesAdded(), m.groups());
    }

    void group(byte[] name, StreamId lastDelivered, long entriesRead) {
        closeGroup();
        groupName = name;
        groupLast = lastDelivered;
        groupRead = entriesRead;
        pending = new ArrayList<>();
        consumers = new ArrayList<>();
    }

    void pending(StreamId id, long deliveryTimeMs, long deliveryCount) {
        pending.add(new StreamGroupData.Pending(id, deliveryTimeMs, deliveryCount));
    }

    void consumer(byte[] name, long seenTimeMs, long activeTimeMs) {
        consumerPel = new ArrayList<>();
        consumers.add(new StreamGroupData.Consumer(name, seenTimeMs, activeTimeMs, consumerPel));
    }

    void consumerPending(StreamId id) {
        consumerPel.add(id);
    }

    /** Ends the last group; call at the end of the key. */
    void finish() {
        closeGroup();
    }

    private void closeGroup() {
        if (groupName != null) {
            groups.add(new StreamGroupData(groupName, groupLast, groupRead, pending, consumers));
            groupName = null;
        }
    }
}
