/**
 * Sentinel mode (Redis's sentinel.c): a server started with {@code --sentinel} (or with {@code sentinel} lines in
 * its config file) watches masters and their replicas, agrees with its fellow sentinels that a master is down,
 * elects a leader by epochs and fails the master over, and tells clients where the master is.
 * <p>
 * {@code Sentinel} holds the state and runs the timer from the server cron; {@code Monitor} keeps the links
 * (command and Pub/Sub connections made with {@code command.Outbound}), sends PING, INFO and hello messages and
 * judges SDOWN; {@code Failover} judges ODOWN, votes and runs the failover state machine; {@code SentinelConfig}
 * reads and rewrites the {@code sentinel} lines of the config file; {@code SentinelCommands} serves
 * {@code SENTINEL ...}, INFO, ROLE and PUBLISH; {@code Scripts} runs the notification and client-reconfig scripts.
 * <p>
 * May call: {@code config}, {@code command} (and the RESP codec for the replies of the watched servers).
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.sentinel;
