package io.cinnabar.server.internal.command;

import io.cinnabar.server.internal.keyspace.RedisSizes;

/**
 * Where Redis would hold a client's pending replies: its static reply buffer ({@code c->buf}, {@code bufpos}) and its
 * reply list ({@code c->reply}, {@code reply_bytes}). Our replies stay in one array (the client's encoder); this
 * model follows its bytes so that the output-buffer limits, CLIENT LIST obl/oll/omem and INFO's
 * client_recent_max_output_buffer count what Redis's {@code getClientOutputBufferMemoryUsage} counts: the list only.
 * <pre>
 *   append(len):  while the list is empty, bytes fill the static buffer (its size is CLIENT LIST rbs) first;
 *                 the rest goes to the list: into the tail block's free room, then into one new block of
 *                 max(rest, 16 KB) bytes, sized up to jemalloc's class (its usable size counts in reply_bytes)
 *   omem        = reply_bytes + 40 per list node (sizeof(listNode) + sizeof(clientReplyBlock))
 *   deferred:     addReplyDeferredLen appends an empty node (a placeholder, counted in oll) after trimming the tail
 *                 block, so what follows goes to the list even when the static buffer has room; setting the length
 *                 puts it in the previous block's room, else before the next block's bytes (room enough, and that
 *                 block under 64 KB), else in a node of its own
 *   write(n):     the static buffer first (emptied once all of it is written), then the blocks in order, each freed
 *                 once written
 * </pre>
 * Bytes appended between two looks are fed as one append ({@link Client#outputMemory} looks after each command, at
 * each reply-buffer growth and before each write), so a run of small replies that overflows the static buffer makes
 * one block where Redis makes one per 16 KB: the same limits decision for limits below 16 KB, omem differing by
 * the last block's rounding. All operations are O(1) but {@link #closeDeferred} (O(blocks after the placeholder)).
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class ReplyBlocks {
    /** sizeof(listNode) + sizeof(clientReplyBlock): what Redis adds per list node to reply_bytes in omem. */
    static final long NODE_OVERHEAD = 40;
    /** sizeof(clientReplyBlock): the header of a block's allocation. */
    private static final long HEADER = 16;
    private static final long CHUNK = Client.REPLY_CHUNK_BYTES;

    /** Bytes in the static buffer (Redis's bufpos) and how many of them are written (sentlen). */
    int bufUsed;
    private int bufSent;
    /** The list, a ring of blocks: usable size (-1 for a placeholder) and bytes used. */
    private long[] size = new long[8];
    private long[] used = new long[8];
    private int head;
    /** Blocks in the list, placeholders included (CLIENT LIST oll). */
    int count;
    /** The sequence number of the block at head (a placeholder is named by its sequence number). */
    private long headSeq;
    private long headSent;
    /** Sum of the blocks' usable sizes (Redis's reply_bytes). */
    private long replyBytes;
    /** Bytes appended and not yet written. */
    long pending;

    /** Redis's reply_bytes: the blocks' usable sizes (0 when the list is empty or holds placeholders only). */
    long replyBytes() {
        return replyBytes;
    }

    /** Omem: the list's bytes and its nodes, not the static buffer. */
    long memory() {
        return replyBytes + NODE_OVERHEAD * count;
    }

    void reset() {
        bufUsed = 0;
        bufSent = 0;
        head = 0;
        count = 0;
        headSent = 0;
        replyBytes = 0;
        pending = 0;
    }

    private int at(int i) {
        return (head + i) & (size.length - 1);
    }

    /** Appends len bytes of replies; bufCap is the static buffer's size (CLIENT LIST rbs). */
    void append(long len, int bufCap) {
        pending += len;
        if (count == 0 && bufUsed < bufCap) {
            long take = Math.min(len, bufCap - bufUsed);
            bufUsed += (int) take;
            len -= take;
        }
        if (len == 0) {
            return;
        }
        if (count > 0) {
            int t = at(count - 1);
            if (size[t] > used[t]) {
                long copy = Math.min(len, size[t] - used[t]);
                used[t] += copy;
                len -= copy;
            }
        }
        if (len > 0) {
            push(usable(Math.max(len, CHUNK)), len);
        }
    }

    private static long usable(long bytes) {
        return RedisSizes.mallocSize(bytes + HEADER) - HEADER;
    }

    private void push(long blockSize, long blockUsed) {
        if (count == size.length) {
            long[] s = new long[count * 2];
            long[] u = new long[count * 2];
            for (int i = 0; i < count; i++) {
                s[i] = size[at(i)];
                u[i] = used[at(i)];
            }
            size = s;
            used = u;
            head = 0;
        }
        int t = at(count++);
        size[t] = blockSize;
        used[t] = blockUsed;
        if (blockSize > 0) {
            replyBytes += blockSize;
        }
    }

    /** Redis's addReplyDeferredLen: trims the tail block, adds a placeholder; returns its sequence number. */
    long openDeferred() {
        if (count > 0) {
            int t = at(count - 1);
            if (size[t] > 0 && size[t] - used[t] > size[t] / 4 && used[t] < CHUNK) {
                long trimmed = usable(used[t]);
                replyBytes += trimmed - size[t];
                size[t] = trimmed;
            }
        }
        push(-1, 0);
        return headSeq + count - 1;
    }

    /** Redis's setDeferredReply: the header of hlen bytes replaces the placeholder seq. */
    void closeDeferred(long seq, long hlen) {
        pending += hlen;
        int i = (int) (seq - headSeq);
        if (i < 0 || i >= count || size[at(i)] != -1) {
            return; // not modelled (the encoder was cleared meanwhile)
        }
        if (i > 0) {
            int p = at(i - 1);
            if (size[p] > used[p]) {
                long copy = Math.min(hlen, size[p] - used[p]);
                used[p] += copy;
                hlen -= copy;
                if (hlen == 0) {
                    remove(i);
                    return;
                }
            }
        }
        if (i + 1 < count) {
            int n = at(i + 1);
            if (size[n] > 0 && size[n] - used[n] >= hlen && used[n] < CHUNK * 4) {
                used[n] += hlen;
                remove(i);
                return;
            }
        }
        long s = usable(hlen);
        size[at(i)] = s;
        used[at(i)] = hlen;
        replyBytes += s;
    }

    private void remove(int i) {
        for (int j = i; j < count - 1; j++) {
            size[at(j)] = size[at(j + 1)];
            used[at(j)] = used[at(j + 1)];
        }
        count--;
    }

    /** n bytes were written to the socket: the static buffer's first, then the blocks'. */
    void consume(long n) {
        pending -= n;
        if (bufUsed > 0) {
            long take = Math.min(n, bufUsed - bufSent);
            bufSent += (int) take;
            n -= take;
            if (bufSent == bufUsed) {
                bufUsed = 0;
                bufSent = 0;
            }
        }
        while (n > 0 && count > 0) {
            int h = at(0);
            long take = Math.min(n, used[h] - headSent);
            headSent += take;
            n -= take;
            if (headSent == used[h]) {
                if (size[h] > 0) {
                    replyBytes -= size[h];
                }
                head = at(1);
                count--;
                headSeq++;
                headSent = 0;
            }
        }
    }
}
