package io.cinnabar.rdb;

/**
 * Receives an RDB file as {@link RdbReader} walks it, in file order. Every method has an empty default so a
 * visitor implements only what it needs. Collections arrive one element per call, so memory stays bounded by the
 * largest single element whatever the collection size.
 *
 * <p>Order for a key: {@link #beginKey}, then the value callbacks of its family, then {@link #endKey}. Strings:
 * {@link #string}. Lists: {@link #listElement} head to tail. Sets: {@link #setMember}. Sorted sets:
 * {@link #zsetEntry} (file order: ascending for ziplist/listpack, as saved for skiplists). Hashes:
 * {@link #hashEntry}. Streams: {@link #streamEntry} for every live entry in id order, {@link #streamMetadata}, then
 * per group {@link #streamGroup}, its {@link #streamPending} entries, its {@link #streamConsumer}s each followed by
 * its {@link #streamConsumerPending} ids. Before an encoded blob is decoded, {@link #blob} may adopt it whole.
 */
public interface RdbVisitor {
    /** The file header has been read. */
    default void start(int version) {
    }

    default void aux(byte[] key, byte[] value) {
    }

    /** A MODULE_AUX record; its data has been walked and skipped. */
    default void moduleAux(long moduleId, String moduleName, long when) {
    }

    /** A function library (FUNCTION2 opcode): its source code. */
    default void function(byte[] code) {
    }

    default void selectDb(int db) {
    }

    default void resizeDb(long dbSize, long expiresSize) {
    }

    default void slotInfo(long slot, long size, long expiresSize) {
    }

    default void beginKey(RdbKey key) {
    }

    /**
     * A key whose collection is empty. Redis skips such keys when loading ("empty keys skipped"); the reader
     * reports them here instead of through {@link #beginKey}.
     */
    default void emptyKey(RdbKey key) {
    }

    default void string(byte[] value) {
    }

    default void listElement(byte[] element) {
    }

    default void setMember(byte[] member) {
    }

    default void zsetEntry(byte[] member, double score) {
    }

    /** A hash field; {@code expireAtMs} is the field's own expiry (Redis 7.4 types) or -1. */
    default void hashEntry(byte[] field, byte[] value, long expireAtMs) {
    }

    /**
     * An encoded blob of the current key, before decoding. Return {@code true} to take it as it is: the reader
     * then skips the per-element callbacks for it (it has still validated the blob's structure).
     */
    default boolean blob(RdbBlob kind, byte[] bytes) {
        return false;
    }

    /** One listpack of a stream with its 16-byte master id; return {@code true} to adopt it whole. */
    default boolean streamListpack(byte[] masterId, byte[] listpack) {
        return false;
    }

    /** A live stream entry: field, value, field, value... */
    default void streamEntry(StreamId id, byte[][] fieldsAndValues) {
    }

    default void streamMetadata(StreamMetadata metadata) {
    }

    /** A consumer group; {@code entriesRead} is -1 where the file has none (types 15) or Redis stored SCG_INVALID. */
    default void streamGroup(byte[] name, StreamId lastDelivered, long entriesRead, long pendingCount) {
    }

    default void streamPending(StreamId id, long deliveryTimeMs, long deliveryCount) {
    }

    /** A consumer; {@code activeTimeMs} is -1 before type 21. */
    default void streamConsumer(byte[] name, long seenTimeMs, long activeTimeMs, long pendingCount) {
    }

    default void streamConsumerPending(StreamId id) {
    }

    /** A module value that was skipped (reading with {@link RdbReader#skipModules(boolean)}). */
    default void moduleValue(long moduleId, String moduleName) {
    }

    default void endKey(RdbKey key) {
    }

    /**
     * The EOF opcode and trailer have been read.
     *
     * @param storedChecksum the CRC64 in the file (0 = disabled, or version &lt; 5)
     * @param computedChecksum the CRC64 of the bytes read
     */
    default void end(long storedChecksum, long computedChecksum) {
    }
}
