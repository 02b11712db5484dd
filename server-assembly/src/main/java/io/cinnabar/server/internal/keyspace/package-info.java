/**
 * The databases: the table of keys ({@code Db} over an off-heap table of {@code keyspace.mem}, {@code Entry} views
 * of its entries, unique per key until {@code Keyspace.releaseViews}), expiry bookkeeping, the value base type
 * ({@code TypedValue}) and the listener seam ({@code KeyspaceListener}) through which higher layers (blocked
 * clients, WATCH; later tracking, snapshots) learn that a key was added, changed or removed; the write ends of
 * commands ({@code Keyspace.modified}/{@code changes}: the dirty counter moves only here) and keyspace
 * notifications ({@code KeyspaceEvents}, published through the {@code EventPublisher} interface).
 * <p>
 * May call: {@code config}, {@code keyspace.mem}. Never a higher layer by name: what must react to a key registers a listener.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.keyspace;
