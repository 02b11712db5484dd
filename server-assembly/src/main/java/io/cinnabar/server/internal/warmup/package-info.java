/**
 * The launcher's optional JIT warm-up ({@code cinnabar-jit-warmup}, off by default): {@link
 * io.cinnabar.server.internal.warmup.JitWarmup} drives common commands over loopback through private, throw-away
 * servers built by {@link io.cinnabar.server.internal.Assembly} before the user's server exists, so that the request
 * path is compiled when the first client arrives. It sits above the assembly (it builds whole servers) and below
 * the launcher that calls it; nothing of it outlives the call (no thread, listener, log line or memory).
 * <p><b>Note:</b> Not threadsafe: one warm-up runs at a time, on the caller's thread.
 */
package io.cinnabar.server.internal.warmup;
