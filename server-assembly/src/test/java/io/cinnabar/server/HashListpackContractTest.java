package io.cinnabar.server;

/** {@link HashContract} on a listpack hash (the built-in thresholds). */
class HashListpackContractTest extends HashContract {
    @Override
    String encoding() {
        return "listpack";
    }

    @Override
    String[] thresholds() {
        return new String[] {"hash-max-listpack-entries", "128", "hash-max-listpack-value", "64"};
    }
}
