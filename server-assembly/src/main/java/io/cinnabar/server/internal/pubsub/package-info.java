/**
 * Pub/Sub and client-side caching (Redis's pubsub.c and tracking.c). {@code PubSubService} owns the channels,
 * shard channels and patterns, runs SUBSCRIBE ... PUBSUB and implements the pipeline's {@code command.PubSub}
 * seam (publishing from inside the server for keyspace notifications, cleanup of closed clients, CLIENT LIST and
 * INFO counters, the hooks around a command). {@code Tracking} runs CLIENT TRACKING/CACHING/GETREDIR/TRACKINGINFO
 * and listens to the keyspace ({@code KeyspaceListener}) to send invalidations.
 * <p>
 * May call: {@code config}, {@code keyspace}, {@code command}.
 * <p><b>Note:</b> Everything here runs on the event-loop thread; nothing is threadsafe.
 */
package io.cinnabar.server.internal.pubsub;
