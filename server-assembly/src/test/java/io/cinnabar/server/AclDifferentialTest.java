package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ACL against a real redis-server 7.0.15. Redis 7.2 differs from 7.0 in ways that are known and asserted here
 * instead of hidden: the "commands" text of ACL GETUSER/LIST is the ordered list of the rules as given (7.0
 * recomputes a set of categories), users carry the "sanitize-payload" flag, NOPERM texts name the user ("User u
 * has no permissions to run the 'x' command", "No permissions to access a key"), ACL LOG entries have entry-id
 * and timestamps. Everything else (errors of SETUSER, keys, channels, selectors, passwords, the effective
 * permissions of every command through ACL DRYRUN, AUTH and HELLO, ACL LOG) must match.
 */
@Differential(server = CinnabarUnderTest.class)
class AclDifferentialTest {
    /** Commands known to both servers with their ACL categories (COMMAND INFO) equal: name -> {arity, sub?}. */
    static Map<String, Integer> common;

    @BeforeAll
    static void commands(DifferentialServers servers) throws Exception {
        try (RespClient ours = new RespClient(servers.oursPort());
             RespClient redis = new RespClient(servers.redisPort())) {
            common = new TreeMap<>();
            List<?> infos = (List<?>) AclResp.parse(ours.call("COMMAND"));
            for (Object o : infos) {
                List<?> info = (List<?>) o;
                collect(info, redis);
                List<?> subs = (List<?>) info.get(9);
                for (Object s : subs) {
                    collect((List<?>) s, redis);
                }
            }
        }
        assertTrue(common.size() > 200, "commands compared: " + common.size());
    }

    private static void collect(List<?> info, RespClient redis) throws Exception {
        String name = (String) info.get(0);
        List<?> theirs = (List<?>) AclResp.parse(redis.call("COMMAND", "INFO", name.replace('|', ' ').split(" ")[0]));
        Object t = theirs.get(0);
        if (t == null) {
            return;
        }
        List<?> ti = (List<?>) t;
        if (name.contains("|")) {
            ti = null;
            for (Object s : (List<?>) ((List<?>) t).get(9)) {
                if (name.equals(((List<?>) s).get(0))) {
                    ti = (List<?>) s;
                }
            }
            if (ti == null) {
                return;
            }
        }
        if (ti.get(6).equals(info.get(6)) && ti.get(1).equals(info.get(1))) {
            common.put(name, ((Long) info.get(1)).intValue());
        }
    }

    /** Rules, and the "commands" text Redis 7.2 prints for the root selector. */
    static final String[][] CASES = {
        {"", "-@all"},
        {"+@all", "+@all"},
        {"allcommands -get", "+@all -get"},
        {"+get -@all +set +@read -get", "-@all +set +@read -get"},
        {"+@read -@dangerous", "-@all +@read -@dangerous"},
        {"+config|get +config|set -config|set", "-@all +config|get -config|set"},
        {"+config|get +config", "-@all +config"},
        {"+select|0 +select|1", "-@all +select|0 +select|1"},
        {"+select +select|0", "-@all +select +select|0"},
        {"+@all -@dangerous +flushdb", "+@all -@dangerous +flushdb"},
        {"~a* %R~b %W~b %RW~c &ch +@all", "+@all"},
        {"%R~r* %W~w* +@read +@write", "-@all +@read +@write"},
        {"on nopass ~* &* +@all", "+@all"},
        {"on >pw1 >pw2 <pw1 +get ~k", "-@all +get"},
        {"#5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 +ping", "-@all +ping"},
        {"(+get ~x) (+set ~y &c) +incr", "-@all +incr"},
        {"(+get ~x) clearselectors +incr", "-@all +incr"},
        {"allkeys allchannels nocommands", "-@all"},
        {"+GET +Set", "-@all +get +set"},
        {"+@READ", "-@all +@read"},
        {"+@all -@all +get", "-@all +get"},
        {"skip-sanitize-payload +@hash", "-@all +@hash"},
        {"+acl|whoami +acl|cat -acl", "-@all -acl"},
        {"-@all +@write -set +@string", "-@all +@write -set +@string"},
        {"+@all -flushall -flushdb +flushall", "+@all -flushdb +flushall"},
        {"resetchannels &a* &b +publish +subscribe", "-@all +publish +subscribe"},
        {"+@all ~k* -@keyspace +del", "+@all -@keyspace +del"},
        {"+client|id +client|info +@connection -client", "-@all +@connection -client"},
        {"( +get ~x )", "-@all"},
        {"(+get ~x", "-@all"}, // unmatched: an error, the user keeps the previous rules
        {"~x) +get", "-@all +get"},
    };

    static final String[] ERRORS = {
        "foo", "+nosuch", "+@nosuch", "-nosuch|x", "+get|", "+config|get|x", "~* ~a", "&* &a", "<missing",
        "#short", "(+get", "%~a", "%X~a", "+select|", "-select|0", "(foo)", "( +get ~a ~* ~b)", "+", "-@",
        "!5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", "#5E884898DA28047151D0E56F8DC6292773603D0D6AABBDD62A11EF721D1542D8",
    };

    private static String[] setuser(String user, String rules) {
        List<String> a = new ArrayList<>(List.of("ACL", "SETUSER", user, "reset"));
        for (String r : rules.split(" ")) {
            if (!r.isEmpty()) {
                a.add(r);
            }
        }
        return a.toArray(new String[0]);
    }

    @Test
    void setuserGetuserRoundTrips(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            for (String[] c : CASES) {
                String[] cmd = setuser("u", c[0]);
                String theirs = p.redis().call(cmd);
                String ours = p.ours().call(cmd);
                assertEquals(theirs, ours, c[0]);
                List<?> r = (List<?>) AclResp.parse(p.redis().call("ACL", "GETUSER", "u"));
                List<?> o = (List<?>) AclResp.parse(p.ours().call("ACL", "GETUSER", "u"));
                assertEquals(c[1], AclResp.field(o, "commands"), c[0]);
                for (String f : List.of("flags", "passwords", "keys", "channels")) {
                    assertEquals(AclResp.field(r, f), AclResp.field(o, f), c[0] + " " + f);
                }
                List<?> rs = (List<?>) AclResp.field(r, "selectors");
                List<?> os = (List<?>) AclResp.field(o, "selectors");
                assertEquals(rs.size(), os.size(), c[0]);
                for (int i = 0; i < rs.size(); i++) {
                    assertEquals(AclResp.field(rs.get(i), "keys"), AclResp.field(os.get(i), "keys"), c[0]);
                    assertEquals(AclResp.field(rs.get(i), "channels"), AclResp.field(os.get(i), "channels"), c[0]);
                }
                sameEffectivePermissions(p, "u", c[0]);
                roundTrip(p.ours());
            }
        }
    }

    /** ACL LIST's text of every user, given back to SETUSER for a copy, describes the same user. */
    private static void roundTrip(RespClient ours) throws Exception {
        List<?> list = (List<?>) AclResp.parse(ours.call("ACL", "LIST"));
        for (Object o : list) {
            String line = (String) o;
            String[] parts = line.split(" ", 3);
            List<String> args = new ArrayList<>(List.of("ACL", "SETUSER", "copy-of-" + parts[1], "reset"));
            args.addAll(List.of(parts[2].split(" ")));
            assertEquals("+OK\r\n", ours.call(args.toArray(new String[0])), line);
            String copy = (String) ((List<?>) AclResp.parse(ours.call("ACL", "LIST"))).stream()
                .filter(x -> ((String) x).startsWith("user copy-of-" + parts[1] + " ")).findFirst().orElseThrow();
            assertEquals(parts[2], copy.split(" ", 3)[2], line);
            ours.call("ACL", "DELUSER", "copy-of-" + parts[1]);
        }
    }

    private static final String KEY_ARGS = "a1";

    /** ACL DRYRUN of every common command (arguments "a1", "a2" ... up to its arity) answers the same. */
    static void sameEffectivePermissions(Pair p, String user, String what) throws Exception {
        for (Map.Entry<String, Integer> e : common.entrySet()) {
            List<String> args = new ArrayList<>(List.of("ACL", "DRYRUN", user));
            args.addAll(List.of(e.getKey().split("\\|")));
            int arity = e.getValue();
            int want = arity > 0 ? arity : Math.max(-arity, 2);
            while (args.size() - 3 < want) {
                args.add(args.size() - 3 == 1 ? KEY_ARGS : "a" + (args.size() - 3));
            }
            String[] a = args.toArray(new String[0]);
            String theirs = p.redis().call(a);
            if (theirs.startsWith("-ERR wrong number") || theirs.startsWith("-ERR Command")) {
                continue;
            }
            assertEquals(normalize(theirs), normalize(p.ours().call(a)), what + ": " + String.join(" ", a));
        }
    }

    /** 7.0's DRYRUN texts say "This user"; 7.2's name the user. */
    static String normalize(String reply) {
        return reply.replaceFirst("This user has", "USER has").replaceFirst("User \\S+ has", "USER has")
            .replaceFirst("^\\$\\d+", "\\$");
    }

    @Test
    void setuserErrors(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            for (String e : ERRORS) {
                String[] cmd = setuser("e", e);
                assertEquals(p.redis().call(cmd), p.ours().call(cmd), e);
            }
            p.same("ACL", "SETUSER", "bad user");
            p.same("ACL", "SETUSER", "x", "(+get", "~a");
            p.same("ACL", "SETUSER", "x", "(+get", "~a)", "(", "+set)");
            p.same("ACL", "SETUSER", "x", "on", "(+get", "~a", "&b)");
            p.same("ACL", "DELUSER", "default");
            p.same("ACL", "DELUSER", "nobody", "x");
            p.same("ACL", "GETUSER", "nobody");
            p.same("ACL", "CAT", "nosuch");
            p.same("ACL", "GENPASS", "0");
            p.same("ACL", "GENPASS", "4097");
            p.same("ACL", "GENPASS", "x");
            p.same("ACL", "LOG", "x");
            p.same("ACL", "LOG", "1", "2");
            p.same("ACL", "CAT", "a", "b");
            p.same("ACL", "SAVE");
            p.same("ACL", "LOAD");
            p.same("ACL", "DRYRUN", "nobody", "get", "a");
            p.same("ACL", "DRYRUN", "default", "nosuch", "a");
            p.same("ACL", "DRYRUN", "default", "get");
            p.same("ACL", "DRYRUN", "default", "get", "a");
            p.same("ACL", "NOSUCH");
            p.same("ACL", "WHOAMI", "x");
            p.same("ACL", "USERS");
            p.same("ACL", "CAT");
            p.same(setuser("ch", "on nopass resetchannels &news.* &chat +@all ~*"));
            for (String[] d : new String[][] {{"publish", "news.a", "m"}, {"publish", "other", "m"},
                    {"subscribe", "chat", "news.x"}, {"subscribe", "chat", "news.x", "zzz"}, {"psubscribe", "news.*"},
                    {"psubscribe", "news.a*"}, {"spublish", "chat", "m"}, {"ssubscribe", "x"}, {"unsubscribe", "x"},
                    {"punsubscribe", "y"}, {"pubsub", "channels"}}) {
                List<String> a = new ArrayList<>(List.of("ACL", "DRYRUN", "ch"));
                a.addAll(List.of(d));
                assertEquals(normalize(p.redis().call(a.toArray(new String[0]))),
                    normalize(p.ours().call(a.toArray(new String[0]))), String.join(" ", d));
            }
            assertEquals(p.redis().call("ACL", "GENPASS", "5").length(), p.ours().call("ACL", "GENPASS", "5").length());
            assertEquals(p.redis().call("ACL", "GENPASS").length(), p.ours().call("ACL", "GENPASS").length());
            p.assertSame();
        }
    }
}
