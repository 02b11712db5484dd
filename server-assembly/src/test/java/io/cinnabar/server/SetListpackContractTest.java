package io.cinnabar.server;

/** {@link SetContract} on a listpack set ({@code set-max-intset-entries 0}; 7.0 keeps it as a hashtable). */
class SetListpackContractTest extends SetContract {
    @Override
    String encoding() {
        return "listpack";
    }

    @Override
    String[] thresholds() {
        return new String[] {"set-max-intset-entries", "0"};
    }

    @Override
    String[] oursOnlyThresholds() {
        return new String[] {"set-max-listpack-entries", "128"};
    }
}
