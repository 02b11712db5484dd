package io.cinnabar.server.internal.type;

import io.cinnabar.listpack.Listpack;
import io.cinnabar.server.internal.keyspace.CompactValue;
import java.nio.ByteBuffer;

/**
 * The off-heap blob of a value whose small encoding is a listpack (list, hash, sorted set; a set adds its intset):
 * while {@link #lp} is set the value is that one listpack, otherwise it is in the type's big encoding and is no
 * blob. Subclasses name their big encoding and drop it when a blob is loaded. All methods are allocation-free
 * (once the listpack's array is large enough); the costs are those of {@link CompactValue}.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public abstract class ListpackBlobValue implements CompactValue {
    /** The listpack encoding, or null while the value is in its big encoding. */
    public Listpack lp;

    /** "a hash", "a list", ...: the value's kind in error texts. */
    protected abstract String kind();

    /** Drops the big encoding (a blob is being loaded over it). */
    protected abstract void dropBigEncoding();

    /** The big encoding's OBJECT ENCODING name. */
    protected abstract String bigEncodingName();

    /** Redis's lazyfreeGetFreeEffort of the big encoding. */
    protected abstract long bigFreeEffort();

    /** Redis's lazyfreeGetFreeEffort: 1 for a listpack, else the big encoding's. */
    @Override
    public long freeEffort() {
        return lp != null ? 1 : bigFreeEffort();
    }

    @Override
    public String encodingName() {
        return lp != null ? "listpack" : bigEncodingName();
    }

    @Override
    public int blobEncoding() {
        return lp != null ? ENC_LISTPACK : -1;
    }

    @Override
    public int blobLength() {
        return lp.bytes();
    }

    @Override
    public void writeBlob(ByteBuffer dst, int index) {
        lp.writeTo(dst, index);
    }

    @Override
    public void loadBlob(int encoding, ByteBuffer src, int index, int len) {
        if (encoding != ENC_LISTPACK) {
            throw new IllegalArgumentException(kind() + " is no blob of encoding " + encoding);
        }
        dropBigEncoding();
        loadListpack(src, index, len);
    }

    @Override
    public void loadEmpty() {
        dropBigEncoding();
        if (lp == null) {
            lp = new Listpack();
        } else {
            lp.clear();
        }
    }

    /** Makes {@link #lp} the listpack at {@code src[index, index+len)}, reusing its array. */
    protected final void loadListpack(ByteBuffer src, int index, int len) {
        if (lp == null) {
            lp = new Listpack(len);
        }
        lp.load(src, index, len);
    }
}
