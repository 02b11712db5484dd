import io.cinnabar.lua.Lua;
import io.cinnabar.lua.LuaFunction;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of one Lua script on this engine: one untimed warm-up call, then ROUNDS calls; prints the smallest CPU
 * time (ThreadMXBean, user+sys of the calling thread) in milliseconds and the script's first result.
 * Run with the source launcher: java -cp lua/target/cinnabar-lua-*.jar bench/LuaLoopCpu.java 'script' [rounds]
 */
public final class LuaLoopCpu {
    public static void main(String[] a) {
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 3;
        Lua lua = new Lua();
        LuaFunction f = lua.load(a[0], "=bench");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Object[] r = lua.call(f);
        long best = Long.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            long t0 = mx.getCurrentThreadCpuTime();
            r = lua.call(f);
            best = Math.min(best, mx.getCurrentThreadCpuTime() - t0);
        }
        System.out.println(best / 1_000_000 + " " + (r.length > 0 ? Lua.toLuaString(r[0]) : "-"));
    }
}
