package io.cinnabar.server.internal.replication;

import io.cinnabar.server.internal.keyspace.RedisSizes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Redis 7's replication buffer ({@code server.repl_buffer_blocks} with {@code server.repl_backlog}): the replication
 * stream is written once, into a list of blocks, and the backlog and every replica read it from there. Nothing is
 * copied per replica.
 * <pre>
 *   blocks:   [B0 full] -> [B1 full] -> [B2 full] -> [B3 tail, used &lt; capacity]
 *   refcount:     1            2            0             1
 *                 ^ backlog    ^ replica a                ^ replica b (caught up)
 *                   (head)     ^ replica c
 * </pre>
 * Each block records the stream offset of its first byte and a sequence number; it counts the readers that start
 * in it (the backlog always starts in the head block, a replica in the block its next unsent byte is in). A reader
 * only ever moves forward; when it leaves a block it moves its count to the next one. The backlog's history
 * ({@code repl_backlog_histlen}) is every byte from the head block on, so it may grow past
 * {@code repl-backlog-size} while a replica still starts in an old block, and PSYNC may continue from anything
 * still held. {@link #trim} drops head blocks only the backlog references, never below {@code repl-backlog-size},
 * at most a given number of blocks per call (Redis's incrementalTrimReplicationBacklog: 64 after an append or a
 * reader leaving a block, 640 before the event loop sleeps), so that freeing gigabytes never stalls the loop.
 * <p>
 * Block sizes and the memory figure follow Redis exactly: a new block is allocated for
 * {@code min(max(len, 16 KiB), max(repl-backlog-size / 16, 16 KiB))} bytes plus its 40-byte header, takes jemalloc's
 * size class of that ({@link RedisSizes#mallocSize}) as its capacity, and counts that class plus a 24-byte list
 * node in {@link #memory()} (INFO {@code mem_total_replication_buffers}). A replica's share
 * ({@link #memory(Cursor)}, CLIENT LIST {@code omem}) is Redis's getClientOutputBufferMemoryUsage: the capacity
 * from its block to the tail plus 64 bytes per block.
 * <p>
 * Cost: an append is a copy of the bytes plus one allocation per new block; a PSYNC seek walks back from the tail
 * (O(blocks between the tail and the offset)); everything else is O(1) except the bounded trim.
 * <p><b>Note:</b> This class is not threadsafe: the event-loop thread owns it.
 */
final class ReplBuffer {
    /** PROTO_REPLY_CHUNK_BYTES: the smallest block. */
    static final int CHUNK = 16 * 1024;
    /** sizeof(replBufBlock): refcount, id, repl_offset, size, used. */
    static final int BLOCK_HEADER = 40;
    /** sizeof(listNode). */
    static final int LIST_NODE = 24;
    /** REPL_BACKLOG_TRIM_BLOCKS_PER_CALL. */
    static final int TRIM_BLOCKS_PER_CALL = 64;
    /** CONFIG_REPL_BACKLOG_MIN_SIZE. */
    static final long MIN_BACKLOG = 16 * 1024;

    /** One block of the stream (Redis's replBufBlock). */
    static final class Block {
        final byte[] buf;
        /** A view of buf for socket writes (position and limit set before each write). */
        final ByteBuffer wrap;
        int used;
        /** Stream offset of buf[0]. */
        final long offset;
        final long id;
        /** The backlog (head block) and the replicas whose next byte is in this block. */
        int refcount;
        /** jemalloc's size class of the allocation (header included). */
        final long alloc;
        Block prev;
        Block next;

        Block(int capacity, long alloc, long offset, long id) {
            this.buf = new byte[capacity];
            this.wrap = ByteBuffer.wrap(buf);
            this.alloc = alloc;
            this.offset = offset;
            this.id = id;
        }
    }

    /** A replica's place in the stream (Redis's ref_repl_buf_node + ref_block_pos); empty until it is fed. */
    static final class Cursor {
        ReplBuffer owner;
        Block block;
        int pos;
    }

    private Block head;
    private Block tail;
    private long nextId;
    private long masterOffset;
    private long histlen;
    private long mem;
    private long backlogSize;
    private int blocks;
    /** Where the last {@link #append} put its first byte (Redis's start_node / start_pos). */
    private Block startBlock;
    private int startPos;

    ReplBuffer(long backlogSize, long masterOffset) {
        this.backlogSize = Math.max(MIN_BACKLOG, backlogSize);
        this.masterOffset = masterOffset;
    }

    long masterOffset() {
        return masterOffset;
    }

    /** repl_backlog_histlen: the bytes from the head block's first one to the newest. */
    long histlen() {
        return histlen;
    }

    /** repl_backlog_first_byte_offset (masterOffset + 1 while empty). */
    long firstByteOffset() {
        return masterOffset - histlen + 1;
    }

    /** repl_buffer_mem: every block's allocation and list node (INFO mem_total_replication_buffers). */
    long memory() {
        return mem;
    }

    long backlogSize() {
        return backlogSize;
    }

    int blocks() {
        return blocks;
    }

    /** CONFIG SET repl-backlog-size: the history shrinks incrementally, never flushed (Redis 7). */
    void setBacklogSize(long size) {
        backlogSize = Math.max(MIN_BACKLOG, size);
        trim(TRIM_BLOCKS_PER_CALL);
    }

    /**
     * Appends stream bytes (Redis's feedReplicationBuffer without the readers): fills the tail, then new blocks.
     * Returns how many blocks were added (0: the tail held it all); {@link #attach} then places new readers at the
     * first byte, and the caller trims.
     */
    int append(byte[] b, int off, int len) {
        startBlock = null;
        int added = 0;
        while (len > 0) {
            if (tail != null && tail.used < tail.buf.length) {
                if (startBlock == null) {
                    startBlock = tail;
                    startPos = tail.used;
                }
                int copy = Math.min(len, tail.buf.length - tail.used);
                System.arraycopy(b, off, tail.buf, tail.used, copy);
                tail.used += copy;
                off += copy;
                len -= copy;
                masterOffset += copy;
                histlen += copy;
                continue;
            }
            long limit = Math.max(backlogSize / 16, CHUNK);
            long size = Math.min(Math.max(len, CHUNK), limit);
            long alloc = RedisSizes.mallocSize(size + BLOCK_HEADER);
            int capacity = (int) Math.min(Integer.MAX_VALUE - 16, alloc - BLOCK_HEADER);
            Block n = new Block(capacity, alloc, masterOffset + 1, nextId++);
            n.prev = tail;
            if (tail != null) {
                tail.next = n;
            }
            tail = n;
            blocks++;
            mem += alloc + LIST_NODE;
            added++;
            if (head == null) {
                head = n;
                n.refcount++; // the backlog's reference
            }
            if (startBlock == null) {
                startBlock = n;
                startPos = 0;
            }
        }
        return added;
    }

    /** A reader fed for the first time starts at the last append's first byte. */
    void attach(Cursor c) {
        if (c.block == null && startBlock != null) {
            c.owner = this;
            c.block = startBlock;
            c.pos = startPos;
            startBlock.refcount++;
        }
    }

    /**
     * Drops head blocks that only the backlog references while the history exceeds repl-backlog-size by more than
     * a block, at most maxBlocks of them (Redis's incrementalTrimReplicationBacklog). Never the last block.
     */
    void trim(int maxBlocks) {
        int trimmed = 0;
        while (histlen > backlogSize && trimmed < maxBlocks) {
            Block fo = head;
            if (fo == null || fo.next == null || fo.refcount != 1 || histlen - fo.used <= backlogSize) {
                break;
            }
            fo.refcount--;
            trimmed++;
            histlen -= fo.used;
            head = fo.next;
            head.prev = null;
            head.refcount++;
            fo.next = null;
            mem -= fo.alloc + LIST_NODE;
            blocks--;
        }
    }

    /** Whether a PSYNC from psyncOffset can continue from what is held. */
    boolean covers(long psyncOffset) {
        return psyncOffset >= firstByteOffset() && psyncOffset <= firstByteOffset() + histlen;
    }

    /**
     * Places c at stream offset psyncOffset ({@link #covers} must hold): Redis's addReplyReplicationBacklog, which
     * references the held blocks instead of copying them. Returns the bytes the replica will receive.
     */
    long seek(Cursor c, long psyncOffset) {
        long n = masterOffset + 1 - psyncOffset;
        if (histlen == 0) {
            return 0; // nothing held: the next append places it
        }
        Block b = tail;
        while (b.prev != null && b.offset > psyncOffset) {
            b = b.prev;
        }
        c.owner = this;
        c.block = b;
        c.pos = (int) (psyncOffset - b.offset);
        b.refcount++;
        return n;
    }

    /** A new replica shares another's place (Redis's copyReplicaOutputBuffer, attaching to a running BGSAVE). */
    void copy(Cursor from, Cursor to) {
        if (from.owner == this && from.block != null && to.block == null) {
            to.owner = this;
            to.block = from.block;
            to.pos = from.pos;
            to.block.refcount++;
        }
    }

    /** The reader is gone (Redis's freeReplicaReferencedReplBuffer): its block may be trimmed now. */
    void release(Cursor c) {
        if (c.owner == this && c.block != null) {
            c.block.refcount--;
            trim(TRIM_BLOCKS_PER_CALL);
        }
        c.owner = null;
        c.block = null;
        c.pos = 0;
    }

    /** Bytes c has not written yet. */
    long pending(Cursor c) {
        if (c.owner != this || c.block == null) {
            return 0;
        }
        return tail.offset + tail.used - (c.block.offset + c.pos);
    }

    /** c's share as Redis's getClientOutputBufferMemoryUsage counts it (CLIENT LIST omem of a replica). */
    long memory(Cursor c) {
        if (c.owner != this || c.block == null) {
            return 0;
        }
        return tail.offset + tail.buf.length - c.block.offset + (long) (BLOCK_HEADER + LIST_NODE) * (tail.id
            - c.block.id + 1);
    }

    /** Blocks from c's to the tail (CLIENT LIST oll of a replica). */
    long blocks(Cursor c) {
        return c.owner != this || c.block == null ? 0 : tail.id - c.block.id + 1;
    }

    /**
     * Writes c's unsent bytes to ch until the socket takes no more (Redis's writeToReplica), moving c from block to
     * block; returns the bytes written.
     */
    long write(Cursor c, WritableByteChannel ch) throws IOException {
        if (c.owner != this) {
            return 0;
        }
        long total = 0;
        boolean moved = false;
        while (c.block != null) {
            Block b = c.block;
            if (c.pos == b.used) {
                if (b.next == null) {
                    break;
                }
                b.refcount--;
                c.block = b.next;
                c.block.refcount++;
                c.pos = 0;
                moved = true;
                continue;
            }
            ByteBuffer w = b.wrap;
            w.limit(b.used).position(c.pos);
            int n = ch.write(w);
            if (n <= 0) {
                break;
            }
            c.pos += n;
            total += n;
        }
        if (moved) {
            trim(TRIM_BLOCKS_PER_CALL);
        }
        return total;
    }

    /** The newest n bytes held (fewer if the history is shorter): the log's "Latest backlog". */
    byte[] latest(int n) {
        n = (int) Math.min(n, histlen);
        byte[] out = new byte[n];
        int left = n;
        for (Block b = tail; b != null && left > 0; b = b.prev) {
            int take = Math.min(left, b.used);
            System.arraycopy(b.buf, b.used - take, out, left - take, take);
            left -= take;
        }
        return out;
    }
}
