package io.cinnabar.server.internal.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The pipeline scanner against a model: a query buffer of multibulk commands (arguments of any bytes, CR and LF
 * included, none, one or several), inline commands among them, and a last command cut anywhere, between bytes that
 * are not the client's. The scanner reports the first argument of each complete multibulk command up to the first
 * inline or cut one (at most {@link PipelineKeys#MAX} commands) and where they end; on any bytes it never throws and
 * never reads outside its range.
 */
class PipelineKeysProperties {

    /** A command: its arguments, or null for an inline "PING\r\n". */
    record Cmd(List<byte[]> args) {
    }

    @Provide
    Arbitrary<List<Cmd>> commands() {
        Arbitrary<byte[]> arg = Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
                Arbitraries.of("\r\n", "$1\r\n", "*2\r\n", "").map(x -> x.getBytes(StandardCharsets.US_ASCII)));
        Arbitrary<Cmd> multibulk = arg.list().ofMaxSize(5).map(Cmd::new);
        Arbitrary<Cmd> inline = Arbitraries.just(new Cmd(null));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(12, multibulk), net.jqwik.api.Tuple.of(1, inline))
                .list().ofMaxSize(PipelineKeys.MAX + 8);
    }

    static byte[] encode(Cmd c) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        if (c.args == null) {
            o.writeBytes("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            return o.toByteArray();
        }
        o.writeBytes(("*" + c.args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : c.args) {
            o.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            o.writeBytes(a);
            o.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return o.toByteArray();
    }

    @Property(tries = 500)
    void firstArgumentsOfTheCompleteCommands(@ForAll("commands") List<Cmd> cmds,
            @ForAll @IntRange(min = 0, max = 1000) int cutPermille, @ForAll @Size(max = 8) byte[] before,
            @ForAll @Size(max = 8) byte[] after) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(before);
        int from = o.size();
        List<Integer> ends = new ArrayList<>();
        for (Cmd c : cmds) {
            o.writeBytes(encode(c));
            ends.add(o.size());
        }
        int full = o.size();
        // the bytes that arrived: all, or cut inside the last command
        int to = full;
        if (!cmds.isEmpty() && cutPermille < 1000) {
            int lastStart = cmds.size() == 1 ? from : ends.get(cmds.size() - 2);
            to = lastStart + (int) ((long) (full - lastStart) * cutPermille / 1000);
        }
        o.writeBytes(after);
        byte[] buf = o.toByteArray();
        // the model
        List<byte[]> keys = new ArrayList<>();
        int end = from;
        int taken = 0;
        for (int i = 0; i < cmds.size() && taken < PipelineKeys.MAX; i++, taken++) {
            Cmd c = cmds.get(i);
            if (c.args == null || ends.get(i) > to) {
                break;
            }
            if (c.args.size() >= 2) {
                keys.add(c.args.get(1));
            }
            end = ends.get(i);
        }
        PipelineKeys k = new PipelineKeys();
        assertEquals(end, k.scan(buf, from, to), "end of the scanned commands");
        assertEquals(keys.size(), k.count, "keys found");
        for (int i = 0; i < keys.size(); i++) {
            assertArrayEquals(keys.get(i), Arrays.copyOfRange(buf, k.off[i], k.off[i] + k.len[i]), "key " + i);
        }
    }

    @Property(tries = 1000)
    void anyBytesNeverThrowAndStayInRange(@ForAll @Size(max = 200) byte[] junk,
            @ForAll @IntRange(min = 0, max = 200) int a, @ForAll @IntRange(min = 0, max = 200) int b) {
        // bytes biased towards the protocol's own: '*', '$', digits, CR, LF
        byte[] alphabet = "*$0123456789\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] buf = junk.clone();
        for (int i = 0; i < buf.length; i++) {
            if ((buf[i] & 1) == 0) {
                buf[i] = alphabet[(buf[i] & 0xFF) % alphabet.length];
            }
        }
        int from = Math.min(a, buf.length);
        int to = Math.max(from, Math.min(b, buf.length));
        PipelineKeys k = new PipelineKeys();
        int end = k.scan(buf, from, to);
        assertTrue(end >= from && end <= to, "end " + end + " outside [" + from + ", " + to + "]");
        assertTrue(k.count >= 0 && k.count <= PipelineKeys.MAX);
        for (int i = 0; i < k.count; i++) {
            assertTrue(k.off[i] >= from && k.off[i] + k.len[i] <= end, "key " + i + " outside the commands");
        }
    }

    @Example
    void hugeOrNegativeLengthsStopTheScan() {
        PipelineKeys k = new PipelineKeys();
        byte[] ok = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n".getBytes(StandardCharsets.US_ASCII);
        for (String tail : new String[] {"*2\r\n$3\r\nGET\r\n$9999999999\r\nk\r\n", "*-1\r\n", "*2\r\n$-1\r\n",
            "*1000000000\r\n$1\r\nx\r\n", "*2\n$3\r\nGET\r\n$1\r\nk\r\n", "*\r\n", "$1\r\nx\r\n"}) {
            byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
            byte[] buf = Arrays.copyOf(ok, ok.length + t.length);
            System.arraycopy(t, 0, buf, ok.length, t.length);
            assertEquals(ok.length, k.scan(buf, 0, buf.length), tail);
            assertEquals(1, k.count, tail);
            assertEquals(17, k.off[0], tail);
            assertEquals(1, k.len[0], tail);
        }
    }
}
