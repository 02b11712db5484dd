package io.cinnabar.resp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link ReplyVisitor} that builds {@link RespValue} trees. After {@link ReplyDecoder#complete()} is true,
 * {@link #take()} returns the reply. Lists grow with the elements actually received (their initial capacity
 * is capped), so a hostile declared length allocates nothing by itself.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class ReplyTreeBuilder implements ReplyVisitor {
    private static final int MAX_PRESIZE = 64;

    /** Open containers: an aggregate, an attribute, or a streamed string. */
    private static final class Open {
        final int kind; // 0..3 Kind ordinal, 4 attribute, 5 streamed string
        final List<RespValue> items;
        byte[] bytes;
        int length;

        Open(int kind, long count) {
            this.kind = kind;
            this.items = kind == 5 ? null : new ArrayList<>((int) Math.min(Math.max(count, 0), MAX_PRESIZE));
            if (kind == 5) {
                bytes = new byte[16];
            }
        }
    }

    private final ArrayList<Open> stack = new ArrayList<>();
    /** Attributes waiting for the value they describe, per nesting level (top level included). */
    private final ArrayList<List<RespValue>> pendingAttributes = new ArrayList<>();
    private RespValue result;

    /** @return the last complete top-level reply, and forgets it */
    public RespValue take() {
        RespValue r = result;
        result = null;
        return r;
    }

    private void add(RespValue v) {
        int level = stack.size();
        if (pendingAttributes.size() > level && pendingAttributes.get(level) != null) {
            v = new RespValue.Attributed(pendingAttributes.get(level), v);
            pendingAttributes.set(level, null);
        }
        if (stack.isEmpty()) {
            result = v;
        } else {
            stack.get(stack.size() - 1).items.add(v);
        }
    }

    private static byte[] copy(byte[] buf, int off, int len) {
        return Arrays.copyOfRange(buf, off, off + len);
    }

    @Override
    public void simpleString(byte[] buf, int off, int len) {
        add(new RespValue.SimpleString(copy(buf, off, len)));
    }

    @Override
    public void error(byte[] buf, int off, int len) {
        add(new RespValue.SimpleError(copy(buf, off, len)));
    }

    @Override
    public void integer(long value) {
        add(new RespValue.Int(value));
    }

    @Override
    public void bulkString(byte[] buf, int off, int len) {
        add(new RespValue.BulkString(copy(buf, off, len)));
    }

    @Override
    public void nullBulk() {
        add(new RespValue.Null(RespValue.NullKind.BULK));
    }

    @Override
    public void nullArray() {
        add(new RespValue.Null(RespValue.NullKind.ARRAY));
    }

    @Override
    public void nil() {
        add(new RespValue.Null(RespValue.NullKind.RESP3));
    }

    @Override
    public void doubleValue(double value) {
        add(new RespValue.Dbl(value));
    }

    @Override
    public void bool(boolean value) {
        add(new RespValue.Bool(value));
    }

    @Override
    public void blobError(byte[] buf, int off, int len) {
        add(new RespValue.BlobError(copy(buf, off, len)));
    }

    @Override
    public void verbatim(byte[] buf, int formatOff, int off, int len) {
        add(new RespValue.Verbatim(new String(buf, formatOff, 3, java.nio.charset.StandardCharsets.ISO_8859_1),
            copy(buf, off, len)));
    }

    @Override
    public void bigNumber(byte[] buf, int off, int len) {
        add(new RespValue.BigNumber(new String(buf, off, len, java.nio.charset.StandardCharsets.ISO_8859_1)));
    }

    @Override
    public void beginArray(long count) {
        stack.add(new Open(RespValue.Kind.ARRAY.ordinal(), count));
    }

    @Override
    public void beginMap(long count) {
        stack.add(new Open(RespValue.Kind.MAP.ordinal(), count * 2));
    }

    @Override
    public void beginSet(long count) {
        stack.add(new Open(RespValue.Kind.SET.ordinal(), count));
    }

    @Override
    public void beginPush(long count) {
        stack.add(new Open(RespValue.Kind.PUSH.ordinal(), count));
    }

    @Override
    public void beginAttribute(long count) {
        stack.add(new Open(4, count * 2));
    }

    @Override
    public void end() {
        Open o = stack.remove(stack.size() - 1);
        if (o.kind == 4) {
            int level = stack.size();
            while (pendingAttributes.size() <= level) {
                pendingAttributes.add(null);
            }
            pendingAttributes.set(level, List.copyOf(o.items));
            return;
        }
        // an aggregate that closes drops attributes left dangling inside it
        if (pendingAttributes.size() > stack.size() + 1) {
            pendingAttributes.set(stack.size() + 1, null);
        }
        add(new RespValue.Aggregate(RespValue.Kind.values()[o.kind], o.items));
    }

    @Override
    public void beginStreamedString() {
        stack.add(new Open(5, 0));
    }

    @Override
    public void streamedStringChunk(byte[] buf, int off, int len) {
        Open o = stack.get(stack.size() - 1);
        if (o.length + len > o.bytes.length) {
            o.bytes = Arrays.copyOf(o.bytes, Math.max(o.bytes.length * 2, o.length + len));
        }
        System.arraycopy(buf, off, o.bytes, o.length, len);
        o.length += len;
    }

    @Override
    public void endStreamedString() {
        Open o = stack.remove(stack.size() - 1);
        add(new RespValue.BulkString(Arrays.copyOf(o.bytes, o.length)));
    }
}
