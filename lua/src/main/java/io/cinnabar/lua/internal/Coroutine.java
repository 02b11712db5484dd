package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaFunction;
import io.cinnabar.lua.LuaString;
import java.lang.ref.Cleaner;
import java.util.concurrent.SynchronousQueue;

/**
 * A Lua 5.1 coroutine (type "thread"). The interpreter keeps Lua calls on the Java stack, so a coroutine needs a
 * stack of its own: it runs its body on a virtual thread, started at the first resume. Control passes by strict
 * hand-off through two synchronous queues: the resumer blocks until the coroutine yields, returns or fails, and the
 * coroutine blocks until resumed, so exactly one thread runs the universe at any time and each hand-off orders
 * memory (happens-before) like a call would. The universe's per-stack state (call depth, error-level sites,
 * C-call count) is saved at a yield and restored at the next resume.
 *
 * <p>This object is the Lua value; the thread only references its {@link State}, so a coroutine that is no longer
 * reachable from Lua has its parked thread ended by a {@link Cleaner} (and {@code Lua.closeCoroutines} ends them
 * all at once).
 */
final class Coroutine {
    private static final Cleaner CLEANER = Cleaner.create();

    static final int SUSPENDED = 0;
    static final int RUNNING = 1;
    static final int NORMAL = 2;
    static final int DEAD = 3;

    final State st;

    Coroutine(Interp in, LuaFunction body) {
        in.closeUnreachable();
        State s = new State(in, body);
        st = s;
        // the universe's own thread ends it later: unwinding touches the universe's counters
        CLEANER.register(this, () -> in.unreachable.add(s));
    }

    String status() {
        return switch (st.status) {
            case SUSPENDED -> "suspended";
            case RUNNING -> "running";
            case NORMAL -> "normal";
            default -> "dead";
        };
    }

    @Override
    public String toString() {
        return "thread: 0x" + String.format("%08x", System.identityHashCode(this));
    }

    /** Thrown inside a coroutine's thread to unwind it when it is closed while suspended. */
    static final class Closed extends Error {
        Closed() {
            super("coroutine closed", null, false, false);
        }
    }

    private record Msg(int kind, Object[] values, Throwable error) {
    }

    private static final int RESUME = 0;
    private static final int KILL = 1;
    private static final int YIELD = 2;
    private static final int RETURN = 3;
    private static final int ERROR = 4;

    static final class State {
        final Interp in;
        final LuaFunction body;
        volatile int status = SUSPENDED;
        private Thread thread;
        private final SynchronousQueue<Msg> toCo = new SynchronousQueue<>();
        private final SynchronousQueue<Msg> toResumer = new SynchronousQueue<>();
        /** The resumer's call depth: the coroutine's frames sit above it. */
        private int base;
        /** Saved at a yield: depth above base, error-level sites and C-call count of the coroutine's stack. */
        private int relDepth;
        private LuaClosure[] sitesP = new LuaClosure[0];
        private int[] sitesL = new int[0];
        private int savedCCalls;

        State(Interp in, LuaFunction body) {
            this.in = in;
            this.body = body;
        }

        /** Runs the coroutine until it yields, returns or fails (called on the resumer's thread). */
        Object[] resume(Coroutine self, Object[] args) {
            Interp in = this.in;
            Coroutine prev = in.current;
            int depth = in.depth;
            int cCalls = in.cCalls;
            if (prev != null) {
                prev.st.status = NORMAL;
            }
            status = RUNNING;
            in.current = self;
            base = depth;
            Msg m;
            try {
                if (thread == null) {
                    in.live.add(this);
                    Interp running = Interp.RUNNING.get();
                    thread = Thread.ofVirtual().name("lua-coroutine").unstarted(() -> run(running, args));
                    thread.start();
                } else {
                    put(toCo, new Msg(RESUME, args, null));
                }
                m = take(toResumer);
            } finally {
                in.current = prev;
                in.depth = depth;
                in.cCalls = cCalls;
                if (prev != null) {
                    prev.st.status = RUNNING;
                }
            }
            if (m.kind == YIELD) {
                status = SUSPENDED;
                return m.values;
            }
            status = DEAD;
            in.live.remove(this);
            if (m.kind == RETURN) {
                return m.values;
            }
            Throwable t = m.error;
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw (Error) t;
        }

        private void run(Interp running, Object[] args) {
            Interp.RUNNING.set(running);
            in.depth = base;
            in.cCalls = 0;
            Msg out;
            try {
                out = new Msg(RETURN, body.call(args), null);
            } catch (Closed c) {
                out = new Msg(RETURN, LuaFunction.NONE, null); // tells close() the thread has unwound
            } catch (LuaError e) {
                out = new Msg(ERROR, null, e.isPending() ? e.complete("", null, false) : e);
            } catch (StackOverflowError e) {
                out = new Msg(ERROR, null, new LuaError(LuaString.of("stack overflow")));
            } catch (OutOfMemoryError e) {
                out = new Msg(ERROR, null, Interp.outOfMemory());
            } catch (RuntimeException | Error e) {
                out = new Msg(ERROR, null, e); // the hook's kill: it goes on through the resumer
            }
            put(toResumer, out);
        }

        /** Suspends the running coroutine (its own thread) and returns the values of the next resume. */
        Object[] yield(Object[] values) {
            Interp in = this.in;
            int rel = in.depth - base;
            relDepth = rel;
            savedCCalls = in.cCalls;
            if (sitesP.length < rel) {
                sitesP = new LuaClosure[rel];
                sitesL = new int[rel];
            }
            copySites(in.siteFn, in.siteLine, base + 1, sitesP, sitesL, 0, rel);
            put(toResumer, new Msg(YIELD, values, null));
            Msg m = take(toCo);
            if (m.kind == KILL) {
                throw new Closed();
            }
            in.depth = base + relDepth;
            in.cCalls = savedCCalls;
            copySites(sitesP, sitesL, 0, in.siteFn, in.siteLine, base + 1, relDepth);
            return m.values;
        }

        private static void copySites(LuaClosure[] fp, int[] fl, int from, LuaClosure[] tp, int[] tl, int to, int n) {
            n = Math.min(n, Math.min(fp.length - from, tp.length - to));
            if (n > 0) {
                System.arraycopy(fp, from, tp, to, n);
                System.arraycopy(fl, from, tl, to, n);
            }
        }

        /**
         * Ends a suspended coroutine's thread: it unwinds with {@link Closed} while this (the universe's) thread
         * waits, then the universe's counters are restored. A no-op unless suspended after a first resume.
         */
        void close() {
            if (status != SUSPENDED || thread == null) {
                return;
            }
            status = DEAD;
            in.live.remove(this);
            int depth = in.depth;
            int cCalls = in.cCalls;
            base = depth;
            try {
                put(toCo, new Msg(KILL, null, null));
                take(toResumer);
            } finally {
                in.depth = depth;
                in.cCalls = cCalls;
            }
        }

        private static void put(SynchronousQueue<Msg> q, Msg m) {
            boolean interrupted = false;
            while (true) {
                try {
                    q.put(m);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private static Msg take(SynchronousQueue<Msg> q) {
            boolean interrupted = false;
            Msg m;
            while (true) {
                try {
                    m = q.take();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return m;
        }
    }

    private static Coroutine check(Object[] a) {
        if (a.length > 0 && a[0] instanceof Coroutine co) {
            return co;
        }
        throw LuaError.argError(1, "coroutine expected");
    }

    private static final LuaString DEAD_MSG = LuaString.of("cannot resume dead coroutine");

    /** lua_resume's outcome as coroutine.resume reports it: true and the values, or false and the error value. */
    private static Object[] auxResume(Coroutine co, Object[] args) {
        int s = co.st.status;
        if (s == DEAD) {
            return new Object[] {Boolean.FALSE, DEAD_MSG};
        }
        if (s != SUSPENDED) {
            return new Object[] {Boolean.FALSE, LuaString.of("cannot resume " + co.status() + " coroutine")};
        }
        try {
            Object[] r = co.st.resume(co, args);
            Object[] out = new Object[r.length + 1];
            out[0] = Boolean.TRUE;
            System.arraycopy(r, 0, out, 1, r.length);
            return out;
        } catch (LuaError e) {
            return new Object[] {Boolean.FALSE, e.value()};
        }
    }

    static void install(Interp in) {
        io.cinnabar.lua.LuaTable t = new io.cinnabar.lua.LuaTable();
        in.globals.put("coroutine", t);
        Lib.reg(t, new Lib("create") {
            @Override
            public Object[] call(Object[] a) {
                if (a.length == 0 || !(a[0] instanceof LuaClosure)) {
                    throw LuaError.argError(1, "Lua function expected");
                }
                return one(new Coroutine(in, (LuaFunction) a[0]));
            }
        });
        Lib.reg(t, new Lib("resume") {
            @Override
            public Object[] call(Object[] a) {
                Coroutine co = check(a);
                return auxResume(co, java.util.Arrays.copyOfRange(a, 1, a.length));
            }
        });
        Lib.reg(t, new Lib("running") {
            @Override
            public Object[] call(Object[] a) {
                return one(in.current);
            }
        });
        Lib.reg(t, new Lib("status") {
            @Override
            public Object[] call(Object[] a) {
                return one(LuaString.of(check(a).status()));
            }
        });
        Lib.reg(t, new Lib("yield") {
            @Override
            public Object[] call(Object[] a) {
                Coroutine co = in.current;
                if (co == null || in.cCalls > 0) {
                    throw new LuaError(LuaString.of("attempt to yield across metamethod/C-call boundary"));
                }
                return co.st.yield(a);
            }
        });
        Lib.reg(t, new Lib("wrap") {
            @Override
            public Object[] call(Object[] a) {
                if (a.length == 0 || !(a[0] instanceof LuaClosure)) {
                    throw LuaError.argError(1, "Lua function expected");
                }
                Coroutine co = new Coroutine(in, (LuaFunction) a[0]);
                return one(new LuaFunction() {
                    @Override
                    public Object[] call(Object[] args) {
                        Object[] r = auxResume(co, args);
                        if (r[0] == Boolean.TRUE) {
                            return java.util.Arrays.copyOfRange(r, 1, r.length);
                        }
                        Object err = r[1];
                        if (err instanceof LuaString || err instanceof Double) {
                            throw LuaError.fromLibrary(Interp.toStr(err)); // luaL_where(L, 1) .. message
                        }
                        throw new LuaError(err);
                    }
                });
            }
        });
    }
}
