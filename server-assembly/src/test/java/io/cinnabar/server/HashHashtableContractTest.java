package io.cinnabar.server;

/** {@link HashContract} on a hashtable hash ({@code hash-max-listpack-entries 0}). */
class HashHashtableContractTest extends HashContract {
    @Override
    String encoding() {
        return "hashtable";
    }

    @Override
    String[] thresholds() {
        return new String[] {"hash-max-listpack-entries", "0"};
    }
}
