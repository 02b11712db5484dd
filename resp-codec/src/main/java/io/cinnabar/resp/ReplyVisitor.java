package io.cinnabar.resp;

/**
 * Receives the elements of replies from a {@link ReplyDecoder}, depth first, as they complete. Slices
 * ({@code buf, off, len}) point into the decoder's input and are valid only during the call.
 * Every {@code begin*} is matched by one {@link #end()} after its elements (at once for an empty aggregate);
 * streamed aggregates ({@code *?}) arrive as {@code begin*(-1)} and end at their {@code .} terminator.
 *
 * <p>An attribute ({@code |n}) arrives as {@link #beginAttribute}, 2n elements, {@link #end()}, and then the
 * value it describes, which is the element that counts in the enclosing aggregate (or the top-level reply).
 */
public interface ReplyVisitor {
    void simpleString(byte[] buf, int off, int len);

    /** An error; the slice excludes the {@code -}. */
    void error(byte[] buf, int off, int len);

    void integer(long value);

    void bulkString(byte[] buf, int off, int len);

    /** RESP2 {@code $-1}. */
    void nullBulk();

    /** RESP2 {@code *-1}. */
    void nullArray();

    /** RESP3 {@code _}. */
    void nil();

    void doubleValue(double value);

    void bool(boolean value);

    void blobError(byte[] buf, int off, int len);

    /** A verbatim string: 3 format bytes at {@code formatOff} ({@code txt}), then the text slice. */
    void verbatim(byte[] buf, int formatOff, int off, int len);

    /** A big number: the digits as sent (optional {@code -}, then digits). */
    void bigNumber(byte[] buf, int off, int len);

    /** @param count elements, or -1 for a streamed array */
    void beginArray(long count);

    /** @param count entries (2 x count elements follow), or -1 for a streamed map */
    void beginMap(long count);

    /** @param count elements, or -1 for a streamed set */
    void beginSet(long count);

    void beginPush(long count);

    /** @param count entries (2 x count elements follow) */
    void beginAttribute(long count);

    /** Ends the innermost open aggregate or attribute. */
    void end();

    /** {@code $?}: chunks follow. */
    void beginStreamedString();

    void streamedStringChunk(byte[] buf, int off, int len);

    /** {@code ;0}: the streamed string is complete. */
    void endStreamedString();
}
