/**
 * Redis Cluster (Redis's cluster.c): the bus message format ({@code BusDescriptor}, {@code BusCodec}), key slots
 * ({@code KeySlots}), the node table and slot map ({@code ClusterState}, {@code ClusterNode}), {@code nodes.conf}
 * ({@code NodesConf}), the bus links and gossip ({@code ClusterBus}), the CLUSTER, ASKING, READONLY and READWRITE
 * commands ({@code ClusterCommands}), and the redirection check of the command pipeline (MOVED, ASK, CROSSSLOT,
 * TRYAGAIN, CLUSTERDOWN) behind {@code command.ClusterRouting}.
 * <p>
 * May call: {@code config}, {@code keyspace}, {@code command}, {@code pubsub} (through {@code command.PubSub}).
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.cluster;
