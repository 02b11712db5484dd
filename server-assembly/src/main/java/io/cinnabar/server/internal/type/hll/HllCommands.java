package io.cinnabar.server.internal.type.hll;

import io.cinnabar.hll.HllFormatException;
import io.cinnabar.hll.HyperLogLog;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Notify;
import io.cinnabar.server.internal.keyspace.Entry;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST, on string values laid out as
 * {@link HyperLogLog} describes. As in Redis, the commands that may write the value (PFADD, single-key PFCOUNT, which
 * refreshes the cached cardinality, PFDEBUG, and the PFMERGE target) first turn an embstr value into a raw string
 * (dbUnshareStringValue), so OBJECT ENCODING reports raw afterwards.
 * <p>
 * Errors are Redis's: a value of another type gets the usual WRONGTYPE error, a string that is not an HLL
 * "WRONGTYPE Key is not a valid HyperLogLog string value.", and a sparse HLL whose opcodes do not cover 16384
 * registers "INVALIDOBJ Corrupted HLL object detected" (after PFADD has kept the edits made before the bad spot,
 * as Redis does).
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class HllCommands {
    static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    static final String CORRUPTED = "INVALIDOBJ Corrupted HLL object detected";

    private HllCommands() {
    }

    public static void register(CommandTable t) {
        t.impl("pfadd", HllCommands::pfadd);
        t.impl("pfcount", HllCommands::pfcount);
        t.impl("pfmerge", HllCommands::pfmerge);
        t.impl("pfdebug", HllCommands::pfdebug);
        t.impl("pfselftest", HllCommands::pfselftest);
    }

    /** isHLLObjectOrReply: false after an error reply when e is not a string holding an HLL. */
    static boolean checkHll(Client c, Entry e) {
        if (e.type() != Entry.TYPE_STRING) {
            c.error(Shared.WRONGTYPE);
            return false;
        }
        if (e.isInt() || !HyperLogLog.isHll(e.valArray(), e.valOff(), e.strlen())) {
            c.error(NOT_HLL);
            return false;
        }
        return true;
    }

    /** The value of e, made a raw string, as an editable HLL. */
    private static HyperLogLog editable(Client c, Entry e) {
        e.makeRawWithRoom(e.strlen());
        return HyperLogLog.wrap(e.rawArray(), e.strlen()).sparseMaxBytes(c.server.limits.hllSparseMaxBytes);
    }

    /** Stores the (possibly reallocated) HLL back into e. */
    private static void store(Entry e, HyperLogLog h) {
        e.setRaw(h.array(), h.length());
    }

    /** A new key at argument arg holding an empty sparse HLL (createHLLObject + dbAdd). */
    private static Entry create(Client c, int arg) {
        Entry e = c.server.keyspace.add(c.db, c.argBuf, c.argOff[arg], c.argLen[arg]);
        c.server.keyspace.initAccess(e);
        e.setType(Entry.TYPE_STRING);
        HyperLogLog h = new HyperLogLog();
        h.invalidateCache(); // PFADD counts a created key as an update
        store(e, h);
        return e;
    }

    static void pfadd(Client c) {
        Entry e = c.server.lookupWrite(c, 1);
        int updated = 0;
        if (e == null) {
            e = create(c, 1);
            updated++;
        } else if (!checkHll(c, e)) {
            return;
        }
        HyperLogLog h = editable(c, e);
        for (int j = 2; j < c.argc; j++) {
            try {
                updated += h.add(c.argBuf, c.argOff[j], c.argLen[j]) ? 1 : 0;
            } catch (HllFormatException corrupted) {
                store(e, h);
                c.error(CORRUPTED);
                return;
            }
        }
        store(e, h);
        if (updated > 0) {
            c.modified(1, updated);
            c.notify(Notify.STRING, "pfadd", 1);
        }
        c.integer(updated > 0 ? 1 : 0);
    }

    static void pfcount(Client c) {
        if (c.argc > 2) {
            pfcountUnion(c);
            return;
        }
        Entry e = c.server.lookupRead(c, 1);
        if (e == null) {
            c.integer(0);
            return;
        }
        if (!checkHll(c, e)) {
            return;
        }
        HyperLogLog h = editable(c, e);
        if (h.isCacheValid()) {
            c.integer(h.cachedCount());
            return;
        }
        long n;
        try {
            n = h.count();
        } catch (HllFormatException corrupted) {
            c.error(CORRUPTED);
            return;
        }
        c.modified(1, 1); // the cached cardinality was written: Redis counts it as a change
        c.integer(n);
    }

    /** PFCOUNT of several keys: the estimate of their union, without touching any cache. */
    private static void pfcountUnion(Client c) {
        byte[] max = new byte[HyperLogLog.REGISTERS];
        if (mergeSources(c, max) < 0) {
            return;
        }
        c.integer(HyperLogLog.estimateUnion(max));
    }

    /**
     * Merges the HLLs at arguments 1..argc-1 into max (missing keys count as empty). Returns -1 after an error
     * reply, else 1 if one of them is dense, 0 if none.
     */
    private static int mergeSources(Client c, byte[] max) {
        int dense = 0;
        for (int j = 1; j < c.argc; j++) {
            Entry e = c.server.lookupRead(c, j);
            if (e == null) {
                continue;
            }
            if (!checkHll(c, e)) {
                return -1;
            }
            byte[] b = e.valArray();
            int off = e.valOff();
            if (b[off + HyperLogLog.ENCODING_OFFSET] == HyperLogLog.DENSE) {
                dense = 1;
            }
            try {
                HyperLogLog.unionInto(b, off, e.strlen(), max);
            } catch (HllFormatException corrupted) {
                c.error(CORRUPTED);
                return -1;
            }
        }
        return dense;
    }

    static void pfmerge(Client c) {
        byte[] max = new byte[HyperLogLog.REGISTERS];
        int dense = mergeSources(c, max);
        if (dense < 0) {
            return;
        }
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            e = create(c, 1);
        }
        HyperLogLog h = editable(c, e);
        if (dense == 1) {
            try {
                h.toDense();
            } catch (HllFormatException corrupted) {
                c.error(CORRUPTED);
                return;
            }
        }
        h.mergeRegisters(max);
        store(e, h);
        c.modified(1, 1);
        c.notify(Notify.STRING, "pfadd", 1);
        c.ok();
    }

    static void pfdebug(Client c) {
        Entry e = c.server.lookupWrite(c, 2);
        if (e == null) {
            c.error("ERR The specified key does not exist");
            return;
        }
        if (!checkHll(c, e)) {
            return;
        }
        HyperLogLog h = editable(c, e);
        if (c.argIs(1, "getreg")) {
            if (!toDense(c, e, h)) {
                return;
            }
            c.array(HyperLogLog.REGISTERS);
            for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
                c.integer(h.register(j));
            }
        } else if (c.argIs(1, "decode")) {
            if (!h.isSparse()) {
                c.error("ERR HLL encoding is not sparse");
                return;
            }
            c.bulk(h.decodeSparse());
        } else if (c.argIs(1, "encoding")) {
            c.simple(h.isDense() ? "dense" : "sparse");
        } else if (c.argIs(1, "todense")) {
            boolean sparse = h.isSparse();
            if (toDense(c, e, h)) {
                c.integer(sparse ? 1 : 0);
            }
        } else {
            c.error("ERR Unknown PFDEBUG subcommand '" + c.argString(1) + "'");
        }
    }

    /** Converts a sparse value to dense in place (counted as a change); false after an error reply. */
    private static boolean toDense(Client c, Entry e, HyperLogLog h) {
        if (!h.isSparse()) {
            return true;
        }
        try {
            h.toDense();
        } catch (HllFormatException corrupted) {
            c.error(CORRUPTED);
            return false;
        }
        store(e, h);
        c.modified(2, 1);
        return true;
    }

    /**
     * PFSELFTEST, Redis's two checks on this implementation: (1) 1000 rounds of random values written to all dense
     * registers and read back; (2) 10 million distinct 8-byte elements added to a dense and a sparse HLL, checking at
     * 1, 10, 100 ... 10^7 that the sparse one stays sparse while small, that both give the same count, and that the
     * error stays within 6 standard errors (1 at cardinality 10). Takes a few seconds and blocks the server, as in
     * Redis.
     */
    static void pfselftest(Client c) {
        String failure = selfTestRegisters();
        if (failure == null) {
            failure = selfTestCounts(c.server.limits.hllSparseMaxBytes);
        }
        if (failure == null) {
            c.ok();
        } else {
            c.error("ERR " + failure);
        }
    }

    private static String selfTestRegisters() {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        byte[] dense = new byte[HyperLogLog.DENSE_SIZE];
        byte[] expected = new byte[HyperLogLog.REGISTERS];
        for (int round = 0; round < 1000; round++) {
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                int r = rnd.nextInt() & HyperLogLog.REGISTER_MAX;
                expected[i] = (byte) r;
                HyperLogLog.setDenseRegister(dense, 0, i, r);
            }
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                int v = HyperLogLog.denseRegister(dense, 0, i);
                if (v != expected[i]) {
                    return "TESTFAILED Register " + i + " should be " + expected[i] + " but is " + v;
                }
            }
        }
        return null;
    }

    private static String selfTestCounts(long sparseMaxBytes) {
        HyperLogLog dense = new HyperLogLog().sparseMaxBytes(sparseMaxBytes);
        dense.toDense();
        HyperLogLog sparse = new HyperLogLog().sparseMaxBytes(sparseMaxBytes);
        double relerr = 1.04 / Math.sqrt(HyperLogLog.REGISTERS);
        long checkpoint = 1;
        long seed = ThreadLocalRandom.current().nextLong();
        byte[] ele = new byte[8];
        for (long j = 1; j <= 10_000_000; j++) {
            long v = j ^ seed;
            for (int k = 0; k < 8; k++) {
                ele[k] = (byte) (v >>> (8 * k));
            }
            dense.add(ele, 0, 8);
            sparse.add(ele, 0, 8);
            if (j != checkpoint) {
                continue;
            }
            if (j < sparseMaxBytes / 2 && !sparse.isSparse()) {
                return "TESTFAILED sparse encoding not used";
            }
            long card = dense.estimate();
            if (card != sparse.estimate()) {
                return "TESTFAILED dense/sparse disagree";
            }
            long abserr = Math.abs(checkpoint - card);
            long maxerr = j == 10 ? 1 : (long) Math.ceil(relerr * 6 * checkpoint);
            if (abserr > maxerr) {
                return "TESTFAILED Too big error. card:" + checkpoint + " abserr:" + abserr;
            }
            checkpoint *= 10;
        }
        return null;
    }
}
