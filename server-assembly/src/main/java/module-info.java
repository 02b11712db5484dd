/**
 * The Cinnabar server: a Redis 7.2 compatible server (event loop, keyspace, commands, launcher).
 * Start it with {@code bin/cinnabar-server} or embed it with {@link io.cinnabar.server.CinnabarServer#builder()}.
 * {@code jdk.unsupported} gives the launcher {@code sun.misc.Signal} for Redis's SIGTERM/SIGINT handling.
 * {@code java.management} gives the heap guard the collectors' notifications.
 */
module io.cinnabar.server {
    requires jdk.unsupported;
    requires jdk.net;
    requires java.management;
    requires io.cinnabar.resp;
    requires io.cinnabar.listpack;
    requires io.cinnabar.intset;
    requires io.cinnabar.dict;
    requires io.cinnabar.skiplist;
    requires io.cinnabar.sds;
    requires io.cinnabar.quicklist;
    requires io.cinnabar.rax;
    requires io.cinnabar.rdb;
    requires io.cinnabar.aof;
    requires io.cinnabar.hll;
    requires io.cinnabar.lua;
    requires org.agrona.core;
    exports io.cinnabar.server;
}
