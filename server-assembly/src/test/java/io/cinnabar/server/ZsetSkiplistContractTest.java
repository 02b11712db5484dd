package io.cinnabar.server;

/** {@link ZsetContract} on a skiplist sorted set ({@code zset-max-listpack-entries 0}). */
class ZsetSkiplistContractTest extends ZsetContract {
    @Override
    String encoding() {
        return "skiplist";
    }

    @Override
    String[] thresholds() {
        return new String[] {"zset-max-listpack-entries", "0"};
    }
}
