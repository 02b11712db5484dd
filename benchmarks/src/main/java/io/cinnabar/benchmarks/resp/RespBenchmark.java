package io.cinnabar.benchmarks.resp;

import io.cinnabar.resp.ReplyDecoder;
import io.cinnabar.resp.ReplyEncoder;
import io.cinnabar.resp.ReplyVisitor;
import io.cinnabar.resp.RequestDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.handler.codec.redis.RedisEncoder;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.util.ReferenceCountUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * RESP decode and encode against Netty's codec-redis (4.1), the RESP codec a Java developer would otherwise
 * pick. Each benchmark operation processes one whole input:
 * <ul>
 * <li>{@code *SetPipeline}: a pipeline of 100 {@code SET key:<i> value:<i>} requests (3 bulk arguments each,
 *     about 45 bytes each). Decode: our RequestDecoder (argument slices) vs RedisDecoder + RedisArrayAggregator +
 *     RedisBulkStringAggregator in an EmbeddedChannel (full array messages, then released). Encode: the same
 *     requests written as RESP arrays: our ReplyEncoder into its reusable array vs RedisEncoder of
 *     ArrayRedisMessage of FullBulkStringRedisMessage (message objects built per operation, as a Netty user
 *     does).</li>
 * <li>{@code *LargeBulk}: one 1 MiB bulk string reply. Decode: our ReplyDecoder with a visitor that reads the
 *     slice vs RedisDecoder + RedisBulkStringAggregator. Encode: our addBulk (copies into the buffer) vs
 *     RedisEncoder (writes the header and passes the payload buffer on without copying).</li>
 * </ul>
 * ns/command = ns/op / 100 for the pipelines; MB/s = input bytes / (ns/op). Netty runs with
 * {@code -Dio.netty.leakDetection.level=disabled} (see the README's command) so that leak sampling is not measured.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RespBenchmark {
    static final int COMMANDS = 100;
    static final int LARGE = 1 << 20;

    byte[] pipeline;
    byte[][][] args;
    byte[] largeReply;
    byte[] largePayload;

    final RequestDecoder requestDecoder = new RequestDecoder();
    final ReplyDecoder replyDecoder = new ReplyDecoder();
    final ReplyEncoder encoder = new ReplyEncoder(1 << 16);
    final SliceSink sink = new SliceSink();
    EmbeddedChannel nettyDecoder;
    EmbeddedChannel nettyEncoder;

    @Setup
    public void setup() {
        args = new byte[COMMANDS][][];
        ReplyEncoder e = new ReplyEncoder();
        for (int i = 0; i < COMMANDS; i++) {
            args[i] = new byte[][] {b("SET"), b("key:" + (100000 + i)), b("value:" + (1000000 + i) + "-abcdefgh")};
            e.addArrayLen(3);
            for (byte[] a : args[i]) {
                e.addBulk(a);
            }
        }
        pipeline = e.toByteArray();
        largePayload = new byte[LARGE];
        Arrays.fill(largePayload, (byte) 'x');
        largeReply = new ReplyEncoder(LARGE + 64).addBulk(largePayload).toByteArray();
        nettyDecoder = new EmbeddedChannel(new RedisDecoder(), new RedisBulkStringAggregator(),
            new RedisArrayAggregator());
        nettyEncoder = new EmbeddedChannel(new RedisEncoder());
    }

    @TearDown
    public void tearDown() {
        nettyDecoder.finishAndReleaseAll();
        nettyEncoder.finishAndReleaseAll();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------- decode

    @Benchmark
    public long decodeSetPipelineCinnabar() {
        RequestDecoder d = requestDecoder;
        byte[] buf = pipeline;
        int from = 0;
        long sum = 0;
        while (d.decode(buf, from, buf.length) == RequestDecoder.COMMAND) {
            for (int i = 0; i < d.argc(); i++) {
                sum += d.argOffset(i) + d.argLength(i);
            }
            from += d.consumed();
        }
        return sum;
    }

    @Benchmark
    public void decodeSetPipelineNetty(Blackhole bh) {
        nettyDecoder.writeInbound(Unpooled.wrappedBuffer(pipeline));
        drainInbound(bh);
    }

    @Benchmark
    public long decodeLargeBulkCinnabar() {
        sink.sum = 0;
        replyDecoder.decode(largeReply, 0, largeReply.length, sink);
        return sink.sum;
    }

    @Benchmark
    public void decodeLargeBulkNetty(Blackhole bh) {
        nettyDecoder.writeInbound(Unpooled.wrappedBuffer(largeReply));
        drainInbound(bh);
    }

    private void drainInbound(Blackhole bh) {
        Object m;
        while ((m = nettyDecoder.readInbound()) != null) {
            bh.consume(m);
            ReferenceCountUtil.release(m);
        }
    }

    // ------------------------------------------------------------- encode

    @Benchmark
    public int encodeSetPipelineCinnabar() {
        ReplyEncoder e = encoder;
        e.clear();
        for (byte[][] cmd : args) {
            e.addArrayLen(cmd.length);
            for (byte[] a : cmd) {
                e.addBulk(a, 0, a.length);
            }
        }
        return e.length();
    }

    @Benchmark
    public void encodeSetPipelineNetty(Blackhole bh) {
        for (byte[][] cmd : args) {
            List<RedisMessage> children = new ArrayList<>(cmd.length);
            for (byte[] a : cmd) {
                children.add(new FullBulkStringRedisMessage(Unpooled.wrappedBuffer(a)));
            }
            nettyEncoder.write(new ArrayRedisMessage(children));
        }
        nettyEncoder.flush();
        drainOutbound(bh);
    }

    @Benchmark
    public int encodeLargeBulkCinnabar() {
        encoder.clear();
        encoder.addBulk(largePayload, 0, largePayload.length);
        return encoder.length();
    }

    @Benchmark
    public void encodeLargeBulkNetty(Blackhole bh) {
        nettyEncoder.writeOutbound(new FullBulkStringRedisMessage(Unpooled.wrappedBuffer(largePayload)));
        drainOutbound(bh);
    }

    private void drainOutbound(Blackhole bh) {
        Object m;
        while ((m = nettyEncoder.readOutbound()) != null) {
            bh.consume(((ByteBuf) m).readableBytes());
            ReferenceCountUtil.release(m);
        }
    }

    /** Reads slices the way a client would before handing them on: no copy. */
    static final class SliceSink implements ReplyVisitor {
        long sum;

        @Override public void simpleString(byte[] buf, int off, int len) { sum += len; }
        @Override public void error(byte[] buf, int off, int len) { sum += len; }
        @Override public void integer(long value) { sum += value; }
        @Override public void bulkString(byte[] buf, int off, int len) { sum += len + buf[off]; }
        @Override public void nullBulk() { sum++; }
        @Override public void nullArray() { sum++; }
        @Override public void nil() { sum++; }
        @Override public void doubleValue(double value) { sum += (long) value; }
        @Override public void bool(boolean value) { sum++; }
        @Override public void blobError(byte[] buf, int off, int len) { sum += len; }
        @Override public void verbatim(byte[] buf, int formatOff, int off, int len) { sum += len; }
        @Override public void bigNumber(byte[] buf, int off, int len) { sum += len; }
        @Override public void beginArray(long count) { sum += count; }
        @Override public void beginMap(long count) { sum += count; }
        @Override public void beginSet(long count) { sum += count; }
        @Override public void beginPush(long count) { sum += count; }
        @Override public void beginAttribute(long count) { sum += count; }
        @Override public void end() { sum++; }
        @Override public void beginStreamedString() { sum++; }
        @Override public void streamedStringChunk(byte[] buf, int off, int len) { sum += len; }
        @Override public void endStreamedString() { sum++; }
    }
}
