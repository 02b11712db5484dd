package io.cinnabar.server.internal.config;

/** A configuration value or directive was rejected; the message is Redis's text for that error. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
