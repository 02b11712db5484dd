/**
 * The Cinnabar server's public API, the module's only exported package: {@link io.cinnabar.server.CinnabarServer}
 * (an embedded server for test suites and applications: {@code CinnabarServer.builder().port(0).start()}) and
 * {@link io.cinnabar.server.Launcher} (the {@code bin/cinnabar-server} entry point with Redis's command line and
 * config file). Both assemble the server through {@code internal.Assembly}; everything else lives in the
 * non-exported {@code io.cinnabar.server.internal.*} packages.
 */
package io.cinnabar.server;
