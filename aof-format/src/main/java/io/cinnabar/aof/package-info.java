/**
 * Redis append-only files.
 *
 * <h2>Design</h2>
 * An AOF is read the way Redis loads it: the manifest ({@link io.cinnabar.aof.AofManifest}) gives the files and
 * their order, each file may open with an RDB preamble (handed to rdb-format's reader, so the same visitor sees
 * keys and then commands), and the rest is RESP multibulk commands and {@code #} annotations
 * ({@link io.cinnabar.aof.AofCommandReader}). Only a cut-short tail of the last file is tolerated, as with
 * {@code aof-load-truncated yes}; {@link io.cinnabar.aof.AofReader#fix} truncates it like
 * {@code redis-check-aof --fix}. Nothing here knows command semantics: replaying commands is the server's job.
 */
package io.cinnabar.aof;
