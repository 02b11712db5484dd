package io.cinnabar.rdb;

import static io.cinnabar.rdb.RdbFormat.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.listpack.Listpack;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/**
 * Records no fixture carries, built byte by byte: Redis 7.4 hash field expiry (types 22-25), SLOT_INFO, IDLE, FREQ,
 * EXPIRETIME in seconds, MODULE_AUX, module values (reported and skipped, or refused), the pre-GA function opcode,
 * old versions without checksum, and checksum mismatches.
 */
class OpcodesTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A file of {@code version} whose body {@code body} writes with the writer's primitives. */
    static byte[] file(int version, Consumer<RdbWriter> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RdbWriter w = RdbWriter.create(out, 11);
        w.raw(String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII));
        body.accept(w);
        w.u8(OPCODE_EOF);
        if (version >= 5) {
            w.longLE(w.crcSoFar());
        }
        w.crcSoFar();
        return out.toByteArray();
    }

    static final class Log implements RdbVisitor {
        final List<String> events = new ArrayList<>();

        @Override
        public void beginKey(RdbKey k) {
            events.add("key " + new String(k.key()) + " " + k.family() + " " + k.encoding() + " exp=" + k.expireAtMs()
                + " idle=" + k.idleSeconds() + " freq=" + k.freq());
        }

        @Override
        public void hashEntry(byte[] f, byte[] v, long e) {
            events.add(new String(f) + "=" + new String(v) + "@" + e);
        }

        @Override
        public void slotInfo(long slot, long size, long expires) {
            events.add("slot " + slot + " " + size + " " + expires);
        }

        @Override
        public void moduleAux(long id, String name, long when) {
            events.add("aux-module " + name + " when=" + when);
        }

        @Override
        public void moduleValue(long id, String name) {
            events.add("module " + name);
        }

        @Override
        public void string(byte[] v) {
            events.add("string " + new String(v));
        }
    }

    static List<String> read(byte[] f, boolean skipModules) {
        Log l = new Log();
        RdbReader.of(f).skipModules(skipModules).read(l);
        return l.events;
    }

    static long moduleId(String name, int version) {
        String cs = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        long id = 0;
        for (char c : name.toCharArray()) {
            id = (id << 6) | cs.indexOf(c);
        }
        return (id << 10) | version;
    }

    @Test
    void hashFieldExpiry() {
        byte[] f = file(12, w -> {
            w.u8(OPCODE_SELECTDB);
            w.length(0);
            w.u8(OPCODE_SLOT_INFO);
            w.length(42);
            w.length(3);
            w.length(1);
            // type 24: min expire, count, then ttl (relative + 1, 0 = none), field, value
            w.u8(TYPE_HASH_METADATA);
            w.string(b("h24"));
            w.longLE(1_000_000);
            w.length(2);
            w.length(0);
            w.string(b("a"));
            w.string(b("1"));
            w.length(501);
            w.string(b("b"));
            w.string(b("2"));
            // type 22: count, absolute ttl, field, value
            w.u8(TYPE_HASH_METADATA_PRE_GA);
            w.string(b("h22"));
            w.length(1);
            w.length(7777);
            w.string(b("c"));
            w.string(b("3"));
            // type 25: min expire then a listpack of field, value, ttl (0 = none)
            w.u8(TYPE_HASH_LISTPACK_EX);
            w.string(b("h25"));
            w.longLE(5);
            w.string(Listpack.encode(List.of(b("d"), b("4"), b("0"), b("e"), b("5"), b("123456"))));
            w.u8(TYPE_HASH_LISTPACK_EX_PRE_GA);
            w.string(b("h23"));
            w.string(Listpack.encode(List.of(b("f"), b("6"), b("99"))));
        });
        assertEquals(List.of("slot 42 3 1",
            "key h24 hash hashtable-ex exp=-1 idle=-1 freq=-1", "a=1@-1", "b=2@1000500",
            "key h22 hash hashtable-ex exp=-1 idle=-1 freq=-1", "c=3@7777",
            "key h25 hash listpack-ex exp=-1 idle=-1 freq=-1", "d=4@-1", "e=5@123456",
            "key h23 hash listpack-ex exp=-1 idle=-1 freq=-1", "f=6@99"), read(f, false));
    }

    @Test
    void idleFreqAndSecondExpiry() {
        byte[] f = file(9, w -> {
            w.u8(OPCODE_IDLE);
            w.length(300);
            w.u8(OPCODE_EXPIRETIME);
            for (int i = 0; i < 4; i++) {
                w.u8((int) (1700000000L >>> (8 * i)) & 0xff);
            }
            w.u8(TYPE_STRING);
            w.string(b("k"));
            w.string(b("v"));
            w.u8(OPCODE_FREQ);
            w.u8(7);
            w.u8(TYPE_STRING);
            w.string(b("k2"));
            w.string(b("12"));
        });
        assertEquals(List.of("key k string raw exp=1700000000000 idle=300 freq=-1", "string v",
            "key k2 string int exp=-1 idle=-1 freq=7", "string 12"), read(f, false));
    }

    private static byte[] withModules() {
        long id = moduleId("hellotype", 2);
        return file(10, w -> {
            w.u8(OPCODE_MODULE_AUX);
            w.length(id);
            w.length(MODULE_OPCODE_UINT);
            w.length(2);
            w.length(MODULE_OPCODE_STRING);
            w.string(b("aux data"));
            w.length(MODULE_OPCODE_EOF);
            w.u8(TYPE_MODULE_2);
            w.string(b("m"));
            w.length(id);
            w.length(MODULE_OPCODE_SINT);
            w.length(5);
            w.length(MODULE_OPCODE_FLOAT);
            w.raw(new byte[4]);
            w.length(MODULE_OPCODE_DOUBLE);
            w.raw(new byte[8]);
            w.length(MODULE_OPCODE_STRING);
            w.string(b("payload"));
            w.length(MODULE_OPCODE_EOF);
            w.u8(TYPE_STRING);
            w.string(b("after"));
            w.string(b("x"));
        });
    }

    @Test
    void modulesAreReportedAndSkippedOnRequest() {
        assertEquals(List.of("aux-module hellotype when=2", "key m module module exp=-1 idle=-1 freq=-1", "module hellotype",
            "key after string raw exp=-1 idle=-1 freq=-1", "string x"), read(withModules(), true));
        RdbException e = assertThrows(RdbException.class, () -> read(withModules(), false));
        assertTrue(e.getMessage().contains("hellotype") && e.getMessage().contains("for key m"), e.getMessage());
    }

    @Test
    void refusedFormats() {
        byte[] fn = file(10, w -> {
            w.u8(OPCODE_FUNCTION_PRE_GA);
            w.string(b("x"));
        });
        assertTrue(assertThrows(RdbException.class, () -> read(fn, true)).getMessage().contains("pre-GA function"));
        byte[] m6 = file(8, w -> {
            w.u8(TYPE_MODULE_PRE_GA);
            w.string(b("m"));
            w.length(moduleId("oldmodule", 0));
        });
        assertTrue(assertThrows(RdbException.class, () -> read(m6, true)).getMessage().contains("oldmodule"));
        byte[] v13 = file(11, w -> { });
        v13[8] = '3';
        assertThrows(RdbException.class, () -> read(v13, true));
    }

    @Test
    void checksum() {
        byte[] ok = file(6, w -> {
            w.u8(TYPE_STRING);
            w.string(b("k"));
            w.string(b("v"));
        });
        read(ok, false);
        byte[] bad = ok.clone();
        bad[bad.length - 1] ^= 1;
        RdbException e = assertThrows(RdbException.class, () -> read(bad, false));
        assertEquals(ok.length - 8, e.offset());
        byte[] zero = ok.clone();
        java.util.Arrays.fill(zero, zero.length - 8, zero.length, (byte) 0);
        read(zero, false); // zero = checksum disabled
        byte[] v4 = file(4, w -> {
            w.u8(TYPE_STRING);
            w.string(b("k"));
            w.string(b("v"));
        });
        assertEquals(List.of("key k string raw exp=-1 idle=-1 freq=-1", "string v"), read(v4, false));
    }
}
