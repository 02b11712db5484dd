import io.cinnabar.lua.Lua;
import io.cinnabar.lua.LuaFunction;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.*;

/**
 * CPU time of one Lua script on this engine, as LuaLoopCpu, optionally after running every script of a directory
 * 20 times (POLLUTE=dir): the type profiles of the shared tree nodes are then as mixed as in a server.
 * Prints the best call's CPU ms, the script's first result and the bytes the thread allocated in that call.
 * java -cp lua/target/cinnabar-lua-*.jar bench/LuaCallCpu.java 'script' [rounds]
 */
public final class LuaCallCpu {
    public static void main(String[] a) throws Exception {
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 3;
        String pollute = System.getenv("POLLUTE");
        if (pollute != null && !pollute.isEmpty()) {
            try (var ds = Files.newDirectoryStream(Path.of(pollute), "*.lua")) {
                for (Path p : ds) {
                    for (int i = 0; i < 20; i++) {
                        Lua l = new Lua(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
                        try { l.call(l.load(Files.readAllBytes(p), "@x")); } catch (RuntimeException e) { }
                    }
                }
            }
        }
        Lua lua = new Lua();
        LuaFunction f = lua.load(a[0], "=bench");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Object[] r = lua.call(f);
        com.sun.management.ThreadMXBean amx = (com.sun.management.ThreadMXBean) mx;
        long best = Long.MAX_VALUE;
        long bytes = 0;
        for (int i = 0; i < rounds; i++) {
            long a0 = amx.getCurrentThreadAllocatedBytes();
            long t0 = mx.getCurrentThreadCpuTime();
            r = lua.call(f);
            long t = mx.getCurrentThreadCpuTime() - t0;
            if (t < best) {
                best = t;
                bytes = amx.getCurrentThreadAllocatedBytes() - a0;
            }
        }
        System.out.println(best / 1_000_000 + " " + (r.length > 0 ? Lua.toLuaString(r[0]) : "-") + " " + bytes);
    }
}
