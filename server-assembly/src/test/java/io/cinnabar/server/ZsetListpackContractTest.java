package io.cinnabar.server;

/** {@link ZsetContract} on a listpack sorted set (the built-in thresholds). */
class ZsetListpackContractTest extends ZsetContract {
    @Override
    String encoding() {
        return "listpack";
    }

    @Override
    String[] thresholds() {
        return new String[] {"zset-max-listpack-entries", "128", "zset-max-listpack-value", "64"};
    }
}
