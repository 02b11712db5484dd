package io.cinnabar.server.internal.command;

import io.cinnabar.sds.Numbers;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the keys of a command line from the command's key specs (Redis's {@code getKeysUsingKeySpecs}):
 * begin_search by index or keyword, then find_keys by range (lastkey, keystep, limit) or keynum.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class KeySpecs {
    private KeySpecs() {
    }

    private static Object get(List<?> kv, String k) {
        for (int i = 0; i + 1 < kv.size(); i += 2) {
            if (k.equals(kv.get(i))) {
                return kv.get(i + 1);
            }
        }
        return null;
    }

    private static int num(List<?> kv, String k) {
        Object v = get(kv, k);
        return v instanceof Long l ? l.intValue() : 0;
    }

    /**
     * The flags of key spec number spec. Commands whose spec has "variable_flags" compute them from the arguments
     * as Redis does: SET is an overwrite ("OW update") unless it has the GET option.
     */
    public static List<?> flags(Client c, Command cmd, int spec, int base, int argc) {
        if (cmd.fullName.equals("set")) {
            for (int i = 3; i < argc; i++) {
                if (c.argIs(base + i, "get")) {
                    return List.of("RW", "access", "update");
                }
            }
            return List.of("OW", "update");
        }
        return flags(cmd, spec);
    }

    public static List<?> flags(Command cmd, int spec) {
        Object f = get((List<?>) cmd.keySpecs.get(spec), "flags");
        return f instanceof List<?> l ? l : List.of();
    }

    /**
     * Keys of the command whose argv starts at argument base of c and has argc arguments. Returns pairs
     * {absolute argument index, key spec index}, or null when the arguments do not fit the specs.
     */
    public static List<int[]> keys(Client c, Command cmd, int base, int argc) {
        return keys(c, cmd, base, argc, false);
    }

    /**
     * As {@link #keys(Client, Command, int, int)}; strict, a spec whose first key lies past the arguments makes the
     * whole result null, as Redis's getKeysFromCommandWithSpecs does for the ACL check (PFMERGE dest has no
     * source keys: Redis then finds no key at all).
     */
    public static List<int[]> keys(Client c, Command cmd, int base, int argc, boolean strict) {
        if (cmd.fullName.equals("sort") && argc >= 2) {
            return sortKeys(c, base, argc);
        }
        List<int[]> out = new ArrayList<>();
        for (int s = 0; s < cmd.keySpecs.size(); s++) {
            List<?> spec = (List<?>) cmd.keySpecs.get(s);
            List<?> bs = (List<?>) get(spec, "begin_search");
            List<?> fk = (List<?>) get(spec, "find_keys");
            String bsType = (String) get(bs, "type");
            List<?> bsSpec = (List<?>) get(bs, "spec");
            int first;
            if ("index".equals(bsType)) {
                first = num(bsSpec, "index");
            } else if ("keyword".equals(bsType)) {
                String kw = (String) get(bsSpec, "keyword");
                int from = num(bsSpec, "startfrom");
                first = -1;
                int start = from > 0 ? from : argc + from;
                int end = from > 0 ? argc - 1 : 0;
                int step = from > 0 ? 1 : -1;
                for (int i = start; step > 0 ? i <= end : i >= end; i += step) {
                    if (i <= 0 || i >= argc) {
                        break;
                    }
                    if (c.argIs(base + i, kw.toLowerCase(java.util.Locale.ROOT))) {
                        first = i + 1;
                        break;
                    }
                }
                if (first < 0) {
                    continue;
                }
            } else {
                continue;
            }
            if (first >= argc) {
                if (strict) {
                    return null;
                }
                continue;
            }
            String fkType = (String) get(fk, "type");
            List<?> fkSpec = (List<?>) get(fk, "spec");
            int last;
            int step;
            if ("range".equals(fkType)) {
                int lastkey = num(fkSpec, "lastkey");
                step = num(fkSpec, "keystep");
                int limit = num(fkSpec, "limit");
                if (lastkey >= 0) {
                    last = first + lastkey;
                } else if (limit == 0) {
                    last = argc + lastkey;
                } else {
                    last = first + ((argc - first) / limit + lastkey);
                }
            } else if ("keynum".equals(fkType)) {
                int idx = first + num(fkSpec, "keynumidx");
                if (idx >= argc || !Numbers.string2ll(c.argBuf, c.argOff[base + idx], c.argLen[base + idx], c.ctx.tmp)
                        || c.ctx.tmp[0] < 0) {
                    return null;
                }
                step = num(fkSpec, "keystep");
                int firstKey = first + num(fkSpec, "firstkey");
                last = (int) (firstKey + (c.ctx.tmp[0] - 1) * step);
                first = firstKey;
                if (c.ctx.tmp[0] == 0) {
                    continue;
                }
            } else {
                continue;
            }
            if (last >= argc || last < first || step <= 0) {
                return null;
            }
            for (int i = first; i <= last; i += step) {
                out.add(new int[] {base + i, s});
            }
        }
        return out;
    }

    /**
     * SORT's keys as Redis's sortGetKeys finds them (its STORE key spec is incomplete): the sorted key (spec 0) and
     * the last STORE destination (spec 2; spec 1 is BY/GET), skipping the arguments of LIMIT, GET and BY.
     */
    private static List<int[]> sortKeys(Client c, int base, int argc) {
        List<int[]> out = new ArrayList<>();
        out.add(new int[] {base + 1, 0});
        int store = -1;
        for (int i = 2; i < argc; i++) {
            if (c.argIs(base + i, "limit")) {
                i += 2;
            } else if (c.argIs(base + i, "get") || c.argIs(base + i, "by")) {
                i += 1;
            } else if (c.argIs(base + i, "store") && i + 1 < argc) {
                store = i + 1;
            }
        }
        if (store > 0) {
            out.add(new int[] {base + store, 2});
        }
        return out;
    }
}
