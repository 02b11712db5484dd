package io.cinnabar.server;

/** {@link SetContract} on a hashtable set ({@code set-max-intset-entries 0}, {@code set-max-listpack-entries 0}). */
class SetHashtableContractTest extends SetContract {
    @Override
    String encoding() {
        return "hashtable";
    }

    @Override
    String[] thresholds() {
        return new String[] {"set-max-intset-entries", "0"};
    }

    @Override
    String[] oursOnlyThresholds() {
        return new String[] {"set-max-listpack-entries", "0"};
    }
}
