package io.cinnabar.server.internal.replication;

import io.cinnabar.server.internal.command.Client;

/**
 * The replica side: the link to this server's master.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
final class MasterLink {
    final String host;
    final int port;

    MasterLink(String host, int port) {
        this.host = host;
        this.port = port;
    }

    boolean connected() {
        return false;
    }

    String roleState() {
        return "connect";
    }

    long offset() {
        return -1;
    }

    void sendAck() {
    }

    long beforeSleep() {
        return Long.MAX_VALUE;
    }

    void cron(long now) {
    }

    void masterClientFreed(Client c) {
    }

    void info(StringBuilder b, long now) {
    }
}
