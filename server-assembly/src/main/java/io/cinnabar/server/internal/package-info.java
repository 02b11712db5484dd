/**
 * Assembly: builds the server from its parts ({@link io.cinnabar.server.internal.Assembly}) and holds the one list
 * of command families. It is the only package that knows every other one: it creates the command pipeline, the
 * event loop and the blocking code, and wires them through the interfaces the lower packages own
 * ({@code command.Connections}, {@code command.BlockedClients}, {@code keyspace.KeyspaceListener}).
 * <p>
 * Layers, bottom to top (a package may use only its own layer and the ones below; {@code ArchitectureTest}
 * checks it, and that no two packages form a cycle):
 * <pre>
 * config -&gt; keyspace -&gt; command -&gt; propagate -&gt; blocking -&gt; type -&gt; type.* -&gt; generic -&gt; persist
 *        -&gt; admin -&gt; net -&gt; internal (Assembly) -&gt; warmup -&gt; io.cinnabar.server (API, Launcher)
 * </pre>
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal;
