package io.cinnabar.server.internal.cluster;

import static io.cinnabar.server.internal.cluster.BusDescriptor.*;

import io.cinnabar.sds.SdsArgs;
import io.cinnabar.server.internal.persist.DurableFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The cluster config file ({@code cluster-config-file}, nodes.conf) in Redis 7.2's format: one CLUSTER NODES
 * line per node with the aux fields after the address ({@code ip:port@cport,hostname,tls-port=0,shard-id=...}),
 * migrating and importing slots of this node as {@code [slot->-name]} / {@code [slot-<-name]}, and a last line
 * {@code vars currentEpoch N lastVoteEpoch M}. Saved atomically: written to a temporary file next to it, fsynced,
 * renamed over the old one, directory fsynced (Redis's clusterSaveConfig). O(nodes x 16384) to save or load.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class NodesConf {
    private NodesConf() {
    }

    /** The file's contents for state. */
    public static String render(ClusterState st) {
        return st.describeAll(true) + "vars currentEpoch " + st.currentEpoch + " lastVoteEpoch " + st.lastVoteEpoch
            + "\n";
    }

    public static void save(ClusterState st, Path file) throws IOException {
        save(st, file, true);
    }

    /**
     * Writes st to file atomically (a temporary file renamed over it); with fsync the file and its directory are
     * forced to disk as well (Redis's clusterSaveConfig(do_fsync): only epoch, slot-ownership and role changes need
     * it, the nodes learned by gossip do not).
     */
    public static void save(ClusterState st, Path file, boolean fsync) throws IOException {
        write(render(st).getBytes(StandardCharsets.ISO_8859_1), file, fsync);
    }

    /** Writes rendered content to file atomically, fsynced or not (see {@link #save(ClusterState, Path, boolean)}). */
    public static void write(byte[] content, Path file, boolean fsync) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve(file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
            + System.currentTimeMillis());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(content);
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
            if (fsync) {
                ch.force(true);
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (fsync) {
            DurableFiles.fsyncDir(dir);
        }
    }

    /**
     * Loads file into st (which must be empty): false when the file does not exist or is empty (a new node);
     * throws with the offending line when it is not a valid config (Redis exits then).
     */
    public static boolean load(Path file, ClusterState st, long now) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return false;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            if (line.isBlank()) {
                continue;
            }
            if (!loadLine(st, line, now)) {
                throw new IOException("Unrecoverable error: corrupted cluster config file \"" + line + "\".");
            }
        }
        if (st.myself == null) {
            throw new IOException("Unrecoverable error: corrupted cluster config file (no myself line).");
        }
        return true;
    }

    private static ClusterNode node(ClusterState st, String name) {
        ClusterNode n = st.lookup(name);
        if (n == null) {
            n = new ClusterNode(name, 0);
            st.add(n);
        }
        return n;
    }

    private static boolean loadLine(ClusterState st, String line, long now) {
        List<String> argv = SdsArgs.split(line);
        if (argv == null || argv.isEmpty()) {
            return false;
        }
        if (argv.get(0).equalsIgnoreCase("vars")) {
            if (argv.size() % 2 == 0) {
                return false;
            }
            for (int j = 1; j < argv.size(); j += 2) {
                try {
                    if (argv.get(j).equalsIgnoreCase("currentEpoch")) {
                        st.currentEpoch = Long.parseUnsignedLong(argv.get(j + 1));
                    } else if (argv.get(j).equalsIgnoreCase("lastVoteEpoch")) {
                        st.lastVoteEpoch = Long.parseUnsignedLong(argv.get(j + 1));
                    }
                } catch (NumberFormatException e) {
                    return false;
                }
            }
            return true;
        }
        if (argv.size() < 8 || !ClusterState.validName(argv.get(0))) {
            return false;
        }
        ClusterNode n = node(st, argv.get(0));
        if (!address(n, argv.get(1)) || !flags(st, n, argv.get(2), now)) {
            return false;
        }
        if (!argv.get(3).startsWith("-")) {
            if (!ClusterState.validName(argv.get(3))) {
                return false;
            }
            ClusterNode m = node(st, argv.get(3));
            String shard = n.shardId;
            st.setMaster(n, m);
            n.shardId = shard;
        }
        try {
            if (Long.parseLong(argv.get(4)) != 0) {
                n.pingSent = now;
            }
            if (Long.parseLong(argv.get(5)) != 0) {
                n.pongReceived = now;
            }
            n.configEpoch = n.isReplica() && n.master != null ? 0 : Long.parseUnsignedLong(argv.get(6));
            for (int j = 8; j < argv.size(); j++) {
                if (!slots(st, n, argv.get(j))) {
                    return false;
                }
            }
        } catch (NumberFormatException e) {
            return false;
        }
        return true;
    }

    private static boolean address(ClusterNode n, String field) {
        String[] aux = field.split(",", -1);
        n.hostname = aux.length > 1 ? aux[1] : "";
        for (int i = 2; i < aux.length; i++) {
            int eq = aux[i].indexOf('=');
            if (eq < 0) {
                return false;
            }
            String k = aux[i].substring(0, eq);
            String v = aux[i].substring(eq + 1);
            switch (k) {
                case "shard-id" -> {
                    if (!ClusterState.validName(v)) {
                        return false;
                    }
                    n.shardId = v;
                }
                case "nodename" -> n.humanNodename = v;
                case "tcp-port", "tls-port" -> {
                    if (!v.matches("\\d{1,5}") || Integer.parseInt(v) > 65535) {
                        return false;
                    }
                    if (k.equals("tls-port")) {
                        n.tlsPort = Integer.parseInt(v);
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        String a = aux[0];
        int colon = a.lastIndexOf(':');
        if (colon < 0) {
            return false;
        }
        n.ip = a.substring(0, colon);
        String ports = a.substring(colon + 1);
        int at = ports.indexOf('@');
        try {
            n.port = Integer.parseInt(at < 0 ? ports : ports.substring(0, at));
            n.cport = at < 0 ? n.port + 10000 : Integer.parseInt(ports.substring(at + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        return true;
    }

    private static boolean flags(ClusterState st, ClusterNode n, String field, long now) {
        for (String f : field.split(",")) {
            switch (f.toLowerCase(java.util.Locale.ROOT)) {
                case "myself" -> {
                    if (st.myself != null) {
                        return false;
                    }
                    st.myself = n;
                    n.flags |= NODE_MYSELF;
                }
                case "master" -> n.flags |= NODE_MASTER;
                case "slave" -> n.flags |= NODE_SLAVE;
                case "fail?" -> n.flags |= NODE_PFAIL;
                case "fail" -> {
                    n.flags |= NODE_FAIL;
                    n.failTime = now;
                }
                case "handshake" -> n.flags |= NODE_HANDSHAKE;
                case "noaddr" -> n.flags |= NODE_NOADDR;
                case "nofailover" -> n.flags |= NODE_NOFAILOVER;
                case "noflags" -> {
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean slots(ClusterState st, ClusterNode n, String a) {
        if (a.startsWith("[")) {
            int dash = a.indexOf('-');
            int close = a.indexOf(']');
            if (dash < 0 || close < 0 || close < dash + 3) {
                return false;
            }
            int slot = Integer.parseInt(a.substring(1, dash));
            char dir = a.charAt(dash + 1);
            String name = a.substring(dash + 3, close);
            if (slot < 0 || slot >= SLOTS || !ClusterState.validName(name)) {
                return false;
            }
            ClusterNode o = node(st, name);
            if (dir == '>') {
                st.migratingTo[slot] = o;
            } else {
                st.importingFrom[slot] = o;
            }
            return true;
        }
        int dash = a.indexOf('-');
        int start = Integer.parseInt(dash < 0 ? a : a.substring(0, dash));
        int stop = dash < 0 ? start : Integer.parseInt(a.substring(dash + 1));
        if (start < 0 || start >= SLOTS || stop < 0 || stop >= SLOTS) {
            return false;
        }
        for (int s = start; s <= stop; s++) {
            st.addSlot(n, s);
        }
        return true;
    }
}
