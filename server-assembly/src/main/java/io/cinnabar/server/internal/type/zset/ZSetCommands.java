package io.cinnabar.server.internal.type.zset;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Rewrites;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Notify;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.config.TypeLimits;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.type.MpopArgs;
import io.cinnabar.server.internal.type.ScanOptions;
import io.cinnabar.server.internal.type.TypeCommands;
import io.cinnabar.server.internal.type.set.SetValue;

import io.cinnabar.dict.DictEntry;
import io.cinnabar.sds.Numbers;
import io.cinnabar.skiplist.LexRange;
import io.cinnabar.skiplist.ScoreRange;
import io.cinnabar.skiplist.ZSkipList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sorted set commands over {@link ZSetValue}, with Redis 7.2's replies, error texts and encodings.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class ZSetCommands {
    private ZSetCommands() {
    }

    public static final String NOT_FLOAT = "ERR value is not a valid float";
    private static final int RANK = 0;
    private static final int SCORE = 1;
    private static final int LEX = 2;
    private static final int AUTO = -1;

    public static void register(CommandTable t) {
        t.impl("zadd", ZSetCommands::zadd);
        t.impl("zincrby", ZSetCommands::zincrby);
        t.impl("zscore", c -> {
            Entry zKey = c.server.lookupRead(c, 1);
            if (TypeCommands.wrongType(c, zKey, Entry.TYPE_ZSET)) {
                return;
            }
            ZSetValue z = zKey == null ? null : (ZSetValue) zKey.value();
            double s = z == null ? Double.NaN : z.score(c.argBuf, c.argOff[2], c.argLen[2]);
            if (Double.isNaN(s)) {
                c.nullBulk();
            } else {
                c.dbl(s);
            }
        });
        t.impl("zmscore", c -> {
            Entry zKey = c.server.lookupRead(c, 1);
            if (TypeCommands.wrongType(c, zKey, Entry.TYPE_ZSET)) {
                return;
            }
            ZSetValue z = zKey == null ? null : (ZSetValue) zKey.value();
            c.array(c.argc - 2);
            for (int i = 2; i < c.argc; i++) {
                double s = z == null ? Double.NaN : z.score(c.argBuf, c.argOff[i], c.argLen[i]);
                if (Double.isNaN(s)) {
                    c.nullBulk();
                } else {
                    c.dbl(s);
                }
            }
        });
        t.impl("zcard", c -> {
            Entry zKey = c.server.lookupRead(c, 1);
            if (!TypeCommands.wrongType(c, zKey, Entry.TYPE_ZSET)) {
                ZSetValue z = zKey == null ? null : (ZSetValue) zKey.value();
                c.integer(z == null ? 0 : z.size());
            }
        });
        t.impl("zcount", c -> count(c, false));
        t.impl("zlexcount", c -> count(c, true));
        t.impl("zrange", c -> zrange(c, 1, -1, AUTO, false));
        t.impl("zrangestore", c -> zrange(c, 2, 1, AUTO, false));
        t.impl("zrevrange", c -> zrange(c, 1, -1, RANK, true));
        t.impl("zrangebyscore", c -> zrange(c, 1, -1, SCORE, false));
        t.impl("zrevrangebyscore", c -> zrange(c, 1, -1, SCORE, true));
        t.impl("zrangebylex", c -> zrange(c, 1, -1, LEX, false));
        t.impl("zrevrangebylex", c -> zrange(c, 1, -1, LEX, true));
        t.impl("zrank", c -> zrank(c, false));
        t.impl("zrevrank", c -> zrank(c, true));
        t.impl("zrem", c -> TypeCommands.removeMembers(c, Entry.TYPE_ZSET));
        t.impl("zremrangebyscore", c -> zremrange(c, SCORE));
        t.impl("zremrangebyrank", c -> zremrange(c, RANK));
        t.impl("zremrangebylex", c -> zremrange(c, LEX));
        t.impl("zpopmin", c -> zpopCommand(c, false));
        t.impl("zpopmax", c -> zpopCommand(c, true));
        t.impl("zmpop", ZSetCommands::zmpop);
        t.impl("zrandmember", ZSetCommands::zrandmember);
        t.impl("zscan", ZSetCommands::zscan);
        t.impl("zunion", c -> setOp(c, 1, -1, 0));
        t.impl("zunionstore", c -> setOp(c, 2, 1, 0));
        t.impl("zinter", c -> setOp(c, 1, -1, 1));
        t.impl("zinterstore", c -> setOp(c, 2, 1, 1));
        t.impl("zdiff", c -> setOp(c, 1, -1, 2));
        t.impl("zdiffstore", c -> setOp(c, 2, 1, 2));
        t.impl("zintercard", ZSetCommands::zintercard);
    }

    /** Redis's getDoubleFromObject: NaN when the argument is not a valid float. */
    public static double argDouble(Client c, int i) {
        int len = c.argLen[i];
        if (len == 0 || c.argBuf[c.argOff[i]] == ' ' || c.argBuf[c.argOff[i]] == '\t') {
            return Double.NaN;
        }
        return Numbers.parseDouble(c.argBuf, c.argOff[i], len);
    }

    // ------------------------------------------------------------------ ZADD / ZINCRBY

    static final int NX = 1;
    static final int XX = 2;
    static final int GT = 4;
    static final int LT = 8;
    static final int CH = 16;
    static final int INCR = 32;

    public static void zadd(Client c) {
        int flags = 0;
        int j = 2;
        for (; j < c.argc; j++) {
            if (c.argIs(j, "nx")) {
                flags |= NX;
            } else if (c.argIs(j, "xx")) {
                flags |= XX;
            } else if (c.argIs(j, "ch")) {
                flags |= CH;
            } else if (c.argIs(j, "incr")) {
                flags |= INCR;
            } else if (c.argIs(j, "gt")) {
                flags |= GT;
            } else if (c.argIs(j, "lt")) {
                flags |= LT;
            } else {
                break;
            }
        }
        int elements = c.argc - j;
        if (elements % 2 != 0 || elements == 0) {
            c.error(Shared.SYNTAX);
            return;
        }
        elements /= 2;
        if ((flags & NX) != 0 && (flags & XX) != 0) {
            c.error("ERR XX and NX options at the same time are not compatible");
            return;
        }
        if (Integer.bitCount(flags & (NX | GT | LT)) > 1) {
            c.error("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if ((flags & INCR) != 0 && elements > 1) {
            c.error("ERR INCR option supports a single increment-element pair");
            return;
        }
        double[] scores = c.ctx.scores(elements); // reused: ZADD allocates nothing for its scores
        long maxLen = 0;
        for (int i = 0; i < elements; i++) {
            scores[i] = argDouble(c, j + 2 * i);
            if (Double.isNaN(scores[i])) {
                c.error(NOT_FLOAT);
                return;
            }
            maxLen = Math.max(maxLen, c.argLen[j + 2 * i + 1]);
        }
        addGeneric(c, flags, j, scores, elements, maxLen);
    }

    static void zincrby(Client c) {
        double s = argDouble(c, 2);
        if (Double.isNaN(s)) {
            c.error(NOT_FLOAT);
            return;
        }
        double[] scores = c.ctx.scores(1);
        scores[0] = s;
        addGeneric(c, INCR, 2, scores, 1, c.argLen[3]);
    }

    private static void addGeneric(Client c, int flags, int first, double[] scores, int n, long maxLen) {
        Entry e = c.server.lookupWrite(c, 1);
        TypeLimits lim = c.server.limits;
        boolean incr = (flags & INCR) != 0;
        if (e != null && e.type() != Entry.TYPE_ZSET) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        if (e == null) {
            if ((flags & XX) != 0) {
                if (incr) {
                    c.nullBulk();
                } else {
                    c.integer(0);
                }
                return;
            }
            if (ZSetValue.startsAsListpack(n, maxLen, lim)) {
                e = c.server.keyspace.addEmpty(c.db, c.argBuf, c.argOff[1], c.argLen[1], Entry.TYPE_ZSET,
                    ZSetValue::emptyListpack);
            } else {
                e = c.server.keyspace.addValue(c.db, c.argBuf, c.argOff[1], c.argLen[1], Entry.TYPE_ZSET,
                    ZSetValue.create(n, maxLen, lim));
            }
        } else {
            ((ZSetValue) e.value()).maybeConvert(n, lim);
        }
        ZSetValue z = (ZSetValue) e.value();
        long added = 0;
        long updated = 0;
        long processed = 0;
        double result = 0;
        for (int i = 0; i < n; i++) {
            int m = first + 2 * i + 1;
            double score = scores[i];
            double cur = z.score(c.argBuf, c.argOff[m], c.argLen[m]);
            if (!Double.isNaN(cur)) {
                if ((flags & NX) != 0) {
                    continue;
                }
                if (incr) {
                    score += cur;
                    if (Double.isNaN(score)) {
                        c.error("ERR resulting score is not a number (NaN)");
                        dropIfEmpty(c, e);
                        return;
                    }
                }
                if ((flags & LT) != 0 && score >= cur || (flags & GT) != 0 && score <= cur) {
                    continue;
                }
                result = score;
                processed++;
                if (score != cur) {
                    z.put(c.argBuf, c.argOff[m], c.argLen[m], score, cur, lim);
                    updated++;
                }
            } else if ((flags & XX) == 0) {
                z.put(c.argBuf, c.argOff[m], c.argLen[m], score, Double.NaN, lim);
                result = score;
                added++;
                processed++;
            }
        }
        dropIfEmpty(c, e);
        if (added + updated != 0) {
            c.modified(1, added + updated);
            c.notify(Notify.ZSET, incr ? "zincr" : "zadd", 1);
        }
        if (incr) {
            if (processed > 0) {
                c.dbl(result);
            } else {
                c.nullBulk();
            }
        } else {
            c.integer((flags & CH) != 0 ? added + updated : added);
        }
    }

    private static void dropIfEmpty(Client c, Entry e) {
        if (((ZSetValue) e.value()).size() == 0) {
            c.server.keyspace.delete(c.db, e);
        }
    }

    // ------------------------------------------------------------------ counts, ranks

    static void count(Client c, boolean lex) {
        ScoreRange sr = null;
        LexRange lr = null;
        if (lex) {
            lr = parseLex(c, 2, 3);
            if (lr == null) {
                return;
            }
        } else {
            sr = parseScore(c, 2, 3);
            if (sr == null) {
                return;
            }
        }
        Entry zKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, zKey, Entry.TYPE_ZSET)) {
            return;
        }
        ZSetValue z = zKey == null ? null : (ZSetValue) zKey.value();
        if (z == null) {
            c.integer(0);
            return;
        }
        if (lex) {
            c.integer(z.lexCount(lr));
            return;
        }
        long[] r = z.scoreRanks(sr);
        c.integer(r == null ? 0 : r[1] - r[0] + 1);
    }

    static ScoreRange parseScore(Client c, int a, int b) {
        ScoreRange r = ScoreRange.parse(c.arg(a), c.arg(b));
        if (r == null) {
            c.error(ScoreRange.ERR_NOT_FLOAT);
        }
        return r;
    }

    static LexRange parseLex(Client c, int a, int b) {
        LexRange r = null;
        try {
            r = LexRange.parse(c.arg(a), c.arg(b));
        } catch (IllegalArgumentException ex) {
            r = null;
        }
        if (r == null) {
            c.error(LexRange.ERR_NOT_VALID);
        }
        return r;
    }

    static void zrank(Client c, boolean rev) {
        boolean withScore = false;
        if (c.argc > 4) {
            c.error(Shared.SYNTAX);
            return;
        }
        if (c.argc == 4) {
            if (!c.argIs(3, "withscore")) {
                c.error(Shared.SYNTAX);
                return;
            }
            withScore = true;
        }
        Entry zKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, zKey, Entry.TYPE_ZSET)) {
            return;
        }
        ZSetValue z = zKey == null ? null : (ZSetValue) zKey.value();
        long r = z == null ? -1 : z.rank(c.argBuf, c.argOff[2], c.argLen[2]);
        if (r < 0) {
            if (withScore) {
                c.nullArray();
            } else {
                c.nullBulk();
            }
            return;
        }
        if (rev) {
            r = z.size() - 1 - r;
        }
        if (withScore) {
            c.array(2);
            c.integer(r);
            c.dbl(z.score(c.argBuf, c.argOff[2], c.argLen[2]));
        } else {
            c.integer(r);
        }
    }

    // ------------------------------------------------------------------ ZRANGE family

    /** Ascending ranks {start, end} selected by a rank range given as Redis's start/stop, or null if empty. */
    static long[] rankRange(long start, long end, long llen) {
        if (start < 0) {
            start = llen + start;
        }
        if (end < 0) {
            end = llen + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= llen) {
            return null;
        }
        if (end >= llen) {
            end = llen - 1;
        }
        return new long[] {start, end};
    }

    /** A selection of elements: ascending ranks [lo, hi], read in reverse when rev. */
    record Sel(long lo, long hi, boolean rev) {
        long count() {
            return hi - lo + 1;
        }
    }

    /**
     * The elements selected by a range argument pair of the given type (keys at minArg/maxArg already ordered as
     * min, max for score/lex) with offset and limit; null if none. For rank ranges with rev, start/stop count from
     * the highest element.
     */
    static Sel select(ZSetValue z, int type, long[] rankArgs, ScoreRange sr, LexRange lr, boolean rev, long offset,
            long limit) {
        long size = z.size();
        long lo;
        long hi;
        if (type == RANK) {
            long[] r = rankRange(rankArgs[0], rankArgs[1], size);
            if (r == null) {
                return null;
            }
            if (rev) {
                return new Sel(size - 1 - r[1], size - 1 - r[0], true);
            }
            return new Sel(r[0], r[1], false);
        }
        if (type == LEX) {
            long[] w = z.lexWalk(lr, rev, offset);
            if (w == null) {
                return null;
            }
            long take = limit < 0 ? w[1] - w[0] + 1 : Math.min(limit, w[1] - w[0] + 1);
            if (take <= 0) {
                return null;
            }
            return rev ? new Sel(w[1] - take + 1, w[1], true) : new Sel(w[0], w[0] + take - 1, false);
        }
        long[] r = z.scoreRanks(sr);
        if (r == null || offset < 0) {
            return null;
        }
        lo = r[0];
        hi = r[1];
        long n = hi - lo + 1;
        if (offset >= n) {
            return null;
        }
        long take = limit < 0 ? n - offset : Math.min(limit, n - offset);
        if (take <= 0) {
            return null;
        }
        if (rev) {
            return new Sel(hi - offset - take + 1, hi - offset, true);
        }
        return new Sel(lo + offset, lo + offset + take - 1, false);
    }

    static void zrange(Client c, int keyArg, int dstArg, int type, boolean rev) {
        boolean store = dstArg >= 0;
        int minIdx = keyArg + 1;
        int maxIdx = keyArg + 2;
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        int direction = rev ? 1 : (type == AUTO ? -1 : 0);
        for (int j = keyArg + 3; j < c.argc; j++) {
            int left = c.argc - j - 1;
            if (!store && c.argIs(j, "withscores")) {
                withScores = true;
            } else if (c.argIs(j, "limit") && left >= 2) {
                if (!c.argLong(j + 1)) {
                    return;
                }
                offset = c.ctx.tmp[0];
                if (!c.argLong(j + 2)) {
                    return;
                }
                limit = c.ctx.tmp[0];
                j += 2;
            } else if (direction == -1 && c.argIs(j, "rev")) {
                direction = 1;
            } else if (type == AUTO && c.argIs(j, "bylex")) {
                type = LEX;
            } else if (type == AUTO && c.argIs(j, "byscore")) {
                type = SCORE;
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        rev = direction == 1;
        if (type == AUTO) {
            type = RANK;
        }
        if (limit != -1 && type == RANK) {
            c.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return;
        }
        if (withScores && type == LEX) {
            c.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return;
        }
        if (rev && type != RANK) {
            int t = maxIdx;
            maxIdx = minIdx;
            minIdx = t;
        }
        long[] rankArgs = null;
        ScoreRange sr = null;
        LexRange lr = null;
        if (type == RANK) {
            if (!c.argLong(minIdx)) {
                return;
            }
            long a = c.ctx.tmp[0];
            if (!c.argLong(maxIdx)) {
                return;
            }
            rankArgs = new long[] {a, c.ctx.tmp[0]};
        } else if (type == SCORE) {
            sr = parseScore(c, minIdx, maxIdx);
            if (sr == null) {
                return;
            }
        } else {
            lr = parseLex(c, minIdx, maxIdx);
            if (lr == null) {
                return;
            }
        }
        Entry zKey = c.server.lookupRead(c, keyArg);
        if (TypeCommands.wrongType(c, zKey, Entry.TYPE_ZSET)) {
            return;
        }
        ZSetValue z = zKey == null ? null : (ZSetValue) zKey.value();
        Sel sel = z == null ? null : select(z, type, rankArgs, sr, lr, rev, offset, limit);
        if (store) {
            List<byte[]> ms = new ArrayList<>();
            List<Double> ss = new ArrayList<>();
            if (sel != null) {
                z.range(sel.lo(), sel.hi(), sel.rev(), (m, s) -> {
                    ms.add(m);
                    ss.add(s);
                });
            }
            storeResult(c, dstArg, ms, ss, "zrangestore", false);
            return;
        }
        if (sel == null) {
            c.array(0);
            return;
        }
        replyRange(c, z, sel, withScores);
    }

    static void replyRange(Client c, ZSetValue z, Sel sel, boolean withScores) {
        long n = sel.count();
        c.array(withScores && c.resp == 2 ? n * 2 : n);
        z.range(sel.lo(), sel.hi(), sel.rev(), (m, s) -> {
            if (withScores && c.resp == 3) {
                c.array(2);
            }
            c.bulk(m);
            if (withScores) {
                c.dbl(s);
            }
        });
    }

    /**
     * Replaces the key at dstArg with a sorted set of the members and scores (deleted when empty), emitting
     * event on success ("del" for a deleted destination); one change, or one per member with perMember
     * (GEORADIUS STORE, GEOSEARCHSTORE).
     */
    public static void storeResult(Client c, int dstArg, List<byte[]> ms, List<Double> ss, String event,
            boolean perMember) {
        Entry old = c.server.lookupWrite(c, dstArg);
        if (ms.isEmpty()) {
            if (old != null) {
                c.server.keyspace.delete(c.db, old);
                c.modified(dstArg, 1);
                c.notify(Notify.GENERIC, "del", dstArg);
            }
            c.integer(0);
            return;
        }
        TypeLimits lim = c.server.limits;
        ZSetValue z = ZSetValue.create(Long.MAX_VALUE, 0, lim);
        for (int i = 0; i < ms.size(); i++) {
            byte[] m = ms.get(i);
            double cur = z.score(m, 0, m.length);
            z.put(m, 0, m.length, ss.get(i), cur, lim);
        }
        z.toListpackIfFits(lim);
        Entry e = c.server.keyspace.replaceValue(c.db, old, c.arg(dstArg), Entry.TYPE_ZSET, z);
        c.modified(dstArg, perMember ? ms.size() : 1);
        c.integer(z.size());
        c.notify(Notify.ZSET, event, dstArg);
    }

    // ------------------------------------------------------------------ removal

    static void zremrange(Client c, int type) {
        long[] rankArgs = null;
        ScoreRange sr = null;
        LexRange lr = null;
        if (type == RANK) {
            if (!c.argLong(2)) {
                return;
            }
            long a = c.ctx.tmp[0];
            if (!c.argLong(3)) {
                return;
            }
            rankArgs = new long[] {a, c.ctx.tmp[0]};
        } else if (type == SCORE) {
            sr = parseScore(c, 2, 3);
            if (sr == null) {
                return;
            }
        } else {
            lr = parseLex(c, 2, 3);
            if (lr == null) {
                return;
            }
        }
        Entry e = c.server.lookupWrite(c, 1);
        if (e == null) {
            c.integer(0);
            return;
        }
        if (e.type() != Entry.TYPE_ZSET) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        ZSetValue z = (ZSetValue) e.value();
        int removed;
        if (type == LEX) {
            removed = z.removeLex(lr).size();
        } else {
            Sel sel = select(z, type, rankArgs, sr, lr, false, 0, -1);
            if (sel == null) {
                c.integer(0);
                return;
            }
            List<byte[]> victims = new ArrayList<>();
            z.range(sel.lo(), sel.hi(), false, (m, s) -> victims.add(m));
            for (byte[] m : victims) {
                z.remove(m, 0, m.length);
            }
            removed = victims.size();
        }
        boolean keyRemoved = z.size() == 0;
        dropIfEmpty(c, e);
        if (removed != 0) {
            c.modified(1, removed);
            c.notify(Notify.ZSET, type == RANK ? "zremrangebyrank" : type == SCORE ? "zremrangebyscore"
                : "zremrangebylex", 1);
            if (keyRemoved) {
                c.notify(Notify.GENERIC, "del", 1);
            }
        }
        c.integer(removed);
    }

    // ------------------------------------------------------------------ pops

    static void zpopCommand(Client c, boolean max) {
        if (c.argc > 3) {
            c.error(Shared.SYNTAX);
            return;
        }
        long count = 1;
        boolean hasCount = c.argc == 3;
        if (hasCount) {
            if (!Numbers.string2ll(c.argBuf, c.argOff[2], c.argLen[2], c.ctx.tmp) || c.ctx.tmp[0] < 0) {
                c.error("ERR value is out of range, must be positive");
                return;
            }
            count = c.ctx.tmp[0];
        }
        Entry e = c.server.lookupWrite(c, 1);
        if (e != null && e.type() != Entry.TYPE_ZSET) {
            c.error(Shared.WRONGTYPE);
            return;
        }
        if (e == null || count == 0) {
            c.array(0);
            return;
        }
        boolean nested = hasCount && c.resp == 3;
        pop(c, e, max, count, nested, false);
    }

    /**
     * Pops up to count elements and replies them: flat {@code [m, s, ...]} pairs or nested {@code [m, s]} arrays;
     * with withKey, preceded by the key: {@code [key, m, s]} flat (BZPOPMIN/BZPOPMAX) or {@code [key, [[m, s]...]]}
     * nested (ZMPOP/BZMPOP), as Redis's genericZpopCommand.
     */
    public static void pop(Client c, Entry e, boolean max, long count, boolean nested, boolean withKey) {
        ZSetValue z = (ZSetValue) e.value();
        long n = Math.min(count, z.size());
        long size = z.size();
        List<byte[]> ms = new ArrayList<>();
        List<Double> ss = new ArrayList<>();
        Sel sel = max ? new Sel(size - n, size - 1, true) : new Sel(0, n - 1, false);
        z.range(sel.lo(), sel.hi(), sel.rev(), (m, s) -> {
            ms.add(m);
            ss.add(s);
        });
        if (withKey && !nested) {
            c.array(n * 2 + 1);
            c.bulk(e.keyArray(), 0, e.klen());
        } else {
            if (withKey) {
                c.array(2);
                c.bulk(e.keyArray(), 0, e.klen());
            }
            c.array(nested ? n : n * 2);
        }
        for (int i = 0; i < n; i++) {
            if (nested) {
                c.array(2);
            }
            c.bulk(ms.get(i));
            c.dbl(ss.get(i));
            z.remove(ms.get(i), 0, ms.get(i).length);
        }
        if (Rewrites.active(c) && withKey) {
            // [B]ZMPOP propagates as ZPOPMIN/ZPOPMAX key count, BZPOPMIN/BZPOPMAX as ZPOPMIN/ZPOPMAX key
            byte[] key = java.util.Arrays.copyOf(e.keyArray(), e.klen());
            byte[] cmd = max ? Rewrites.ZPOPMAX : Rewrites.ZPOPMIN;
            Rewrites.rewrite(c, nested ? new byte[][] {cmd, key, Rewrites.num(n)} : new byte[][] {cmd, key});
        }
        Db db = c.db;
        byte[] key = e.keyArray();
        int klen = e.klen();
        if (n != 0) {
            c.server.keyspace.notify(Notify.ZSET, max ? "zpopmax" : "zpopmin", db, key, 0, klen);
        }
        if (z.size() == 0) {
            c.server.keyspace.delete(db, e);
            c.server.keyspace.notify(Notify.GENERIC, "del", db, key, 0, klen);
        }
        c.server.keyspace.modified(db, key, 0, klen, n);
    }

    static void zmpop(Client c) {
        long[] parsed = new long[2];
        int where = MpopArgs.parse(c, 1, "min", "max", parsed);
        if (where < 0) {
            return;
        }
        if (!mpop(c, 2, where, parsed[0] == 1, parsed[1])) {
            c.nullArray();
        }
    }

    /**
     * Pops up to count elements from the first existing sorted set among the keys in arguments from..to-1 and
     * replies {@code [key, [[m, s]...]]} (ZMPOP, BZMPOP).
     *
     * @return false, having replied nothing, when none of the keys exists; true after a reply (or a WRONGTYPE)
     */
    public static boolean mpop(Client c, int from, int to, boolean max, long count) {
        return MpopArgs.popFirst(c, from, to, Entry.TYPE_ZSET, max, count, ZSET_POP);
    }

    private static final MpopArgs.Pop ZSET_POP = (c, e, max, count) -> pop(c, e, max, count, true, true);

    // ------------------------------------------------------------------ random, scan

    static void zrandmember(Client c) {
        if (c.argc >= 3) {
            if (!TypeCommands.rangeCount(c, 2)) {
                return;
            }
            boolean withScores = false;
            if (c.argc == 4 && c.argIs(3, "withscores")) {
                withScores = true;
            } else if (c.argc >= 4) {
                c.error(Shared.SYNTAX);
                return;
            }
            long l = c.ctx.tmp[0];
            long count = Math.abs(l);
            if (withScores && count > Long.MAX_VALUE / 2) {
                c.error("ERR value is out of range");
                return;
            }
            Entry zKey = c.server.lookupRead(c, 1);
            if (TypeCommands.wrongType(c, zKey, Entry.TYPE_ZSET)) {
                return;
            }
            ZSetValue z = zKey == null ? null : (ZSetValue) zKey.value();
            if (z == null || count == 0) {
                c.array(0);
                return;
            }
            int size = (int) z.size();
            if (z.dict != null && (l < 0 || count * 3 <= size)) {
                // Redis's cases 1 and 4 on a skiplist: random picks from the dict, O(count) not O(size)
                randomFromDict(c, z.dict, l, withScores);
                return;
            }
            List<byte[]> ms = new ArrayList<>(size);
            List<Double> ss = new ArrayList<>(size);
            z.range(0, size - 1, false, (m, s) -> {
                ms.add(m);
                ss.add(s);
            });
            long n = TypeCommands.sampleSize(l, size);
            c.array(withScores && c.resp == 2 ? n * 2 : n);
            boolean scores = withScores;
            TypeCommands.sampleIndices(c, l, size, true, k -> randPair(c, ms.get(k), ss.get(k), scores));
            return;
        }
        Entry zKey = c.server.lookupRead(c, 1);
        if (TypeCommands.wrongType(c, zKey, Entry.TYPE_ZSET)) {
            return;
        }
        ZSetValue z = zKey == null ? null : (ZSetValue) zKey.value();
        if (z == null) {
            c.nullBulk();
            return;
        }
        long k = ThreadLocalRandom.current().nextLong(z.size());
        z.range(k, k, false, (m, s) -> c.bulk(m));
    }

    /**
     * ZRANDMEMBER with a count on a skiplist sorted set without copying it: a negative count replies that many
     * random members (repetitions allowed), a positive one (at most a third of the set) draws until that many
     * distinct members are found.
     */
    private static void randomFromDict(Client c, io.cinnabar.dict.Dict<ZSkipList.Node> d, long l, boolean withScores) {
        long count = Math.abs(l);
        c.array(withScores && c.resp == 2 ? count * 2 : count);
        TypeCommands.sampleDrawn(c, l, () -> d.fairRandomEntry().value(),
            n -> randPair(c, n.member(), n.score(), withScores));
    }

    private static void randPair(Client c, byte[] m, double s, boolean withScores) {
        if (withScores && c.resp == 3) {
            c.array(2);
        }
        c.bulk(m);
        if (withScores) {
            c.dbl(s);
        }
    }

    static void zscan(Client c) {
        ScanOptions o = ScanOptions.start(c, Entry.TYPE_ZSET);
        if (o == null) {
            return;
        }
        long cursor = o.cursor;
        ZSetValue z = (ZSetValue) o.value;
        List<byte[]> out = new ArrayList<>();
        long next = 0;
        if (z.lp != null) {
            for (int p = z.lp.first(); p >= 0; p = z.lp.next(p)) {
                out.add(z.lp.getBytes(p));
            }
        } else {
            long maxIterations = o.count * 10;
            do {
                cursor = z.dict.scan(cursor, (DictEntry<ZSkipList.Node> d) -> {
                    out.add(d.key());
                    out.add(Numbers.d2string(d.value().score()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                });
            } while (cursor != 0 && maxIterations-- > 0 && out.size() / 2 < o.count);
            next = cursor;
        }
        ScanOptions.reply(c, next, out, 2, o);
    }

    // ------------------------------------------------------------------ ZUNION / ZINTER / ZDIFF

    /** op: 0 union, 1 inter, 2 diff. */
    static void setOp(Client c, int numkeysIdx, int dstArg, int op) {
        if (!c.argLong(numkeysIdx)) {
            return;
        }
        long setnum = c.ctx.tmp[0];
        if (setnum < 1) {
            c.error("ERR at least 1 input key is needed for '" + c.cmd.fullName + "' command");
            return;
        }
        if (setnum > c.argc - numkeysIdx - 1) {
            c.error(Shared.SYNTAX);
            return;
        }
        int n = (int) setnum;
        Object[] srcs = new Object[n];
        for (int i = 0; i < n; i++) {
            int a = numkeysIdx + 1 + i;
            Entry e = dstArg >= 0 ? c.server.lookupWrite(c, a) : c.server.lookupRead(c, a);
            if (e == null) {
                continue;
            }
            if (e.type() != Entry.TYPE_ZSET && e.type() != Entry.TYPE_SET) {
                c.error(Shared.WRONGTYPE);
                return;
            }
            srcs[i] = e.value();
        }
        double[] weights = new double[n];
        java.util.Arrays.fill(weights, 1);
        int aggregate = 0; // 0 sum, 1 min, 2 max
        boolean withScores = false;
        for (int j = numkeysIdx + 1 + n; j < c.argc; j++) {
            int remaining = c.argc - j - 1;
            if (op != 2 && remaining >= n && c.argIs(j, "weights")) {
                for (int i = 0; i < n; i++) {
                    weights[i] = argDouble(c, ++j);
                    if (Double.isNaN(weights[i])) {
                        c.error("ERR weight value is not a float");
                        return;
                    }
                }
            } else if (op != 2 && remaining >= 1 && c.argIs(j, "aggregate")) {
                j++;
                if (c.argIs(j, "sum")) {
                    aggregate = 0;
                } else if (c.argIs(j, "min")) {
                    aggregate = 1;
                } else if (c.argIs(j, "max")) {
                    aggregate = 2;
                } else {
                    c.error(Shared.SYNTAX);
                    return;
                }
            } else if (dstArg < 0 && c.argIs(j, "withscores")) {
                withScores = true;
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        Map<ByteKey, double[]> acc = compute(srcs, weights, aggregate, op);
        List<Map.Entry<ByteKey, double[]>> sorted = new ArrayList<>(acc.entrySet());
        sorted.sort((x, y) -> {
            int cmp = Double.compare(x.getValue()[0], y.getValue()[0]);
            if (x.getValue()[0] == y.getValue()[0]) {
                cmp = 0;
            }
            return cmp != 0 ? cmp : java.util.Arrays.compareUnsigned(x.getKey().b, y.getKey().b);
        });
        if (dstArg >= 0) {
            List<byte[]> ms = new ArrayList<>();
            List<Double> ss = new ArrayList<>();
            for (Map.Entry<ByteKey, double[]> en : sorted) {
                ms.add(en.getKey().b);
                ss.add(en.getValue()[0]);
            }
            storeResult(c, dstArg, ms, ss, op == 0 ? "zunionstore" : op == 1 ? "zinterstore" : "zdiffstore", false);
            return;
        }
        c.array(withScores && c.resp == 2 ? sorted.size() * 2L : sorted.size());
        for (Map.Entry<ByteKey, double[]> en : sorted) {
            if (withScores && c.resp == 3) {
                c.array(2);
            }
            c.bulk(en.getKey().b);
            if (withScores) {
                c.dbl(en.getValue()[0]);
            }
        }
    }

    record ByteKey(byte[] b) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey k && java.util.Arrays.equals(b, k.b);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(b);
        }
    }

    /** The members of a set or sorted set with their scores (1 for set members), in iteration order. */
    static void elements(Object src, ZSetValue.Visitor v) {
        if (src instanceof SetValue s) {
            for (byte[] m : s.members()) {
                v.visit(m, 1.0);
            }
        } else if (src instanceof ZSetValue z && z.size() > 0) {
            z.range(0, z.size() - 1, false, v);
        }
    }

    static boolean containsMember(Object src, byte[] m) {
        if (src instanceof SetValue s) {
            return s.contains(m);
        }
        return !Double.isNaN(((ZSetValue) src).score(m, 0, m.length));
    }

    static double scoreOf(Object src, byte[] m) {
        if (src instanceof SetValue) {
            return 1.0;
        }
        return ((ZSetValue) src).score(m, 0, m.length);
    }

    static double weighted(double score, double w) {
        double r = score * w;
        return Double.isNaN(r) ? 0 : r;
    }

    static double aggregate(double a, double b, int how) {
        return switch (how) {
            case 1 -> Math.min(a, b);
            case 2 -> Math.max(a, b);
            default -> {
                double r = a + b;
                yield Double.isNaN(r) ? 0 : r;
            }
        };
    }

    static Map<ByteKey, double[]> compute(Object[] srcs, double[] weights, int how, int op) {
        Map<ByteKey, double[]> acc = new LinkedHashMap<>();
        if (op == 0) {
            for (int i = 0; i < srcs.length; i++) {
                if (srcs[i] == null) {
                    continue;
                }
                double w = weights[i];
                elements(srcs[i], (m, s) -> {
                    double v = weighted(s, w);
                    double[] cur = acc.get(new ByteKey(m));
                    if (cur == null) {
                        acc.put(new ByteKey(m), new double[] {v});
                    } else {
                        cur[0] = aggregate(cur[0], v, how);
                    }
                });
            }
        } else if (op == 1) {
            for (Object s : srcs) {
                if (s == null) {
                    return acc;
                }
            }
            elements(srcs[0], (m, s) -> {
                double v = weighted(s, weights[0]);
                for (int i = 1; i < srcs.length; i++) {
                    if (!containsMember(srcs[i], m)) {
                        return;
                    }
                    v = aggregate(v, weighted(scoreOf(srcs[i], m), weights[i]), how);
                }
                acc.put(new ByteKey(m), new double[] {v});
            });
        } else if (srcs[0] != null) {
            elements(srcs[0], (m, s) -> {
                for (int i = 1; i < srcs.length; i++) {
                    if (srcs[i] != null && containsMember(srcs[i], m)) {
                        return;
                    }
                }
                acc.put(new ByteKey(m), new double[] {s});
            });
        }
        return acc;
    }

    static void zintercard(Client c) {
        if (!c.argLong(1)) {
            return;
        }
        long numkeys = c.ctx.tmp[0];
        if (numkeys < 1) {
            c.error("ERR at least 1 input key is needed for 'zintercard' command");
            return;
        }
        if (numkeys > c.argc - 2) {
            c.error(Shared.SYNTAX);
            return;
        }
        int n = (int) numkeys;
        Object[] srcs = new Object[n];
        for (int i = 0; i < n; i++) {
            Entry e = c.server.lookupRead(c, 2 + i);
            if (e == null) {
                continue;
            }
            if (e.type() != Entry.TYPE_ZSET && e.type() != Entry.TYPE_SET) {
                c.error(Shared.WRONGTYPE);
                return;
            }
            srcs[i] = e.value();
        }
        long limit = 0;
        for (int j = 2 + n; j < c.argc; j++) {
            if (c.argIs(j, "limit") && j < c.argc - 1) {
                j++;
                if (!Numbers.string2ll(c.argBuf, c.argOff[j], c.argLen[j], c.ctx.tmp) || c.ctx.tmp[0] < 0) {
                    c.error("ERR LIMIT can't be negative");
                    return;
                }
                limit = c.ctx.tmp[0];
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1);
        long card = compute(srcs, w, 0, 1).size();
        c.integer(limit > 0 ? Math.min(card, limit) : card);
    }
}
