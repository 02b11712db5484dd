/**
 * Redis RDB files and DUMP payloads.
 *
 * <h2>Design</h2>
 * Reading is a single forward pass that pushes what it finds into an {@link io.cinnabar.rdb.RdbVisitor}: the
 * reader never builds a dataset, so memory is a fixed read buffer plus the largest single element, blob or string,
 * and a caller decides what to keep. Encoded blobs (listpack, intset, ziplist, zipmap, stream nodes) are offered
 * whole before they are decoded ({@link io.cinnabar.rdb.RdbVisitor#blob}), so a server can adopt a listpack as it
 * is, the point of keeping Redis's encodings. Writing ({@link io.cinnabar.rdb.RdbWriter}) is the mirror image:
 * records and values in file order through a buffer that keeps the running CRC64.
 *
 * <h2>Trust</h2>
 * Files and payloads are untrusted. Every length is checked against the bytes that remain before anything is
 * allocated for it; every blob is validated in full by its owning module (listpack, intset, lzf) or by this one
 * (ziplist, zipmap, stream entries); every failure is one {@link io.cinnabar.rdb.RdbException} naming the byte
 * offset. The byte layouts are drawn in {@link io.cinnabar.rdb.RdbFormat}, {@link io.cinnabar.rdb.Ziplist},
 * {@link io.cinnabar.rdb.Zipmap} and {@link io.cinnabar.rdb.DumpPayload}.
 */
package io.cinnabar.rdb;
